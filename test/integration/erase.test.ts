import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import type { Engine } from '../../engine/runtime/index.ts';
import { pseudonymOf } from '../../engine/privacy/index.ts';
import { kvKey } from '../../engine/churn/index.ts';
import { startTestEngine, testDatabase, waitUntil } from '../helpers/engine.ts';
import { customerTraffic, feedSnapshot } from '../helpers/erasure.ts';

// The whole path on real servers: a private nats-server (events, DLQ, customer-state KV) and
// ClickHouse 18.16; customer X writes on chat and e-mail, is erased, and nothing of X is left.
const KEY = 'erase-e2e-test-pseudonym-key-0123456789abcdef';
const SECRET = 'erase-e2e-test-jwt-secret-0123456789abcdef';
const BUCKET = 'erase-e2e-customers';
const db = testDatabase('cxpulse_it_erase');
let nats: NatsServerHandle;
let nc: NatsConnection;
let jsm: JetStreamManager;
let engine: Engine;
const x = customerTraffic('email:anna.x@example.com', 'Zorblax');
const y = customerTraffic('email:bo.y@example.com', 'Quuxlo');
const token = (role: string) => new SignJWT({ role }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

beforeAll(async () => {
  nats = await startNatsServer();
  engine = await startTestEngine({
    NATS_URL: nats.url,
    CLICKHOUSE_URL: 'http://127.0.0.1:8123',
    CLICKHOUSE_DB: db.name,
    CXPULSE_PSEUDONYM_KEY: KEY,
    CXPULSE_JWT_SECRET: SECRET,
    CXPULSE_CHURN_KV_BUCKET: BUCKET,
    CXPULSE_CHURN_FLUSH_MS: '50',
  });
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await engine?.stop();
  await nc?.close();
  await nats?.dispose();
  await db.drop();
});

/** Every row of every table of the test database, as text. */
async function clickhouseText(): Promise<string> {
  const tables = await (await db.client.query({ query: `SELECT name FROM system.tables WHERE database = '${db.name}' AND engine LIKE '%MergeTree'`, format: 'JSONEachRow' })).json<{ name: string }>();
  const out: string[] = [];
  for (const t of tables) out.push(await (await db.client.query({ query: `SELECT * FROM ${db.name}.${t.name}`, format: 'JSONEachRow' })).text());
  return out.join('\n');
}

/** Every message every stream holds (events, DLQ, the KV bucket), subjects included, as text. */
async function natsText(): Promise<string> {
  const out: string[] = [];
  for await (const name of jsm.streams.names()) {
    const { state } = await jsm.streams.info(name);
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(name, { seq }).catch(() => null);
      if (m) out.push(`${m.subject} ${new TextDecoder().decode(m.data)}`);
    }
  }
  return out.join('\n');
}

const count = (text: string, s: string) => text.split(s).length - 1;

