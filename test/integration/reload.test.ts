import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../engine/runtime/index.ts';
import { openFeed, startTestEngine, waitUntil } from '../helpers/engine.ts';
import { modelFolders } from '../helpers/modelFolders.ts';
import { DEFAULT_MODEL_DIR, readModelVersion } from '../../engine/model/index.ts';

// Hot reload and shadow scoring on a real engine (in-process bus, embedded file store), scoring on
// a worker thread: a reload or promote must reach it.
let engine: Engine;
let dir: string;
const folders = modelFolders();
const v0 = readModelVersion(DEFAULT_MODEL_DIR);
let seq = 0;

const TEXTS = ['Thank you so much, great help!', 'Third time I ask: where is my refund?', 'Tack, det löste sig!', 'Das ist leider sehr enttäuschend.', 'Ok, I will check tomorrow.'];
function events(n: number) {
  return Array.from({ length: n }, () => {
    const i = seq++;
    return { id: `reload-${i}`, channel: 'chat', conversationId: `c-${i % 7}`, customerId: `cust-${i % 5}`, author: 'customer', text: TEXTS[i % TEXTS.length], ts: Date.now() };
  });
}
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${engine.url}${path}`, body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};
const metric = async (name: string): Promise<number> => {
  const text = await (await fetch(`${engine.url}/metrics`)).text();
  return Number(text.split('\n').find((l) => l.startsWith(name))?.split(' ').pop() ?? 0);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-reload-engine-'));
  engine = await startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_WORKERS: '1' });
});
afterAll(async () => {
  await engine?.stop();
  await rm(dir, { recursive: true, force: true });
  folders.cleanup();
});

describe('hot model reload and shadow scoring', () => {
  it('refuses a broken folder with 422 and keeps scoring; a valid one shows up on the feed', async () => {
    const feed = await openFeed(engine.url);
    expect(engine.workers?.versions()).toEqual([v0]);
    expect((await call('POST', '/v1/events', events(10))).status).toBe(202);
    await feed.waitFor(10, 30_000);
    expect(feed.events.every((e) => e.modelVersion === v0)).toBe(true);

    const bad = await call('POST', '/v1/models/reload', { dir: folders.corruptWeights() });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('CX_ERR_MODEL_INVALID');
    expect(bad.body.error.message).toMatch(/weights\.bin.*SHA-256/);
    const flipped = await call('POST', '/v1/models/reload', { dir: folders.flipped('sentiment-flipped') });
    expect(flipped.status).toBe(422);
    expect(flipped.body.error.message).toMatch(/sanity check failed/);
    expect((await call('POST', '/v1/models/reload', { dir: 42 })).status).toBe(400);

    expect((await call('POST', '/v1/events', events(10))).status).toBe(202);
    await feed.waitFor(20, 30_000);
    expect(feed.events.slice(10).every((e) => e.modelVersion === v0)).toBe(true);

    const ok = await call('POST', '/v1/models/reload', { dir: folders.valid('sentiment-reloaded') });
    expect(ok).toEqual({ status: 200, body: { active: 'sentiment-reloaded', previous: v0 } });
    expect((await call('POST', '/v1/events', events(10))).status).toBe(202);
    await feed.waitFor(30, 30_000);
    expect(feed.events.slice(20).map((e) => e.modelVersion)).toEqual(Array(10).fill('sentiment-reloaded'));
    // The worker loads the new folder (until then its batches were scored on the main thread) and scores with it.
    await waitUntil(() => engine.workers!.versions()[0] === 'sentiment-reloaded', 30_000, () => `worker holds ${engine.workers!.versions()[0]}`);
    expect((await call('POST', '/v1/events', events(10))).status).toBe(202);
    await feed.waitFor(40, 30_000);
    expect(feed.events.slice(30).map((e) => e.modelVersion)).toEqual(Array(10).fill('sentiment-reloaded'));
    expect((await call('GET', '/v1/models')).body).toMatchObject({ active: 'sentiment-reloaded', shadow: null });
    expect(await metric('cxpulse_model_info{version="sentiment-reloaded"}')).toBe(1);
    expect(await metric('cxpulse_model_reloads_total{result="refused"}')).toBe(2);
    feed.close();
  });

  it('shadow mode counts agreement on live traffic, then promotes', async () => {
    const feed = await openFeed(engine.url);
    const s = await call('POST', '/v1/models/reload', { dir: folders.valid('sentiment-candidate'), shadow: true });
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ active: 'sentiment-reloaded', shadow: 'sentiment-candidate' });

    expect((await call('POST', '/v1/events', events(20))).status).toBe(202);
    await feed.waitFor(20, 30_000);
    // The active model's result goes to the feed; the shadow's only to the agreement stats.
    expect(feed.events.every((e) => e.modelVersion === 'sentiment-reloaded')).toBe(true);
    await waitUntil(async () => (await call('GET', '/v1/models')).body.shadow?.n >= 20, 10_000, () => 'shadow stats');
    const st = (await call('GET', '/v1/models')).body;
    expect(st.shadow).toMatchObject({ version: 'sentiment-candidate', n: 20, agree: 20, agreementRate: 1, errors: 0 });
    expect(await metric('cxpulse_shadow_agreement_total{result="agree"}')).toBe(20);

    expect((await call('POST', '/v1/models/promote')).body).toEqual({ active: 'sentiment-candidate', previous: 'sentiment-reloaded' });
    expect((await call('POST', '/v1/models/promote')).status).toBe(409);
    expect((await call('DELETE', '/v1/models/shadow')).body.error.code).toBe('CX_ERR_NO_SHADOW_MODEL');
    expect((await call('POST', '/v1/events', events(5))).status).toBe(202);
    await feed.waitFor(25, 30_000);
    expect(feed.events.slice(20).every((e) => e.modelVersion === 'sentiment-candidate')).toBe(true);
    await waitUntil(() => engine.workers!.versions()[0] === 'sentiment-candidate', 30_000, () => `worker holds ${engine.workers!.versions()[0]} after promote`);

    await call('POST', '/v1/models/reload', { dir: folders.valid('sentiment-dropped'), shadow: true });
    expect((await call('DELETE', '/v1/models/shadow')).body).toEqual({ dropped: 'sentiment-dropped' });
    expect((await call('GET', '/v1/models')).body).toMatchObject({ active: 'sentiment-candidate', shadow: null });
    const ready = (await call('GET', '/readyz')).body;
    expect(ready.checks.model.detail).toBe('sentiment-candidate');
    feed.close();
  });
});
