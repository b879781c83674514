import { afterEach, describe, expect, it } from 'vitest';
import { connect, scored, SECRET, startFeedApp, token, until, type FeedApp } from './helpers.ts';
import { FEED_CLOSE, TOO_SLOW_REASON } from '../../engine/feed/index.ts';

let feed: FeedApp | undefined;
afterEach(async () => {
  await feed?.close();
  feed = undefined;
});

// 16 KiB of text per event, so a stalled reader fills the kernel's socket buffers in a few hundred events.
const big = 'x'.repeat(16 * 1024);
const QUEUE = 50;

describe('a slow feed client', () => {
  it('gets its drops counted and is closed with 4008, while a normal client gets every event in order', async () => {
    feed = await startFeedApp({ secret: SECRET, hub: { queueSize: QUEUE, slowGraceMs: 300 } });
    const f = feed;
    const stalled = await connect(f.wsUrl, { header: await token({ role: 'supervisor', sub: 'frozen-tab' }) });
    const normal = await connect(f.wsUrl, { header: await token({ role: 'admin', sub: 'wallboard' }) });
    await until(() => stalled.messages.length >= 2 && normal.messages.length >= 2, 5000, () => 'hello');
    stalled.stall();

    let sent = 0;
    const batch = () => {
      const rows = Array.from({ length: 20 }, () => scored(`ev-${++sent}`, `conv-${sent % 7}`, { text: big }));
      // broadcast is synchronous and returns nothing to wait for: the engine cannot be held up.
      expect(f.hub.broadcast(rows)).toBeUndefined();
      const s = f.hub.stats().find((c) => c.sub === 'frozen-tab');
      // The stalled client's backlog is bounded by its queue, whatever arrives.
      if (s) expect(s.queued).toBeLessThanOrEqual(QUEUE);
    };
    const stalledStats = () => f.hub.stats().find((c) => c.sub === 'frozen-tab');
    const caughtUp = () => until(() => normal.scores().length === sent, 10_000, () => `normal client has ${normal.scores().length} of ${sent}`);

    // Phase 1: until the stalled client's socket and queue are full and it starts to lose messages.
    while ((stalledStats()?.dropped ?? 0) === 0) {
      if (sent > 5000) throw new Error('the stalled client never dropped anything');
      batch();
      await caughtUp();
    }
    const firstDropAt = sent;
    // Phase 2: keep the traffic going past the grace period; the hub cuts the stalled client off.
    const deadline = Date.now() + 10_000;
    while (stalledStats() !== undefined) {
      if (Date.now() > deadline) throw new Error('the stalled client was never closed');
      batch();
      await caughtUp();
      await new Promise((r) => setTimeout(r, 20));
    }
    const dropped = await droppedMetric(f);
    expect(dropped).toBeGreaterThan(0);
    expect(f.hub.clients).toBe(1);

    // The stalled client, once it reads again, drains what was in flight and then sees the close.
    stalled.resume();
    expect(await stalled.closed).toEqual({ code: FEED_CLOSE.TOO_SLOW, reason: TOO_SLOW_REASON });
    // What it did get is in order, with a gap where drop-oldest discarded messages.
    const got = stalled.scores().map((e) => Number(e.id.slice(3)));
    expect(got).toEqual([...got].sort((a, b) => a - b));
    expect(got.length).toBeLessThan(sent);

    // The normal client got everything, in order, and stays connected and served.
    batch();
    await caughtUp();
    expect(normal.scores().map((e) => e.id)).toEqual(Array.from({ length: sent }, (_, i) => `ev-${i + 1}`));
    expect(f.hub.stats()).toEqual([{ role: 'admin', sub: 'wallboard', queued: 0, dropped: 0 }]);
    expect(firstDropAt).toBeGreaterThan(QUEUE);
    normal.ws.close();
  });

  it('is closed at once when its socket buffer passes the hard cap', async () => {
    feed = await startFeedApp({ hub: { maxBufferBytes: 256 * 1024, slowGraceMs: 60_000 } });
    const f = feed;
    const stalled = await connect(f.wsUrl);
    await until(() => stalled.messages.length >= 2, 5000, () => 'hello');
    stalled.stall();
    let sent = 0;
    while (f.hub.clients > 0) {
      if (sent > 5000) throw new Error('never closed');
      f.hub.broadcast(Array.from({ length: 20 }, () => scored(`ev-${++sent}`, 'c', { text: big })));
      await new Promise((r) => setImmediate(r));
    }
    stalled.resume();
    expect(await stalled.closed).toEqual({ code: FEED_CLOSE.TOO_SLOW, reason: TOO_SLOW_REASON });
  });
});

async function droppedMetric(f: FeedApp): Promise<number> {
  const m = await f.metrics.feedDropped.get();
  return m.values[0]?.value ?? 0;
}
