import type { MonoTypeOperatorFunction } from 'rxjs';
import type { ScoredEvent } from '../event/types.ts';
import type { FeedHub } from '../feed/index.ts';
import { afterDurable, type StageErrorHook } from './afterDurable.ts';

/**
 * Sends each stored row to the WebSocket feed as a `score` message (the hub routes it to the
 * clients allowed to see it), in CXPULSE_FEED_MODE=durable: after the durable write, so a page
 * never shows a score that could still be lost (live mode uses broadcastLive instead).
 *
 * @example source.pipe(deliver(opts), broadcastToFeed(feed, onError))
 */
export function broadcastToFeed(feed: Pick<FeedHub, 'broadcast'>, onError?: StageErrorHook): MonoTypeOperatorFunction<ScoredEvent[]> {
  return afterDurable('feed', (rows) => feed.broadcast(rows), onError);
}
