import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { ScoredEvent } from '../event/types.ts';
import type { FeedHub } from '../feed/index.ts';
import type { StageErrorHook } from './afterDurable.ts';
import type { Tracked } from './types.ts';

/**
 * Sends each scored micro-batch to the WebSocket feed as `score` messages as soon as it is scored,
 * before the durable write (CXPULSE_FEED_MODE=live): the feed is a live view. A redelivery after a
 * failed write sends the event again; clients keep the latest message per event id. A failing
 * broadcast is reported and the batch goes on to the store: the feed never holds back the write.
 *
 * @example source.pipe(score(model), trackConversation(), broadcastLive(feed, toRow, onError), deliver(opts))
 */
export function broadcastLive(feed: Pick<FeedHub, 'broadcast'>, toRow: (item: Tracked) => ScoredEvent, onError?: StageErrorHook): MonoTypeOperatorFunction<Tracked[]> {
  return tap((batch) => {
    try {
      feed.broadcast(batch.map(toRow));
    } catch (e) {
      onError?.(e as Error, 'feed');
    }
  });
}
