import { EMPTY, defer, mergeMap, of, type OperatorFunction } from 'rxjs';
import type { DeadLetter, Envelope } from '../bus/types.ts';
import type { EventError } from '../event/errors.ts';
import type { Accepted, Decoded } from './types.ts';

export interface DeadLetterSink {
  deadLetter(entry: DeadLetter): Promise<void>;
  /** Called once the entry is safely in the DLQ (metrics, logs). */
  onDeadLettered?(entry: DeadLetter): void;
}

/**
 * Sends invalid messages to the dead-letter queue with their reason and original payload, acks
 * them once the DLQ has them (nak on failure, so nothing is lost), and passes valid ones on.
 */
export function deadLetterInvalid(sink: DeadLetterSink): OperatorFunction<Decoded, Accepted> {
  return mergeMap(({ env, result }) => (result.ok ? of({ env, event: result.event }) : deadLetter$(sink, env, result.error)));
}

/** Puts one message in the DLQ and settles it; emits nothing. Shared by every stage that refuses input. */
export function deadLetter$(sink: DeadLetterSink, env: Envelope, error: EventError) {
  const entry: DeadLetter = {
    error,
    subject: env.subject,
    payload: Buffer.from(env.data).toString('utf8'),
    receivedAtMs: env.receivedAtMs,
    deliveryCount: env.deliveryCount,
  };
  return defer(async () => {
    try {
      await sink.deadLetter(entry);
      env.ack();
      sink.onDeadLettered?.(entry);
    } catch {
      env.nak(1000);
    }
  }).pipe(mergeMap(() => EMPTY));
}
