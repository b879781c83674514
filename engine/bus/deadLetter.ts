import type { EventError } from '../event/errors.ts';
import { DLQ_MAX_PAYLOAD_BYTES, type DeadLetter, type DeliveryHistory, type Envelope } from './types.ts';

/** What a DLQ entry is made from: a delivered message, or one the bus gave up on. */
export type DeadLetterSource = Pick<Envelope, 'subject' | 'data' | 'receivedAtMs' | 'deliveryCount' | 'busId'>;

/**
 * The one builder of DLQ entries: the reason and the original payload (as UTF-8 text, cut to
 * DLQ_MAX_PAYLOAD_BYTES so an entry always fits the bus), plus the delivery history when the
 * message ran out of deliveries.
 */
export function deadLetterEntry(msg: DeadLetterSource, error: EventError, history?: DeliveryHistory): DeadLetter {
  const cut = msg.data.byteLength > DLQ_MAX_PAYLOAD_BYTES;
  const entry: DeadLetter = {
    error,
    subject: msg.subject,
    payload: Buffer.from(cut ? msg.data.subarray(0, DLQ_MAX_PAYLOAD_BYTES) : msg.data).toString('utf8'),
    receivedAtMs: msg.receivedAtMs,
    deliveryCount: msg.deliveryCount,
  };
  if (cut) entry.payloadBytes = msg.data.byteLength;
  if (history) entry.history = history;
  if (msg.busId !== undefined) entry.busId = msg.busId;
  return entry;
}

/** Longest error text kept in a DLQ entry (a store's message can quote a whole row). */
export const MAX_ERROR_TEXT = 2000;

export function clipErrorText(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

/** The wait before the next delivery after delivery `deliveryCount` failed: the backoff list, its last value repeating. */
export function backoffFor(backoffMs: readonly number[], deliveryCount: number): number {
  if (backoffMs.length === 0) return 0;
  return backoffMs[Math.min(backoffMs.length, Math.max(1, deliveryCount)) - 1]!;
}
