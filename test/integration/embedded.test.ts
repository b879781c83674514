import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../engine/runtime/index.ts';
import { takeEvents } from '../../simulator/index.ts';
import { openFeed, startTestEngine, waitUntil } from '../helpers/engine.ts';

// With nothing but Node: the in-process bus and the embedded file store.
let engine: Engine;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-embedded-'));
  engine = await startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir });
});
afterAll(async () => {
  await engine?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the engine with nothing but Node', () => {
  it('takes events over HTTP, scores them, stores them once and pushes them on the feed', async () => {
    expect(engine.bus.kind).toBe('memory');
    const feed = await openFeed(engine.url);
    const events = takeEvents(50, { seed: 21 });
    const post = (body: unknown) => fetch(`${engine.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const res = await post(events);
    expect(res.status).toBe(202);
    expect((await post(events.slice(0, 5))).status).toBe(202); // a resend: duplicates, not new events
    await feed.waitFor(50, 30_000);
    // The live feed (the default mode) may run ahead of the durable write: wait for the rows, then for any extra.
    const lines = async () => (await readFile(join(dir, 'store', 'scored_events.jsonl'), 'utf8').catch(() => '')).trim().split('\n').filter((l) => l !== '');
    await waitUntil(async () => (await lines()).length >= 50, 10_000, () => 'rows stored');
    await new Promise((r) => setTimeout(r, 300));
    expect(feed.events).toHaveLength(50);
    expect(await lines()).toHaveLength(50);
    const ready = await (await fetch(`${engine.url}/readyz`)).json();
    expect(ready.ready).toBe(true);
    expect(ready.tfBackend).toBe('wasm');
    feed.close();
  });

  it('keeps a bad event in the DLQ file with its reason', async () => {
    await engine.bus.publishEvent('chat', Buffer.from('{"id":1}'), 'bad-1');
    await waitUntil(async () => (await readFile(join(dir, 'dlq.jsonl'), 'utf8').catch(() => '')).includes('CX_ERR_WRONG_TYPE'), 10_000, () => 'dlq file');
    const entry = JSON.parse((await readFile(join(dir, 'dlq.jsonl'), 'utf8')).trim().split('\n')[0]!);
    expect(entry.error).toMatchObject({ code: 'CX_ERR_WRONG_TYPE', field: 'id' });
    expect(entry.payload).toBe('{"id":1}');
  });
});
