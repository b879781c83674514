import { mergeMap, of, type OperatorFunction } from 'rxjs';
import { deadLetter$, type DeadLetterSink } from './deadLetter.ts';
import type { Accepted, Decoded } from './types.ts';

/**
 * Sends invalid messages to the dead-letter queue with their reason and original payload (acked
 * once the DLQ has them) and passes valid ones on.
 *
 * @example source.pipe(decode({ maxTextBytes }), deadLetterInvalid(dlq), redact())
 */
export function deadLetterInvalid(sink: DeadLetterSink): OperatorFunction<Decoded, Accepted> {
  return mergeMap(({ env, result }) => (result.ok ? of({ env, event: result.event }) : deadLetter$(sink, env, result.error)));
}
