import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../engine/config/index.ts';
import { feedHubOptions, jwtSecretOf } from '../../engine/feed/index.ts';
import { connect, scored, startFeedApp, until } from './helpers.ts';

describe('feed settings', () => {
  it('defaults to an open feed, a 200-event snapshot, 1,000-message queues and a 10 s grace', () => {
    const cfg = loadConfig({});
    expect(jwtSecretOf(cfg)).toBeUndefined();
    expect(feedHubOptions(cfg)).toEqual({ snapshotSize: 200, queueSize: 1000, slowGraceMs: 10_000, cuesPerConversation: 10 });
  });

  it('reads the secret and the feed settings, and refuses a secret too short for HS256', () => {
    const cfg = loadConfig({ CXPULSE_JWT_SECRET: 's'.repeat(32), CXPULSE_FEED_SNAPSHOT_SIZE: '0', CXPULSE_FEED_QUEUE_SIZE: '10', CXPULSE_FEED_SLOW_GRACE_MS: '500', CXPULSE_FEED_SNAPSHOT_CUES: '3' });
    expect(jwtSecretOf(cfg)).toBe('s'.repeat(32));
    expect(feedHubOptions(cfg)).toEqual({ snapshotSize: 0, queueSize: 10, slowGraceMs: 500, cuesPerConversation: 3 });
    expect(() => loadConfig({ CXPULSE_JWT_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ CXPULSE_JWT_SECRET: 'short' })).toThrow(/CXPULSE_JWT_SECRET/);
  });

  it('with snapshot size 0 sends an empty snapshot and still streams', async () => {
    const f = await startFeedApp({ hub: { snapshotSize: 0 } });
    try {
      f.hub.broadcast([scored('before', 'c')]);
      const c = await connect(f.wsUrl);
      f.hub.broadcast([scored('after', 'c')]);
      await until(() => c.scores().length === 1, 5000, () => 'one score');
      expect(c.messages[1]).toEqual({ type: 'snapshot', events: [], cues: [], alerts: [] });
      expect(c.scores()[0]?.id).toBe('after');
      c.ws.close();
    } finally {
      await f.close();
    }
  });
});
