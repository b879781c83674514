/**
 * One retry helper for every "try again later" in cxpulse: the store writes of the pipeline
 * (a fixed list of delays, then nak) and the connectors' bus publishes (exponential backoff
 * within a time budget, then 503). It never throws: the caller decides what giving up means.
 */

/** Wait these delays between attempts: one attempt, then one more after each delay. */
export interface DelayListPolicy {
  delaysMs: readonly number[];
}

/** Exponential backoff: no new attempt starts once `giveUpAfterMs` would be passed. */
export interface BackoffPolicy {
  /** Wait before the second attempt; doubles per attempt. */
  initialDelayMs: number;
  maxDelayMs: number;
  giveUpAfterMs: number;
}

export type RetryPolicy = DelayListPolicy | BackoffPolicy;

export interface RetryHooks {
  /** Called after failed attempt `attempt` (1-based), before waiting `delayMs`. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  /** For tests: a virtual clock, sleep and jitter. */
  sleep?(ms: number): Promise<void>;
  now?(): number;
  random?(): number;
}

export type RetryResult<T> = { ok: true; value: T; attempts: number } | { ok: false; error: unknown; attempts: number; elapsedMs: number };

/** Share of a backoff delay that is random (±), so many clients do not retry in step. */
export const BACKOFF_JITTER = 0.2;

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Backoff before attempt n + 1 (n 1-based): exponential, capped at maxDelayMs, with ±20% jitter. */
export function backoffDelay(attempt: number, p: BackoffPolicy, random: () => number = Math.random): number {
  const base = Math.min(p.maxDelayMs, p.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (1 - BACKOFF_JITTER + 2 * BACKOFF_JITTER * random()));
}

/** The wait after failed attempt `attempt`, or undefined when the policy says stop. */
function nextDelay(attempt: number, elapsedMs: number, p: RetryPolicy, random: () => number): number | undefined {
  if ('delaysMs' in p) return p.delaysMs[attempt - 1];
  const delay = backoffDelay(attempt, p, random);
  return elapsedMs + delay > p.giveUpAfterMs ? undefined : delay;
}

/**
 * Runs `op` until it resolves or the policy gives up, waiting between attempts.
 *
 * @example
 * const r = await retry(() => store.write(rows), { delaysMs: [200, 500, 1000] }, { onRetry: (e, n) => log.warn(e, `retry ${n}`) });
 * if (!r.ok) nakAll(r.error);
 */
export async function retry<T>(op: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<RetryResult<T>> {
  const now = hooks.now ?? Date.now;
  const sleep = hooks.sleep ?? realSleep;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return { ok: true, value: await op(), attempts: attempt };
    } catch (error) {
      const elapsedMs = now() - started;
      const delay = nextDelay(attempt, elapsedMs, policy, hooks.random ?? Math.random);
      if (delay === undefined) return { ok: false, error, attempts: attempt, elapsedMs };
      hooks.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
