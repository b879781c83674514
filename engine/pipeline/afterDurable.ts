import { tap, type MonoTypeOperatorFunction } from 'rxjs';

/** Reports a failed stage after the durable write; `stage` names it (feed, scores, cues, alerts). */
export type StageErrorHook = (error: Error, stage: string) => void;

/**
 * The shared shape of the stages after the durable write: run `effect` on each batch of stored
 * rows and pass the batch on unchanged. The rows are already stored and acked, so a failing
 * effect is reported and the batch still goes on: it never un-acks a row or stops the pipeline.
 *
 * @example afterDurable('feed', (rows) => feed.broadcast(rows), onError)
 */
export function afterDurable<T>(stage: string, effect: (value: T) => void, onError?: StageErrorHook): MonoTypeOperatorFunction<T> {
  return tap((value) => {
    try {
      effect(value);
    } catch (e) {
      onError?.(e as Error, stage);
    }
  });
}
