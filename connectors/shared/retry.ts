import { BusUnavailableError } from './errors.ts';

/** How long a connector keeps trying to hand an event to the bus before it gives up. */
export interface RetryPolicy {
  /** Wait before the second attempt; doubles per attempt. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** No new attempt starts once this much time has passed since the first one. */
  giveUpAfterMs: number;
}

/**
 * Suits an HTTP sender waiting for its answer: a NATS restart (a few seconds) is bridged, a longer
 * outage is answered 503 so the sender resends later (stable ids make that safe). File and CSV
 * sources pass a longer budget.
 */
export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 100, maxDelayMs: 5000, giveUpAfterMs: 10_000 };

export interface RetryHooks {
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  sleep?(ms: number): Promise<void>;
  now?(): number;
  random?(): number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Backoff for attempt n (1-based): exponential, capped, with ±20% jitter so many senders do not retry in step. */
export function backoffDelay(attempt: number, p: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(p.maxDelayMs, p.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Runs `op` until it resolves, waiting with backoff after each failure; throws
 * {@link BusUnavailableError} (with the last failure as cause) once the budget is spent.
 */
export async function withRetry<T>(what: string, op: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<T> {
  const now = hooks.now ?? Date.now;
  const sleep = hooks.sleep ?? realSleep;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (e) {
      const delay = backoffDelay(attempt, policy, hooks.random);
      const elapsed = now() - started;
      if (elapsed + delay > policy.giveUpAfterMs) {
        throw new BusUnavailableError(`${what}: the bus did not confirm after ${attempt} attempts in ${elapsed} ms (${(e as Error).message})`, e);
      }
      hooks.onRetry?.(e, attempt, delay);
      await sleep(delay);
    }
  }
}
