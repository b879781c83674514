import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

export interface WriteBehindOptions<T, R> {
  /** Most items in one write. */
  maxBatch: number;
  /** An item waits at most this long for others before a write starts (when a write slot is free). */
  lingerMs: number;
  /** Writes running at once. */
  concurrency: number;
  write(batch: T[]): Promise<R>;
  scheduler?: SchedulerLike;
}

/**
 * Batches items into writes that adapt to the store's speed. A write starts when `maxBatch` items
 * wait, or the oldest has waited `lingerMs`, and one of `concurrency` slots is free. Items that
 * arrive while every slot is busy are not cut into linger-sized batches that queue one behind the
 * other: they wait together and go in the next free slot as one write (up to `maxBatch`), so a
 * slower store gets fewer, larger inserts instead of a growing queue of small ones. Results are
 * emitted in the order the writes started, whatever order they finish in. A write that rejects
 * errors the output. On completion of the source, what waits is written at once.
 *
 * @example source.pipe(writeBehind({ maxBatch: 2000, lingerMs: 100, concurrency: 2, write: (rows) => store.write(rows) }))
 */
export function writeBehind<T, R>(o: WriteBehindOptions<T, R>): OperatorFunction<T, R> {
  const scheduler = o.scheduler ?? asyncScheduler;
  const maxBatch = Math.max(1, o.maxBatch);
  const concurrency = Math.max(1, o.concurrency);
  return (source) =>
    new Observable<R>((subscriber) => {
      const waiting: T[] = [];
      const since: number[] = [];
      const started: { done: boolean; value?: R }[] = [];
      let running = 0;
      let ended = false;
      let failed = false;
      let timer: Subscription | undefined;

      const emitInOrder = () => {
        while (started.length > 0 && started[0]!.done) subscriber.next(started.shift()!.value as R);
        if (ended && running === 0 && waiting.length === 0 && started.length === 0) subscriber.complete();
      };
      const due = () => waiting.length >= maxBatch || ended || (waiting.length > 0 && scheduler.now() - since[0]! >= o.lingerMs);
      const pump = () => {
        while (!failed && running < concurrency && waiting.length > 0 && due()) {
          const batch = waiting.splice(0, maxBatch);
          since.splice(0, batch.length);
          const slot: { done: boolean; value?: R } = { done: false };
          started.push(slot);
          running++;
          o.write(batch).then(
            (value) => {
              running--;
              slot.done = true;
              slot.value = value;
              emitInOrder();
              pump();
            },
            (err: unknown) => {
              running--;
              failed = true;
              subscriber.error(err);
            },
          );
        }
        arm();
        emitInOrder();
      };
      /** A timer for the oldest waiting item's linger, unless one is set or nothing waits. */
      const arm = () => {
        if (timer !== undefined || waiting.length === 0 || failed || running >= concurrency) return;
        const wait = Math.max(0, o.lingerMs - (scheduler.now() - since[0]!));
        timer = scheduler.schedule(() => {
          timer = undefined;
          pump();
        }, wait);
      };

      const sub = source.subscribe({
        next(item) {
          waiting.push(item);
          since.push(scheduler.now());
          if (waiting.length >= maxBatch) pump();
          else arm();
        },
        error(err) {
          failed = true;
          subscriber.error(err);
        },
        complete() {
          ended = true;
          timer?.unsubscribe();
          timer = undefined;
          pump();
        },
      });
      return () => {
        sub.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
