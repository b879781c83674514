import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { freePort, startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { DLQ_STREAM, type DeadLetter } from '../../engine/bus/index.ts';
import type { Engine } from '../../engine/runtime/index.ts';
import { queryNumber, startTestEngine, testDatabase, waitUntil } from '../helpers/engine.ts';

// A real engine on a private nats-server and the real ClickHouse (18.16 in CI).
let nats: NatsServerHandle;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let engine: Engine | undefined;
let db: ReturnType<typeof testDatabase>;

beforeEach(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  db = testDatabase('cxpulse_it_poison');
});
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
  await nc?.close();
  await nats?.dispose();
  await db?.drop();
});

function email(id: string, subject: string) {
  return { id, channel: 'email', conversationId: `c-${id}`, customerId: 'cust-1', author: 'customer', text: `Where is my parcel? (${id})`, subject, ts: Date.now() };
}

async function publish(events: { id: string; channel: string }[]): Promise<void> {
  await Promise.all(events.map((e) => js.publish(`cx.events.${e.channel}`, JSON.stringify(e), { msgID: e.id })));
}

async function dlqEntries(): Promise<DeadLetter[]> {
  const info = await jsm.streams.info(DLQ_STREAM);
  const out: DeadLetter[] = [];
  for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(DLQ_STREAM, { seq });
    if (m) out.push(m.json<DeadLetter>());
  }
  return out;
}

const rows = () => queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events FINAL`);

/** A TCP forwarder to ClickHouse that can be cut (connections refused, open ones reset) and restored: ClickHouse "down" without stopping the shared server. */
async function clickHouseLink(): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = tcpConnect(8123, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      }).listen(port, '127.0.0.1', () => resolve());
    });
  const shut = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  };
  await open();
  return { url: `http://127.0.0.1:${port}`, cut: shut, restore: open, close: shut };
}

describe('poison containment in a running engine', () => {
  it('writes the rows batched with one ClickHouse refuses, and dead-letters that one with the ClickHouse error', async () => {
    engine = await startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_DB: db.name, CXPULSE_SINK_LINGER_MS: '500' });
    // An operator narrowed a column: ClickHouse now refuses a subject over 16 bytes (Code: 131).
    await db.client.command({ query: `ALTER TABLE ${db.name}.scored_events MODIFY COLUMN subject FixedString(16)` });
    const events = Array.from({ length: 40 }, (_, i) => email(`row-${i}`, i === 17 ? 'a subject far longer than sixteen bytes' : `order ${i}`));
    await publish(events);
    await waitUntil(async () => (await rows()) >= 39, 60_000, () => 'the 39 good rows');
    await waitUntil(async () => (await dlqEntries()).length >= 1, 10_000, () => 'the DLQ entry');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await rows()).toBe(39);
    expect(await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events WHERE event_id = 'row-17'`)).toBe(0);
    const entries = await dlqEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.error.code).toBe('CX_ERR_ROW_REJECTED');
    expect(entries[0]!.error.message).toMatch(/Code: 131.*FixedString\(16\)/s);
    expect(JSON.parse(entries[0]!.payload)).toMatchObject({ id: 'row-17' });
    // Every message was settled: nothing waits for redelivery.
    const consumer = await jsm.consumers.info('CX_EVENTS', 'cxpulse-engine');
    expect(consumer.num_ack_pending + consumer.num_pending + consumer.num_redelivered).toBe(0);
  });

  it('loses nothing and dead-letters nothing while ClickHouse is down, and writes everything once it is back', async () => {
    const link = await clickHouseLink();
    try {
      // max_deliver 2: a batch nak'ed during the outage would reach the DLQ fast; it must not.
      engine = await startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: link.url, CLICKHOUSE_DB: db.name, CXPULSE_MAX_DELIVER: '2', CXPULSE_REDELIVERY_BACKOFF_MS: '500' });
      await link.cut();
      const events = Array.from({ length: 60 }, (_, i) => email(`down-${i}`, `order ${i}`));
      await publish(events);
      await waitUntil(async () => (await fetch(`${engine!.url}/readyz`)).status === 503, 10_000, () => '/readyz 503 while ClickHouse is down');
      const ready = (await (await fetch(`${engine.url}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
      expect(ready.checks.store!.ok).toBe(false);
      // Several ack waits (2 s in tests) pass: the held messages are neither redelivered nor dead-lettered.
      await new Promise((r) => setTimeout(r, 7000));
      const held = await jsm.consumers.info('CX_EVENTS', 'cxpulse-engine');
      expect(held.num_redelivered).toBe(0);
      expect(held.num_ack_pending).toBe(60);
      await link.restore();
      await waitUntil(async () => (await rows()) >= 60, 30_000, () => 'all 60 rows after the outage');
      await new Promise((r) => setTimeout(r, 500));
      expect(await rows()).toBe(60);
      expect((await jsm.streams.info(DLQ_STREAM)).state.messages).toBe(0);
      await waitUntil(async () => (await fetch(`${engine!.url}/readyz`)).status === 200, 10_000, () => '/readyz 200 again');
    } finally {
      await engine?.stop();
      engine = undefined;
      await link.close();
    }
  });

  it('answers 503 on /readyz and on ingest, with the reason, once its consumer is gone', async () => {
    engine = await startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_DB: db.name });
    const post = () => fetch(`${engine!.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(email(`in-${Date.now()}`, 'x')) });
    expect((await fetch(`${engine.url}/readyz`)).status).toBe(200);
    expect((await post()).status).toBe(202);
    await jsm.consumers.delete('CX_EVENTS', 'cxpulse-engine');
    await waitUntil(async () => (await fetch(`${engine!.url}/readyz`)).status === 503, 30_000, () => '/readyz 503 after the consumer was deleted');
    const body = (await (await fetch(`${engine.url}/readyz`)).json()) as { checks: Record<string, { ok: boolean; detail: string }> };
    expect(body.checks.bus).toMatchObject({ ok: false });
    expect(body.checks.bus!.detail).toMatch(/consumer (deleted|not found)/);
    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('CX_ERR_NOT_READY');
  });

  it('answers 503 on /readyz and on ingest when the pipeline ends without being stopped', async () => {
    engine = await startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_DB: db.name });
    // The bus ends its stream under the pipeline (as when the consumer's subscription is closed).
    await engine.bus.stop();
    await waitUntil(async () => (await fetch(`${engine!.url}/readyz`)).status === 503, 10_000, () => '/readyz 503');
    const body = (await (await fetch(`${engine.url}/readyz`)).json()) as { checks: Record<string, { ok: boolean; detail: string }> };
    expect(body.checks.pipeline).toEqual({ ok: false, detail: 'the bus stopped delivering messages' });
    const refused = await fetch(`${engine.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(email('late', 'x')) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
  });
});