describe('erasing one customer on NATS and ClickHouse', () => {
  it('removes X from every table, stream, the customer-state bucket and the engine memory; Y stays whole', async () => {
    const js = jetstream(nc);
    const ingest = { 'content-type': 'application/json', authorization: `Bearer ${await token('ingest')}` };
    const post = await fetch(`${engine.url}/v1/events`, { method: 'POST', headers: ingest, body: JSON.stringify([...x.events, ...y.events]) });
    expect(post.status).toBe(202);
    for (const t of [x, y]) {
      await js.publish('cx.events.crm', JSON.stringify(t.business), { msgID: String(t.business.id) });
      await js.publish('cx.events.chat', JSON.stringify(t.invalid), { msgID: String(t.invalid.id) });
    }
    const px = pseudonymOf(KEY, x.customerId);
    await waitUntil(async () => {
      const [ch, n] = [await clickhouseText(), await natsText()];
      return count(ch, px) >= x.events.length + 1 && n.includes(`${x.marker} writes with a broken clock`) && n.includes(`$KV.${BUCKET}.${kvKey(px)}`) && n.includes(`$KV.${BUCKET}.${kvKey(pseudonymOf(KEY, y.customerId))}`);
    }, 60_000, () => 'rows, dead letters and customer states of both customers');
    // Derived rows (next best actions, alert states) follow the events asynchronously: wait until nothing changes.
    let settled = '';
    await waitUntil(async () => {
      await new Promise((r) => setTimeout(r, 500));
      const now = (await clickhouseText()) + (await natsText());
      const same = now === settled;
      settled = now;
      return same;
    }, 30_000, () => 'the stores to settle');
    const before = { ch: await clickhouseText(), nats: await natsText(), feed: await feedSnapshot(engine.url, await token('supervisor')) };
    expect(before.feed).toContain(px);
    // Pseudonymised before anything was kept: the raw id is nowhere, not even in the DLQ.
    expect(before.ch + before.nats).not.toContain(x.customerId);

    const url = `${engine.url}/v1/customers/${encodeURIComponent(x.customerId)}`;
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${await token('supervisor')}` } })).status).toBe(403);
    const res = await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${await token('admin')}` } });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({ customerId: px, complete: true, logged: true });
    const removed = (what: string) => report.places.filter((p: { what: string }) => p.what.includes(what)).reduce((n: number, p: { removed: number }) => n + p.removed, 0);
    // Tables by their exact name: the rollups' names start with `scored_events` too.
    const removedFrom = (table: string) => report.places.filter((p: { what: string }) => p.what === `${db.name}.${table}`).reduce((n: number, p: { removed: number }) => n + p.removed, 0);
    expect(removedFrom('scored_events')).toBe(x.events.length);
    expect(removedFrom('business_events')).toBe(1);
    // The per-customer rollup: one row per day x channel x language x author of X's messages.
    expect(removedFrom('scored_events_by_customer_day')).toBeGreaterThan(0);
    expect(removed('stream CX_DLQ')).toBe(1);
    expect(removed('customer state')).toBe(1);
    expect(removed('feed snapshot events')).toBe(x.events.length);

    const after = { ch: await clickhouseText(), nats: await natsText(), feed: await feedSnapshot(engine.url, await token('supervisor')) };
    for (const trace of [x.marker, px, x.customerId, kvKey(px), ...x.conversations]) {
      expect(after.ch, `ClickHouse: ${trace}`).not.toContain(trace);
      expect(after.nats, `NATS: ${trace}`).not.toContain(trace);
      expect(after.feed, `feed: ${trace}`).not.toContain(trace);
    }
    // Y untouched everywhere.
    for (const where of ['ch', 'nats', 'feed'] as const) expect(count(after[where], y.marker), where).toBe(count(before[where], y.marker));
    expect(count(after.ch, pseudonymOf(KEY, y.customerId))).toBe(count(before.ch, pseudonymOf(KEY, y.customerId)));
    // Processed events left CX_EVENTS (work-queue): only the KV and DLQ streams hold anything.
    expect((await jsm.streams.info('CX_EVENTS')).state.messages).toBe(0);
    // The erasure log: one row, a keyed hash and the time.
    const log = await (await db.client.query({ query: `SELECT * FROM ${db.name}.erasures`, format: 'JSONEachRow' })).json<Record<string, unknown>>();
    expect(log).toHaveLength(1);
    expect(Object.keys(log[0]!).sort()).toEqual(['erased_at', 'erased_at_ms', 'id_hash']);
    expect(String(log[0]!.id_hash)).toMatch(/^[0-9a-f]{64}$/);

    // New traffic of Y after the erasure still flows (the stores, the consumer and the KV are fine).
    const later = { ...y.events[0]!, id: 'quuxlo-later' };
    expect((await fetch(`${engine.url}/v1/events`, { method: 'POST', headers: ingest, body: JSON.stringify(later) })).status).toBe(202);
    await waitUntil(async () => (await clickhouseText()).includes('quuxlo-later'), 20_000, () => 'a row after the erasure');
  });
});
