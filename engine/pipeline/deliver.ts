import { asyncScheduler, filter, lastValueFrom, mergeMap, tap, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { OPTIONAL_TEXT_SCORES, type ScoredEvent } from '../event/types.ts';
import type { ScoreStore } from '../sinks/types.ts';
import type { DeadLetterSink } from './deadLetter.ts';
import { storeBatch, type StoreBatchOptions } from './storeBatch.ts';
import type { Tracked } from './types.ts';
import { writeBehind } from './writeBehind.ts';

export { NAK_DELAY_MS } from './storeBatch.ts';

export interface DeliverOptions {
  /** `ping` tells "store down" (wait, retry) from "store refuses these rows" (split); without it every failure counts as down. */
  store: Pick<ScoreStore, 'write'> & Partial<Pick<ScoreStore, 'ping'>>;
  /** Where rows the store refuses go. */
  dlq: DeadLetterSink;
  batchSize: number;
  lingerMs: number;
  /** Inserts running at once (default 1); batches wait together while every one is busy (writeBehind.ts). */
  concurrency?: number;
  /** Waits before retrying a batch the store answers but fails, before splitting it. */
  retryDelaysMs?: readonly number[];
  /** Longest wait between attempts while the store is down. */
  holdMaxDelayMs?: number;
  /** Aborted: stop waiting for a store that is down and hand the batch back to the bus. */
  signal?: AbortSignal;
  /** Times the linger and the retry delays; virtual in tests. */
  scheduler?: SchedulerLike;
  random?(): number;
  onRetry?(error: Error, attempt: number): void;
  /** Stopped while the store was down: the batch's messages were handed back for redelivery. */
  onGaveUp?(error: Error, size: number): void;
  onDelivered?(item: Tracked, row: ScoredEvent, ackedAtMs: number): void;
  /** Builds an item's row; default toScoredEvent (the pipeline passes a memo shared with the live feed). */
  toRow?(item: Tracked): ScoredEvent;
  /** A batch was stored and acked. */
  onStored?(rows: readonly ScoredEvent[]): void;
}

export const DEFAULT_RETRY_DELAYS_MS = [200, 500, 1000, 2000, 4000] as const;

/** The parts of DeliverOptions every durable batch write shares (scored rows and business events). */
export function storeBatchOptions<T extends Tracked | { env: Tracked['env'] }>(
  o: Omit<DeliverOptions, 'store' | 'batchSize' | 'lingerMs' | 'onDelivered' | 'onStored' | 'toRow'>,
  ping: (() => Promise<boolean>) | undefined,
  write: (items: readonly T[]) => Promise<void>,
): StoreBatchOptions<T> {
  const scheduler = o.scheduler ?? asyncScheduler;
  return {
    write,
    ...(ping ? { ping } : {}),
    dlq: o.dlq,
    retryDelaysMs: o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    sleep: (ms) => lastValueFrom(timer(ms, scheduler)).then(() => undefined),
    ...(o.holdMaxDelayMs !== undefined ? { holdMaxDelayMs: o.holdMaxDelayMs } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.random ? { random: o.random } : {}),
    ...(o.onRetry ? { onRetry: o.onRetry } : {}),
    ...(o.onGaveUp ? { onGaveUp: o.onGaveUp } : {}),
  };
}

/** The model heads (engine/event/heads.ts), the hidden signals and churn risk: copied onto the scored event only when present. */
const OPTIONAL_SCORES = [...OPTIONAL_TEXT_SCORES, 'churn'] as const;

export function toScoredEvent(item: Tracked): ScoredEvent {
  const e = item.event;
  const row: ScoredEvent = {
    id: e.id,
    channel: e.channel,
    conversationId: e.conversationId,
    customerId: e.customerId,
    author: e.author,
    tsMs: e.tsMs,
    text: item.text,
    lang: item.language.lang,
    langConfidence: item.language.confidence,
    sentiment: item.sentiment,
    conversation: item.conversation,
    modelVersion: item.modelVersion,
    latencyMs: item.scoredAtMs - item.env.receivedAtMs,
    receivedAtMs: item.env.receivedAtMs,
  };
  if (e.agentId !== undefined) row.agentId = e.agentId;
  if (item.subject !== undefined) row.subject = item.subject;
  if (e.meta !== undefined) row.meta = e.meta;
  if (item.env.deliveryCount > 1) row.redelivered = true;
  for (const k of OPTIONAL_SCORES) if (item[k] !== undefined) (row as unknown as Record<string, unknown>)[k] = item[k];
  return row;
}

/** toScoredEvent, built once per item however many stages ask (the live feed, then the store). */
export function memoRows(): (item: Tracked) => ScoredEvent {
  const rows = new WeakMap<Tracked, ScoredEvent>();
  return (item) => {
    let row = rows.get(item);
    if (row === undefined) rows.set(item, (row = toScoredEvent(item)));
    return row;
  };
}

/**
 * Writes scored events to the store in batches and acks each message only once its row is
 * durable, then emits the stored rows for the stages after the durable write. A store that is
 * down holds the batch until it is back; rows the store refuses are found by splitting the
 * batch and dead-lettered, the others written (storeBatch.ts). Nothing is emitted for a row
 * that was not stored, and the pipeline goes on.
 *
 * @example source.pipe(deliver({ store, dlq, batchSize: 500, lingerMs: 50 }), broadcastToFeed(feed))
 */
export function deliver(opts: DeliverOptions): OperatorFunction<Tracked[], ScoredEvent[]> {
  const scheduler = opts.scheduler ?? asyncScheduler;
  const rowOf = opts.toRow ?? memoRows();
  const write = (items: readonly Tracked[]) => opts.store.write(items.map(rowOf));
  const storing = storeBatchOptions(opts, opts.store.ping?.bind(opts.store), write);
  return (source) =>
    source.pipe(
      mergeMap((batch) => batch),
      writeBehind<Tracked, ScoredEvent[]>({
        maxBatch: opts.batchSize,
        lingerMs: opts.lingerMs,
        concurrency: opts.concurrency ?? 1,
        scheduler,
        write: async (batch) => {
          const stored = await storeBatch(batch, storing);
          const ackedAtMs = scheduler.now();
          return stored.map((item) => {
            const row = rowOf(item);
            opts.onDelivered?.(item, row, ackedAtMs);
            return row;
          });
        },
      }),
      filter((rows) => rows.length > 0),
      tap((rows) => opts.onStored?.(rows)),
    );
}
