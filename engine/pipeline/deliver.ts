import { asyncScheduler, concatMap, filter, lastValueFrom, mergeMap, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { OPTIONAL_TEXT_SCORES, type ScoredEvent } from '../event/types.ts';
import type { ScoreStore } from '../sinks/types.ts';
import { retry } from '../util/index.ts';
import { batchBy } from './batchBy.ts';
import type { Tracked } from './types.ts';

export interface DeliverOptions {
  store: Pick<ScoreStore, 'write'>;
  batchSize: number;
  lingerMs: number;
  retryDelaysMs?: readonly number[];
  /** Times the linger and the retry delays; virtual in tests. */
  scheduler?: SchedulerLike;
  onRetry?(error: Error, attempt: number): void;
  /** The batch could not be stored: its messages were nak'ed for later redelivery. */
  onGaveUp?(error: Error, size: number): void;
  onDelivered?(item: Tracked, row: ScoredEvent, ackedAtMs: number): void;
  /** A batch was stored and acked. */
  onStored?(rows: readonly ScoredEvent[]): void;
}

export const DEFAULT_RETRY_DELAYS_MS = [200, 500, 1000, 2000, 4000] as const;
export const NAK_DELAY_MS = 2000;

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
  for (const k of OPTIONAL_SCORES) if (item[k] !== undefined) (row as unknown as Record<string, unknown>)[k] = item[k];
  return row;
}

/**
 * Writes scored events to the store in batches and acks each message only once its row is
 * durable, then emits the stored rows for the stages after the durable write. When the store
 * keeps failing, the batch is nak'ed (redelivered later, never lost), nothing is emitted for it
 * and the pipeline goes on.
 *
 * @example source.pipe(deliver({ store, batchSize: 500, lingerMs: 50 }), broadcastToFeed(feed))
 */
export function deliver(opts: DeliverOptions): OperatorFunction<Tracked[], ScoredEvent[]> {
  const delays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const scheduler = opts.scheduler ?? asyncScheduler;
  const sleep = (ms: number) => lastValueFrom(timer(ms, scheduler)).then(() => undefined);
  return (source) =>
    source.pipe(
      mergeMap((batch) => batch),
      batchBy<Tracked>(opts.batchSize, opts.lingerMs, scheduler),
      concatMap(async (batch) => {
        const rows = batch.map(toScoredEvent);
        const written = await retry(() => opts.store.write(rows), { delaysMs: delays }, { onRetry: (e, n) => opts.onRetry?.(e as Error, n), sleep });
        if (!written.ok) {
          for (const item of batch) item.env.nak(NAK_DELAY_MS);
          opts.onGaveUp?.(written.error as Error, batch.length);
          return [];
        }
        const ackedAtMs = scheduler.now();
        batch.forEach((item, i) => {
          item.env.ack();
          opts.onDelivered?.(item, rows[i]!, ackedAtMs);
        });
        opts.onStored?.(rows);
        return rows;
      }),
      filter((rows) => rows.length > 0),
    );
}
