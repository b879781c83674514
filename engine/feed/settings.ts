import type { Config } from '../config/index.ts';
import type { FeedHubOptions } from './hub.ts';

/** The hub's settings from the validated environment (CXPULSE_FEED_*). */
export function feedHubOptions(cfg: Config): Partial<FeedHubOptions> {
  return {
    snapshotSize: cfg.CXPULSE_FEED_SNAPSHOT_SIZE,
    queueSize: cfg.CXPULSE_FEED_QUEUE_SIZE,
    slowGraceMs: cfg.CXPULSE_FEED_SLOW_GRACE_MS,
    cuesPerConversation: cfg.CXPULSE_FEED_SNAPSHOT_CUES,
  };
}

/** The feed's HS256 key, or undefined for the open (unauthenticated) feed. */
export function jwtSecretOf(cfg: Config): string | undefined {
  return cfg.CXPULSE_JWT_SECRET;
}
