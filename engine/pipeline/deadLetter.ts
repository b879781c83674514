import { EMPTY, defer, map, mergeMap, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import type { DeadLetter, Envelope, EventBus } from '../bus/types.ts';
import { clipErrorText, deadLetterEntry } from '../bus/deadLetter.ts';
import { eventError, type EventError } from '../event/errors.ts';
import { retry } from '../util/index.ts';

export { deadLetterEntry };

export interface DeadLetterSink {
  deadLetter(entry: DeadLetter): Promise<void>;
  /** Called once the entry is safely in the DLQ (metrics, logs, the DLQ-spike alert). */
  onDeadLettered?(entry: DeadLetter): void;
}

/** A DLQ write failed: the message comes back after this delay and is tried again. */
export const DLQ_NAK_DELAY_MS = 1000;

/**
 * Puts one message in the DLQ, acks it once the DLQ has it (nak on failure, so nothing is lost)
 * and emits nothing. Every stage that refuses a message (invalid input, a business event, an
 * event the model cannot score) goes through here.
 *
 * @example mergeMap(({ env, error }) => deadLetter$(sink, env, error))
 */
export function deadLetter$(sink: DeadLetterSink, env: Envelope, error: EventError): Observable<never> {
  return defer(() => deadLetterNow(sink, env, deadLetterEntry(env, error))).pipe(mergeMap(() => EMPTY));
}

/** deadLetter$ as a promise: the entry in the DLQ and the message acked, or nak'ed when the DLQ failed. Never rejects. */
export async function deadLetterNow(sink: DeadLetterSink, env: Envelope, entry: DeadLetter): Promise<void> {
  try {
    await sink.deadLetter(entry);
    env.ack();
    sink.onDeadLettered?.(entry);
  } catch (err) {
    env.nak(DLQ_NAK_DELAY_MS, `the DLQ write failed: ${(err as Error).message}`);
  }
}

/**
 * On a message's last delivery (the bus's `maxDeliver`) a failure cannot be retried: a nak that
 * says why becomes a DLQ entry with the delivery history (count, last error), and an ack. A nak
 * without a reason (a graceful stop handing messages back) stays a nak.
 *
 * @example source.pipe(deadLetterLastDelivery(dlq), storeBusinessEvents(...))
 */
export function deadLetterLastDelivery(sink: DeadLetterSink): MonoTypeOperatorFunction<Envelope> {
  return map((env) => {
    const max = env.maxDeliver;
    if (max === undefined || env.deliveryCount < max) return env;
    return {
      ...env,
      nak: (delayMs?: number, reason?: string) => {
        if (reason === undefined) return env.nak(delayMs);
        const lastError = clipErrorText(reason);
        const error = eventError('CX_ERR_MAX_DELIVERIES', `failed on all ${env.deliveryCount} deliveries; the last: ${lastError}`);
        void deadLetterNow(sink, env, deadLetterEntry(env, error, { deliveries: env.deliveryCount, maxDeliver: max, lastError }));
      },
    };
  });
}

/** How long one message the bus gave up on is retried into the DLQ before it is logged as not dead-lettered. */
const UNDELIVERABLE_RETRY = { initialDelayMs: 500, maxDelayMs: 10_000, giveUpAfterMs: 5 * 60_000 };

/**
 * Puts every message the bus gave up on (max deliver reached and never acked: the engine crashed,
 * stalled or stopped while holding it) into the DLQ with its history. Runs until the bus stops;
 * `onLost` hears of an entry the DLQ would not take (the message stays in the stream).
 */
export async function deadLetterUndeliverable(bus: Pick<EventBus, 'undeliverable'>, sink: DeadLetterSink, onLost?: (entry: DeadLetter, error: unknown) => void): Promise<void> {
  if (!bus.undeliverable) return;
  for await (const entry of bus.undeliverable()) {
    const r = await retry(() => sink.deadLetter(entry), UNDELIVERABLE_RETRY);
    if (r.ok) sink.onDeadLettered?.(entry);
    else onLost?.(entry, r.error);
  }
}
