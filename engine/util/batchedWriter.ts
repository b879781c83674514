/**
 * One writer for rows that trickle in one or a few at a time (action states, alert states): they
 * are written in the order given, a batch at a time. The first row waits up to `lingerMs` for
 * company; rows given while a write runs wait for it and go together in the next write (at most
 * `maxBatch` rows per write; a full batch goes at once). A failed write is handed to `onError` with
 * its rows and dropped: the caller decides what a lost write means (the feed already carried them).
 *
 * Why: every insert is a new part in a MergeTree table, and ClickHouse pays for each part (a
 * buffer per column file, then merges). One insert per action made the `actions` table cost the
 * server about a core in a 20,000-event drain (bench/README, "Side tables written in batches").
 */
/** Linger of the side tables' writers (actions, alerts): their rows reach the feed at once; the store is their record. */
export const SIDE_WRITE_LINGER_MS = 1000;
export const SIDE_WRITE_MAX_BATCH = 1000;

export interface BatchedWriterOptions<T> {
  write(rows: T[]): Promise<void>;
  onError?(err: Error, rows: T[]): void;
  /** How long the first waiting row waits for others, in ms (0: the next write starts at once). */
  lingerMs: number;
  /** Rows per write at most. */
  maxBatch: number;
}

export interface BatchedWriter<T> {
  push(...rows: T[]): void;
  /** Writes what waits now (no linger) and settles once every row given so far is written or failed. */
  flush(): Promise<void>;
  /** Removes the waiting rows (not a write already running) that match; returns how many (erasure: they are never written). */
  drop(match: (row: T) => boolean): number;
  /** Rows given and not yet written or failed. */
  readonly pending: number;
}

export function createBatchedWriter<T>(o: BatchedWriterOptions<T>): BatchedWriter<T> {
  if (!(o.maxBatch >= 1)) throw new RangeError(`maxBatch must be at least 1, got ${o.maxBatch}`);
  if (!(o.lingerMs >= 0)) throw new RangeError(`lingerMs must be 0 or more, got ${o.lingerMs}`);
  const queue: T[] = [];
  let running: Promise<void> | undefined;
  let inFlight = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stopTimer = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  function start(): void {
    stopTimer();
    if (running !== undefined || queue.length === 0) return;
    const rows = queue.splice(0, o.maxBatch);
    inFlight = rows.length;
    running = (async () => {
      try {
        await o.write(rows);
      } catch (err) {
        o.onError?.(err instanceof Error ? err : new Error(String(err)), rows);
      }
    })().finally(() => {
      running = undefined;
      inFlight = 0;
      // What came in meanwhile has waited for this write: it goes now.
      start();
    });
  }

  return {
    push(...rows) {
      if (rows.length === 0) return;
      queue.push(...rows);
      if (running !== undefined) return;
      if (queue.length >= o.maxBatch || o.lingerMs === 0) start();
      else if (timer === undefined) {
        timer = setTimeout(start, o.lingerMs);
        timer.unref?.();
      }
    },
    async flush() {
      while (running !== undefined || queue.length > 0) {
        if (running === undefined) start();
        await running;
      }
    },
    drop(match) {
      let removed = 0;
      for (let i = queue.length - 1; i >= 0; i--) {
        if (match(queue[i]!)) {
          queue.splice(i, 1);
          removed++;
        }
      }
      if (queue.length === 0) stopTimer();
      return removed;
    },
    get pending() {
      return queue.length + inFlight;
    },
  };
}
