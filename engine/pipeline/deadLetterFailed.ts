import { concat, concatMap, of, type OperatorFunction } from 'rxjs';
import { deadLetter$, type DeadLetterSink } from './deadLetter.ts';
import type { Scored, ScoredBatch } from './types.ts';

/**
 * Dead-letters the events the model failed on (`score` already retried each one alone), through
 * the same path as invalid input, then passes the batch's scored events on.
 *
 * @example source.pipe(score(model), deadLetterFailed(dlq), trackConversation())
 */
export function deadLetterFailed(sink: DeadLetterSink): OperatorFunction<ScoredBatch, Scored[]> {
  return concatMap(({ scored, failed }) => concat(...failed.map((f) => deadLetter$(sink, f.env, f.error)), of(scored)));
}
