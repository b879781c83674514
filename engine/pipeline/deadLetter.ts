import { EMPTY, defer, mergeMap, type Observable } from 'rxjs';
import type { DeadLetter, Envelope } from '../bus/types.ts';
import type { EventError } from '../event/errors.ts';

export interface DeadLetterSink {
  deadLetter(entry: DeadLetter): Promise<void>;
  /** Called once the entry is safely in the DLQ (metrics, logs, the DLQ-spike alert). */
  onDeadLettered?(entry: DeadLetter): void;
}

/** A DLQ write failed: the message comes back after this delay and is tried again. */
export const DLQ_NAK_DELAY_MS = 1000;

/** The DLQ entry for a refused message: the reason and the original payload, untouched. */
export function deadLetterEntry(env: Envelope, error: EventError): DeadLetter {
  return {
    error,
    subject: env.subject,
    payload: Buffer.from(env.data).toString('utf8'),
    receivedAtMs: env.receivedAtMs,
    deliveryCount: env.deliveryCount,
  };
}

/**
 * Puts one message in the DLQ, acks it once the DLQ has it (nak on failure, so nothing is lost)
 * and emits nothing. Every stage that refuses a message (invalid input, a business event, an
 * event the model cannot score) goes through here.
 *
 * @example mergeMap(({ env, error }) => deadLetter$(sink, env, error))
 */
export function deadLetter$(sink: DeadLetterSink, env: Envelope, error: EventError): Observable<never> {
  const entry = deadLetterEntry(env, error);
  return defer(async () => {
    try {
      await sink.deadLetter(entry);
      env.ack();
      sink.onDeadLettered?.(entry);
    } catch {
      env.nak(DLQ_NAK_DELAY_MS);
    }
  }).pipe(mergeMap(() => EMPTY));
}
