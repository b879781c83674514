import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBatchedWriter } from '../../engine/util/index.ts';

/** A write we finish by hand, to hold it in flight. */
function gate() {
  const calls: { rows: number[]; done: () => void; fail: (e: Error) => void }[] = [];
  const write = (rows: number[]) => new Promise<void>((done, fail) => calls.push({ rows, done, fail }));
  return { calls, write };
}

describe('createBatchedWriter', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('lets the first row wait lingerMs for company, then writes them together', async () => {
    const g = gate();
    const w = createBatchedWriter<number>({ write: g.write, lingerMs: 1000, maxBatch: 100 });
    w.push(1);
    await vi.advanceTimersByTimeAsync(400);
    w.push(2, 3);
    await vi.advanceTimersByTimeAsync(599);
    expect(g.calls).toHaveLength(0);
    expect(w.pending).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.calls.map((c) => c.rows)).toEqual([[1, 2, 3]]);
  });

  it('collects what comes while a write runs into the next write, in order, at most maxBatch per write', async () => {
    const g = gate();
    const w = createBatchedWriter<number>({ write: g.write, lingerMs: 0, maxBatch: 3 });
    w.push(1);
    expect(g.calls.map((c) => c.rows)).toEqual([[1]]);
    w.push(2, 3);
    w.push(4, 5);
    expect(g.calls).toHaveLength(1);
    g.calls[0]!.done();
    await vi.advanceTimersByTimeAsync(0);
    expect(g.calls.map((c) => c.rows)).toEqual([[1], [2, 3, 4]]);
    g.calls[1]!.done();
    await vi.advanceTimersByTimeAsync(0);
    expect(g.calls.map((c) => c.rows)).toEqual([[1], [2, 3, 4], [5]]);
    g.calls[2]!.done();
    await vi.advanceTimersByTimeAsync(0);
    expect(w.pending).toBe(0);
  });

  it('writes a full batch without waiting for the linger', () => {
    const g = gate();
    const w = createBatchedWriter<number>({ write: g.write, lingerMs: 60_000, maxBatch: 2 });
    w.push(1, 2, 3);
    expect(g.calls.map((c) => c.rows)).toEqual([[1, 2]]);
  });

  it('flush() writes at once and settles when every row is written', async () => {
    const written: number[][] = [];
    const w = createBatchedWriter<number>({ write: async (rows) => void written.push(rows), lingerMs: 60_000, maxBatch: 2 });
    w.push(1);
    w.push(2, 3);
    let settled = false;
    const f = w.flush().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    await f;
    expect(settled).toBe(true);
    expect(written).toEqual([[1, 2], [3]]);
    expect(w.pending).toBe(0);
  });

  it('hands a failed write to onError with its rows and goes on with the next', async () => {
    const g = gate();
    const failed: { err: string; rows: number[] }[] = [];
    const w = createBatchedWriter<number>({ write: g.write, onError: (err, rows) => failed.push({ err: err.message, rows }), lingerMs: 0, maxBatch: 10 });
    w.push(1);
    w.push(2);
    g.calls[0]!.fail(new Error('store down'));
    await vi.advanceTimersByTimeAsync(0);
    expect(failed).toEqual([{ err: 'store down', rows: [1] }]);
    expect(g.calls.map((c) => c.rows)).toEqual([[1], [2]]);
    g.calls[1]!.done();
    await w.flush();
    expect(w.pending).toBe(0);
  });

  it('drop() takes matching rows out of the queue (erasure), not the write already running', async () => {
    const g = gate();
    const w = createBatchedWriter<number>({ write: g.write, lingerMs: 0, maxBatch: 10 });
    w.push(1);
    w.push(2, 3, 4);
    expect(w.drop((x) => x % 2 === 1)).toBe(1); // 3 waits; 1 is being written
    g.calls[0]!.done();
    await vi.advanceTimersByTimeAsync(0);
    expect(g.calls.map((c) => c.rows)).toEqual([[1], [2, 4]]);
  });

  it('refuses a batch size below 1 and a negative linger', () => {
    expect(() => createBatchedWriter({ write: async () => undefined, lingerMs: 0, maxBatch: 0 })).toThrow(/maxBatch/);
    expect(() => createBatchedWriter({ write: async () => undefined, lingerMs: -1, maxBatch: 1 })).toThrow(/lingerMs/);
  });
});
