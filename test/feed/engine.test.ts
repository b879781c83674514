import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../engine/runtime/index.ts';
import { takeEvents } from '../../simulator/index.ts';
import { startTestEngine, waitUntil } from '../helpers/engine.ts';
import { connect, scored, until } from './helpers.ts';

// The real engine (in-process bus, embedded store): a feed client that stops reading must not
// hold up scoring, storing or the other clients.
let engine: Engine;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-feed-'));
  engine = await startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, LOG_LEVEL: 'error' });
});
afterAll(async () => {
  await engine?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the engine with a stalled feed client', () => {
  it('scores and stores every event and serves a normal client in order, while the stalled one only queues (bounded)', async () => {
    const url = `${engine.url.replace(/^http/, 'ws')}/v1/feed`;
    const stalled = await connect(url);
    const normal = await connect(url);
    await until(() => stalled.messages.length >= 2 && normal.messages.length >= 2, 5000, () => 'hello');
    stalled.stall();
    // Saturate the stalled client's TCP path first, so it is really backed up when real traffic comes.
    const big = 'x'.repeat(16 * 1024);
    let filler = 0;
    const stalledQueued = () => engine.feed.stats().find((c) => c.queued > 0)?.queued ?? 0;
    while (stalledQueued() === 0) {
      if (filler > 5000) throw new Error('the stalled client never backed up');
      engine.feed.broadcast(Array.from({ length: 20 }, () => scored(`fill-${++filler}`, 'fill', { text: big })));
      await until(() => normal.scores().length === filler, 10_000, () => 'normal client keeps up with the filler');
    }

    const events = takeEvents(300, { seed: 33 });
    const res = await fetch(`${engine.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
    expect(res.status).toBe(202);
    const real = () => normal.scores().filter((e) => !e.id.startsWith('fill-'));
    await until(() => real().length === 300, 30_000, () => `normal client has ${real().length} of 300`);

    // The live feed (the default mode) may run ahead of the durable write: wait for the rows too.
    const rows = async () => (await readFile(join(dir, 'store', 'scored_events.jsonl'), 'utf8').catch(() => '')).trim().split('\n').filter((l) => l !== '');
    await waitUntil(async () => (await rows()).length >= 300, 30_000, () => 'all 300 rows stored');
    const stored = await rows();
    expect(stored).toHaveLength(300);
    expect(new Set(real().map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
    // Same order as the durable writes: both follow the scoring order, batch by batch.
    expect(real().map((e) => e.id)).toEqual(stored.map((l) => (JSON.parse(l) as { id: string }).id));
    // The stalled client's backlog is its queue, never more than the default 1,000 messages.
    const s = engine.feed.stats().find((c) => c.queued > 0);
    expect(s?.queued).toBeGreaterThan(0);
    expect(s?.queued).toBeLessThanOrEqual(1000);
    expect(stalled.scores().some((e) => !e.id.startsWith('fill-'))).toBe(false);
    stalled.resume();
    normal.ws.close();
    stalled.ws.close();
  });
});
