import { asyncScheduler, bufferTime, filter, type OperatorFunction, type SchedulerLike } from 'rxjs';

/**
 * Micro-batches: emits when `maxSize` items are buffered or `lingerMs` has passed, whichever
 * comes first; never emits empty batches. Flushes what it holds when the source completes.
 *
 * @example source.pipe(batchBy(64, 5)) // up to 64 events, at most 5 ms late
 */
export function batchBy<T>(maxSize: number, lingerMs: number, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, T[]> {
  return (source) =>
    source.pipe(
      bufferTime(Math.max(lingerMs, 1), null, maxSize, scheduler),
      filter((batch) => batch.length > 0),
    );
}
