import { describe, expect, it } from 'vitest';
import { backoffDelay, retry, type BackoffPolicy } from '../../engine/util/index.ts';

/** An operation that fails `failures` times, then returns how many calls it took. */
function flaky(failures: number) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    op: async () => {
      calls++;
      if (calls <= failures) throw new Error(`failure ${calls}`);
      return calls;
    },
  };
}

/** Virtual time: sleeping advances the clock instantly and records the delay. */
function virtualTime() {
  let now = 0;
  const sleeps: number[] = [];
  return { sleeps, hooks: { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)), random: () => 0.5 } };
}

const BACKOFF: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 5000, giveUpAfterMs: 2000 };

describe('retry with a list of delays', () => {
  it('waits each delay in turn and returns the value once an attempt succeeds', async () => {
    const f = flaky(2);
    const v = virtualTime();
    const retries: [string, number, number][] = [];
    const r = await retry(f.op, { delaysMs: [200, 500, 1000] }, { ...v.hooks, onRetry: (e, n, d) => retries.push([(e as Error).message, n, d]) });
    expect(r).toEqual({ ok: true, value: 3, attempts: 3 });
    expect(v.sleeps).toEqual([200, 500]);
    expect(retries).toEqual([
      ['failure 1', 1, 200],
      ['failure 2', 2, 500],
    ]);
  });

  it('returns the last error after one attempt more than there are delays', async () => {
    const f = flaky(Number.POSITIVE_INFINITY);
    const v = virtualTime();
    const r = await retry(f.op, { delaysMs: [200, 500] }, v.hooks);
    expect(r).toMatchObject({ ok: false, attempts: 3, elapsedMs: 700 });
    expect(!r.ok && (r.error as Error).message).toBe('failure 3');
    expect(f.calls).toBe(3);
  });

  it('tries once and never waits with an empty list', async () => {
    const v = virtualTime();
    expect(await retry(flaky(1).op, { delaysMs: [] }, v.hooks)).toMatchObject({ ok: false, attempts: 1 });
    expect(v.sleeps).toEqual([]);
  });
});

describe('retry with exponential backoff', () => {
  it('doubles the wait per attempt', async () => {
    const v = virtualTime();
    expect(await retry(flaky(3).op, BACKOFF, v.hooks)).toEqual({ ok: true, value: 4, attempts: 4 });
    expect(v.sleeps).toEqual([100, 200, 400]);
  });

  it('gives up before a wait would pass the budget', async () => {
    const v = virtualTime();
    const r = await retry(flaky(Number.POSITIVE_INFINITY).op, BACKOFF, v.hooks);
    // 100 + 200 + 400 + 800 = 1500; the next wait (1600) would end at 3100 > 2000.
    expect(v.sleeps).toEqual([100, 200, 400, 800]);
    expect(r).toMatchObject({ ok: false, attempts: 5, elapsedMs: 1500 });
  });

  it('keeps each delay within its cap, with jitter of at most 20%', () => {
    for (let attempt = 1; attempt < 20; attempt++) {
      for (const r of [0, 0.5, 0.999]) {
        const d = backoffDelay(attempt, BACKOFF, () => r);
        const base = Math.min(BACKOFF.maxDelayMs, BACKOFF.initialDelayMs * 2 ** (attempt - 1));
        expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(d).toBeLessThanOrEqual(Math.ceil(base * 1.2));
      }
    }
  });
});
