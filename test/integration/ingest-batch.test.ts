/**
 * POST /v1/events publishes a batch's events together and awaits their JetStream acks together
 * (engine/http/events.ts). On a private nats-server: a batch of 100 reaches the server in the
 * batch's order, each event is stored and scored exactly once, and the events of the batch that
 * were already sent are counted as duplicates (and stored once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Engine } from '../../engine/runtime/index.ts';
import { startNatsServer } from '../../engine/devtools/index.ts';
import type { FileStore } from '../../engine/sinks/file/index.ts';
import { startTestEngine, waitUntil } from '../helpers/engine.ts';

let dir: string;
let nats: Awaited<ReturnType<typeof startNatsServer>>;
let nc: NatsConnection;
let engine: Engine;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-ingest-batch-'));
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  engine = await startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_ACTIONS: 'off', CXPULSE_ACK_WAIT_MS: '60000', LOG_LEVEL: 'error' });
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await nc?.close();
  await nats?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ev = (n: number) => ({ id: `batch-${n}`, channel: n % 3 === 0 ? 'email' : 'chat', conversationId: `batch-conv-${n % 7}`, customerId: `batch-cust-${n % 7}`, author: 'customer', text: `Order ${n} has not arrived, where is it?`, ts: Date.UTC(2026, 11, 6, 12, 0, n % 60) });
const post = (events: unknown[]) => fetch(`${engine.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });

describe('POST /v1/events with a batch on NATS', () => {
  it('stores a batch of 100 exactly once, in order on the wire, and counts the resent ones as duplicates', async () => {
    // Every event the server receives on cx.events.*, in the order it receives them (duplicates included: dedup is the stream's).
    const wire: string[] = [];
    const sub = nc.subscribe('cx.events.>', { callback: (_e, m) => void wire.push((m.json() as { id: string }).id) });
    await nc.flush();

    const first = Array.from({ length: 20 }, (_, n) => ev(n));
    const r1 = await post(first);
    expect(r1.status).toBe(202);
    expect(await r1.json()).toEqual({ accepted: 20, duplicates: 0, ids: first.map((e) => e.id) });

    // 100 events: 80 new and, spread through the batch, the 20 already sent.
    const batch = Array.from({ length: 100 }, (_, n) => (n % 5 === 0 ? ev(n / 5) : ev(100 + n)));
    const r2 = await post(batch);
    expect(r2.status).toBe(202);
    expect(await r2.json()).toEqual({ accepted: 100, duplicates: 20, ids: batch.map((e) => e.id) });

    await nc.flush();
    await waitUntil(() => wire.length >= 120, 10_000, () => `saw ${wire.length} of 120 on the wire`);
    expect(wire).toEqual([...first, ...batch].map((e) => e.id));
    sub.unsubscribe();

    const store = engine.store as FileStore;
    await waitUntil(() => store.count() >= 100, 60_000, () => `stored ${store.count()} of 100`);
    // A marker after: once it is stored, anything stored twice would be too.
    expect((await post([ev(999)])).status).toBe(202);
    await waitUntil(() => store.count() >= 101, 30_000, () => `stored ${store.count()} of 101`);
    const rows = (await readFile(join(dir, 'store', 'scored_events.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(rows.length).toBe(101);
    expect(new Set(rows).size).toBe(101);
    expect([...rows].sort()).toEqual([...new Set([...first, ...batch, ev(999)].map((e) => e.id))].sort());
  }, 120_000);
});
