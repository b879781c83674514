import type { Envelope } from '../bus/types.ts';
import { clipErrorText, deadLetterEntry } from '../bus/deadLetter.ts';
import { eventError } from '../event/errors.ts';
import { RowsRejectedError } from '../sinks/types.ts';
import { backoffDelay } from '../util/index.ts';
import { deadLetterNow, type DeadLetterSink } from './deadLetter.ts';

/** While the store is down, retries wait this long at first, doubling up to `holdMaxDelayMs`. */
export const HOLD_INITIAL_DELAY_MS = 200;
export const DEFAULT_HOLD_MAX_DELAY_MS = 5000;
/** A row the store refused for no reason it named comes back after this (or the bus's longer backoff). */
export const NAK_DELAY_MS = 2000;

export interface StoreBatchOptions<T extends { env: Envelope }> {
  write(items: readonly T[]): Promise<void>;
  /** Whether the store answers at all; absent: every failure that is not a rejection counts as "down". */
  ping?(): Promise<boolean>;
  dlq: DeadLetterSink;
  /** Waits between attempts while the store answers but refuses the whole batch, before splitting it. */
  retryDelaysMs: readonly number[];
  /** Longest wait between attempts while the store is down (the messages are marked in progress at each). */
  holdMaxDelayMs?: number;
  sleep(ms: number): Promise<void>;
  /** Aborted: stop waiting for a store that is down and hand the messages back (a graceful stop). */
  signal?: AbortSignal;
  /** Jitter source of the waits while the store is down (tests pass a fixed one). */
  random?(): number;
  onRetry?(error: Error, attempt: number): void;
  /** Stopped while the store was down: `size` messages were handed back to the bus. */
  onGaveUp?(error: Error, size: number): void;
}

type Failure = 'rejected' | 'down' | 'refused';

/**
 * Writes a batch and settles every message in it; returns the items written (and acked), in
 * order. What a failure means decides what happens:
 * - the store is down (it does not answer a ping): the whole batch waits, marked in progress so
 *   the bus neither redelivers it nor counts a delivery, and is retried until the store is back;
 *   nothing goes to the DLQ;
 * - the store refused rows' content ({@link RowsRejectedError}): the batch is split in halves
 *   until the rows at fault are alone; the others are written and acked, each refused row goes
 *   to the DLQ with the store's error (it would fail again on every redelivery);
 * - the store answers but fails the batch for no reason it names: retried after each of
 *   `retryDelaysMs`, then split the same way; a row that still fails alone is nak'ed with the
 *   error, so the bus's backoff and max deliver apply and its last delivery goes to the DLQ
 *   with that history.
 */
export async function storeBatch<T extends { env: Envelope }>(items: readonly T[], o: StoreBatchOptions<T>): Promise<T[]> {
  const stored: T[] = [];
  // Parts still to write, in order; the whole batch first.
  const parts: (readonly T[])[] = items.length > 0 ? [items] : [];
  let downFor = 0;
  let refusedRetries = 0;
  while (parts.length > 0) {
    const part = parts[0]!;
    const error = await attempt(o.write, part);
    if (error === undefined) {
      parts.shift();
      for (const item of part) item.env.ack();
      stored.push(...part);
      downFor = 0;
      continue;
    }
    const failure = await classify(error, o.ping);
    if (failure === 'down') {
      if (o.signal?.aborted) {
        const left = parts.flat();
        for (const item of left) item.env.nak();
        o.onGaveUp?.(error, left.length);
        break;
      }
      downFor++;
      o.onRetry?.(error, downFor);
      for (const item of parts.flat()) item.env.working?.();
      await o.sleep(backoffDelay(downFor, { initialDelayMs: HOLD_INITIAL_DELAY_MS, maxDelayMs: o.holdMaxDelayMs ?? DEFAULT_HOLD_MAX_DELAY_MS, giveUpAfterMs: Infinity }, o.random));
      continue;
    }
    if (failure === 'refused' && part === items && refusedRetries < o.retryDelaysMs.length) {
      o.onRetry?.(error, ++refusedRetries);
      await o.sleep(o.retryDelaysMs[refusedRetries - 1]!);
      continue;
    }
    parts.shift();
    if (part.length > 1) {
      const mid = Math.ceil(part.length / 2);
      parts.unshift(part.slice(0, mid), part.slice(mid));
      continue;
    }
    const item = part[0]!;
    const reason = clipErrorText(error.message);
    if (failure === 'rejected') await deadLetterNow(o.dlq, item.env, deadLetterEntry(item.env, eventError('CX_ERR_ROW_REJECTED', `the store refused this row: ${reason}`)));
    else item.env.nak(NAK_DELAY_MS, `store write failed: ${reason}`);
  }
  return stored;
}

async function attempt<T>(write: (items: readonly T[]) => Promise<void>, part: readonly T[]): Promise<Error | undefined> {
  try {
    await write(part);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

async function classify(error: Error, ping: (() => Promise<boolean>) | undefined): Promise<Failure> {
  if (error instanceof RowsRejectedError) return 'rejected';
  if (!ping) return 'down';
  return (await ping().catch(() => false)) ? 'refused' : 'down';
}
