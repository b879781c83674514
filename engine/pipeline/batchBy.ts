import { bufferTime, filter, type OperatorFunction } from 'rxjs';

/**
 * Micro-batches: emits when `maxSize` items are buffered or `lingerMs` has passed, whichever
 * comes first; never emits empty batches. Flushes what it holds when the source completes.
 */
export function batchBy<T>(maxSize: number, lingerMs: number): OperatorFunction<T, T[]> {
  return (source) =>
    source.pipe(
      bufferTime(Math.max(lingerMs, 1), null, maxSize),
      filter((batch) => batch.length > 0),
    );
}
