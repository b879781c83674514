/**
 * Replays the generated stream at a fixed rate into a publish callback (the engine's bus).
 *
 * Pacing is a token schedule, not a sleep per event: tokens accrue at `rate` per second, each
 * tick sends every event whose token has accrued (a small burst at high rates), then sleeps
 * until the next token or at least one tick. If publishing stalls, at most one second of
 * backlog is sent as catch-up; beyond that the schedule slips instead of flooding the bus.
 */
import { generateEvents, resolveSeed } from './generator.ts';
import type { RawEvent, RunOptions, RunResult } from './types.ts';

export const TICK_MS = 10;
export const PROGRESS_EVERY_MS = 1000;
const MAX_BACKLOG_SEC = 1;

export async function runSimulation(opts: RunOptions): Promise<RunResult> {
  const rate = checkPositive('rate', opts.rate);
  const limit = opts.count === undefined ? Infinity : checkCount(opts.count);
  const durationMs = opts.durationSec === undefined ? Infinity : checkPositive('durationSec', opts.durationSec) * 1000;
  const maxInFlight = opts.maxInFlight ?? 1;
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) {
    throw new RangeError(`simulator: maxInFlight must be a positive integer, got ${maxInFlight}`);
  }
  const { signal, publish, onProgress } = opts;
  const seed = resolveSeed(opts.seed);
  const events = generateEvents({ ...opts, seed, eventsPerSec: opts.eventsPerSec ?? rate });
  const backlogCap = Math.max(1, Math.ceil(rate * MAX_BACKLOG_SEC));

  const start = performance.now();
  const endAt = start + durationMs;
  let origin = start;
  let lastProgress = start;
  let sent = 0;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (ev: RawEvent): void => {
    let attempt: Promise<void>;
    try {
      attempt = Promise.resolve(publish(ev));
    } catch (err) {
      attempt = Promise.reject(err); // a publish that throws synchronously counts like a rejection
    }
    const tracked: Promise<void> = attempt.then(
      () => undefined,
      () => void failed++,
    ).finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    sent++;
  };

  while (sent < limit && !signal?.aborted) {
    const now = performance.now();
    if (now >= endAt) break;
    // The +1 lets the first event go out at once instead of after 1/rate seconds.
    let due = Math.floor(((now - origin) * rate) / 1000) + 1;
    if (due - sent > backlogCap) {
      origin = now - ((sent + backlogCap - 1) * 1000) / rate;
      due = sent + backlogCap;
    }
    due = Math.min(due, limit);
    while (sent < due && !signal?.aborted) {
      if (inFlight.size >= maxInFlight) {
        await Promise.race(inFlight);
        if (signal?.aborted) break;
      }
      const next = events.next();
      if (next.done) break;
      send(next.value);
    }
    const after = performance.now();
    if (onProgress && after - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = after;
      onProgress(sent, Math.round(after - start));
    }
    if (sent >= limit) break;
    const nextTokenAt = origin + (sent * 1000) / rate;
    await sleep(Math.min(Math.max(TICK_MS, nextTokenAt - after), Math.max(0, endAt - after)), signal);
  }

  // Abort stops new sends; publishes already started still settle so failures are counted.
  await Promise.all(inFlight);
  const elapsedMs = Math.round(performance.now() - start);
  onProgress?.(sent, elapsedMs);
  return { sent, elapsedMs, failed, seed };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function checkPositive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`simulator: ${name} must be a positive number, got ${value}`);
  return value;
}

function checkCount(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`simulator: count must be a non-negative integer, got ${value}`);
  return value;
}
