/**
 * Against a real ClickHouse (CI: Debian's 18.16 from scripts/services.sh; CLICKHOUSE_URL
 * points elsewhere). Each run uses its own database and drops it afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import type { ClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import { MAX_META_BYTES } from '../../engine/sinks/clickhouse/index.ts';
import { businessEvent, businessEvents, memoryLog, scoredEvent, scoredEvents } from './fixtures.ts';
import { dropTestDatabase } from '../helpers/clickhouse.ts';

const CH_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DB = `cxpulse_test_${Date.now()}_${process.pid}`;

let store: ClickHouseStore;
const log = memoryLog();

async function rows<T>(query: string): Promise<T[]> {
  const res = await store.client.query({ query, format: 'JSONEachRow' });
  return res.json<T>();
}
async function count(query: string): Promise<number> {
  const [r] = await rows<{ n: string | number }>(query);
  return Number(r?.n);
}

beforeAll(async () => {
  store = await createClickHouseStore({ url: CH_URL, database: DB, log });
  await store.init();
});

afterAll(async () => {
  if (store) await dropTestDatabase(store.client, DB);
  await store?.close();
});

describe('ClickHouse store (real server)', () => {
  it('reports the server version and answers ping', async () => {
    expect(store.serverVersion).toMatch(/^\d+\.\d+/);
    expect(store.description).toBe(`clickhouse ${store.serverVersion} ${CH_URL}/${DB}`);
    expect(await store.ping()).toBe(true);
    await store.init(); // idempotent
  });

  it('round-trips every field, timezone-safe to the millisecond', async () => {
    const ev = scoredEvent(1, {
      id: 'roundtrip-1',
      agentId: 'agent-7',
      subject: 'Faktura',
      tsMs: Date.UTC(2024, 11, 31, 23, 59, 59, 987),
      receivedAtMs: Date.UTC(2025, 0, 1, 0, 0, 0, 12),
      text: 'Hej "på" dig,\nåäö ÆØ ß 😀 \\ \u0000 lone:\uD83D',
      meta: { durationSec: 312, holdSec: 45.5, transfers: 2, queue: 'Fakturor "ö"', tags: ['vip'], lone: 'x\uDC00' },
    });
    await store.write([ev]);
    const cols = await rows<{ name: string }>(`SELECT name FROM system.columns WHERE database = '${DB}' AND table = 'scored_events'`);
    const legacy = cols.some((c) => c.name === 'ts_ms');
    const tsMs = legacy ? 'toUInt64(ts) * 1000 + ts_ms' : 'toUnixTimestamp64Milli(ts)';
    const recvSec = legacy ? 'toUInt64(received_at)' : 'toUInt64(toUnixTimestamp64Milli(received_at) / 1000)';
    const [got] = await rows<Record<string, unknown>>(
      `SELECT event_id, channel, conversation_id, customer_id, author, agent_id, subject, ${tsMs} AS ts_epoch_ms,
              toString(toYYYYMM(ts)) AS month, lang, lang_confidence, sentiment_label, sentiment_score, sentiment_confidence,
              conversation_turns, sentiment_trend, model_version, text, latency_ms, ${recvSec} AS recv_s,
              toUInt64(inserted_at) AS inserted_s, version, meta
       FROM ${DB}.scored_events_latest WHERE event_id = 'roundtrip-1'`,
    );
    expect(got).toMatchObject({
      event_id: 'roundtrip-1',
      channel: ev.channel,
      conversation_id: ev.conversationId,
      customer_id: ev.customerId,
      author: ev.author,
      agent_id: 'agent-7',
      subject: 'Faktura',
      month: '202412',
      lang: 'sv',
      lang_confidence: 0.875,
      sentiment_label: 'negative',
      sentiment_score: -0.5,
      sentiment_confidence: 0.75,
      conversation_turns: ev.conversation.turns,
      sentiment_trend: -0.125,
      model_version: 'sentiment-test-1',
      text: 'Hej "på" dig,\nåäö ÆØ ß 😀 \\ \u0000 lone:\uFFFD',
      latency_ms: 12.5,
    });
    expect(JSON.parse(String(got?.meta))).toEqual({ ...ev.meta, lone: 'x\uFFFD' });
    expect(Number(got?.ts_epoch_ms)).toBe(ev.tsMs);
    expect(Number(got?.recv_s)).toBe(Math.floor(ev.receivedAtMs / 1000));
    expect(Number(got?.version)).toBeGreaterThan(Date.now() - 60_000);
    // 18.16 would leave an omitted DEFAULT now() column at 0000-00-00 00:00:00.
    expect(Number(got?.inserted_s)).toBe(Math.floor(Number(got?.version) / 1000));
  });

  it('counts redelivered events once with FINAL and the latest view', async () => {
    const batch = scoredEvents(100, 40);
    await store.write(batch);
    await store.write(batch); // redelivery after a crash between insert and ack
    await store.write([...scoredEvents(120, 30), scoredEvent(200, { tsMs: Date.UTC(2025, 6, 1) })]);
    const where = "WHERE event_id LIKE 'ev-%'";
    expect(await count(`SELECT count() AS n FROM ${DB}.scored_events ${where}`)).toBe(111);
    expect(await count(`SELECT count() AS n FROM ${DB}.scored_events FINAL ${where}`)).toBe(51);
    expect(await count(`SELECT count() AS n FROM ${DB}.scored_events_latest ${where}`)).toBe(51);
    expect(await count(`SELECT uniqExact(event_id) AS n FROM ${DB}.scored_events ${where}`)).toBe(51);
    // Merges fold the copies on disk too.
    await store.client.command({ query: `OPTIMIZE TABLE ${DB}.scored_events FINAL` });
    expect(await count(`SELECT count() AS n FROM ${DB}.scored_events ${where}`)).toBe(51);
  });

  it('stores absent meta as empty and oversized meta as a bounded marker', async () => {
    const huge = { transcript: 'ord '.repeat(5000) }; // 20 KB of JSON
    const hugeBytes = Buffer.byteLength(JSON.stringify(huge));
    expect(hugeBytes).toBeGreaterThan(MAX_META_BYTES);
    await store.write([scoredEvent(400, { id: 'meta-none' }), scoredEvent(401, { id: 'meta-huge', meta: huge })]);
    const got = await rows<{ event_id: string; meta: string }>(
      `SELECT event_id, meta FROM ${DB}.scored_events_latest WHERE event_id LIKE 'meta-%' ORDER BY event_id`,
    );
    expect(got).toEqual([
      { event_id: 'meta-huge', meta: `{"_truncated":true,"bytes":${hugeBytes}}` },
      { event_id: 'meta-none', meta: '' },
    ]);
  });

  it('ignores an empty batch', async () => {
    await expect(store.write([])).resolves.toBeUndefined();
    await expect(store.writeBusinessEvents([])).resolves.toBeUndefined();
  });

  it('round-trips a business event', async () => {
    const ev = businessEvent(1, {
      id: 'crm-roundtrip',
      type: 'payment_late',
      tsMs: Date.UTC(2024, 11, 31, 23, 59, 59, 987),
      meta: { daysLate: 14, amount: 499.5, invoice: 'F-2024-118', note: 'påminnelse skickad' },
    });
    await store.writeBusinessEvents([ev]);
    const legacy = store.serverVersion.startsWith('18.');
    const tsMs = legacy ? 'toUInt64(ts) * 1000 + ts_ms' : 'toUnixTimestamp64Milli(ts)';
    const [got] = await rows<Record<string, unknown>>(
      `SELECT event_id, customer_id, type, ${tsMs} AS ts_epoch_ms, toString(toYYYYMM(ts)) AS month, meta,
              toUInt64(inserted_at) AS inserted_s, version
       FROM ${DB}.business_events_latest WHERE event_id = 'crm-roundtrip'`,
    );
    expect(got).toMatchObject({ event_id: 'crm-roundtrip', customer_id: ev.customerId, type: 'payment_late', month: '202412' });
    expect(Number(got?.ts_epoch_ms)).toBe(ev.tsMs);
    expect(JSON.parse(String(got?.meta))).toEqual(ev.meta);
    expect(Number(got?.inserted_s)).toBe(Math.floor(Number(got?.version) / 1000));
  });

  it('counts redelivered business events once with FINAL, the view and uniqExact', async () => {
    const batch = businessEvents(10, 25);
    await store.writeBusinessEvents(batch);
    await store.writeBusinessEvents(batch.slice(5)); // redelivery of part of the batch
    await store.writeBusinessEvents([...businessEvents(40, 10), businessEvent(99, { meta: { big: 'x'.repeat(MAX_META_BYTES) } })]);
    const t = `${DB}.business_events`;
    const where = "WHERE event_id LIKE 'crm-%' AND event_id != 'crm-roundtrip'";
    expect(await count(`SELECT count() AS n FROM ${t} ${where}`)).toBe(25 + 20 + 10 + 1);
    expect(await count(`SELECT count() AS n FROM ${t} FINAL ${where}`)).toBe(36);
    expect(await count(`SELECT count() AS n FROM ${t}_latest ${where}`)).toBe(36);
    expect(await count(`SELECT uniqExact(event_id) AS n FROM ${t} ${where}`)).toBe(36);
    expect(await count(`SELECT count() AS n FROM ${t}_latest WHERE meta LIKE '{"_truncated":true,%'`)).toBe(1);
    await store.client.command({ query: `OPTIMIZE TABLE ${t} FINAL` });
    expect(await count(`SELECT count() AS n FROM ${t} ${where}`)).toBe(36);
  });

  it('recreates the table when it vanished under a running engine', async () => {
    await store.client.command({ query: `DROP TABLE ${DB}.scored_events_latest` });
    await store.client.command({ query: `DROP TABLE ${DB}.scored_events` });
    await store.write([scoredEvent(300)]);
    expect(await count(`SELECT count() AS n FROM ${DB}.scored_events_latest WHERE event_id = 'ev-300'`)).toBe(1);
    expect(log.lines.some((l) => l.msg.includes('re-running init'))).toBe(true);
  });

  it('recreates business_events when it vanished under a running engine', async () => {
    await store.client.command({ query: `DROP TABLE ${DB}.business_events_latest` });
    await store.client.command({ query: `DROP TABLE ${DB}.business_events` });
    await store.writeBusinessEvents([businessEvent(500)]);
    expect(await count(`SELECT count() AS n FROM ${DB}.business_events_latest WHERE event_id = 'crm-500'`)).toBe(1);
    expect(log.lines.some((l) => l.msg === 'business_events missing; re-running init')).toBe(true);
  });

  it('keeps retention by a scheduled delete on receive time where TTL does not exist, and says so', async (ctx) => {
    if (!/^18\./.test(store.serverVersion)) ctx.skip();
    const again = await createClickHouseStore({ url: CH_URL, database: DB, retentionDays: 7, log });
    try {
      await again.init();
      expect(log.lines.some((l) => l.level === 'info' && l.msg.includes('CLICKHOUSE_RETENTION_DAYS is kept by an hourly ALTER TABLE ... DELETE on received_at'))).toBe(true);
    } finally {
      await again.close();
    }
  });

  it('fails fast when nothing listens', async () => {
    await expect(createClickHouseStore({ url: 'http://127.0.0.1:1', database: DB })).rejects.toThrow(/not reachable/);
  });
});
