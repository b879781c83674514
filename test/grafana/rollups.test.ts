/**
 * The rollups (engine/sinks/clickhouse/rollups.ts) against the raw table, on a real ClickHouse (CI:
 * 18.16). Events go in through the engine's own store, including redelivered copies (a later batch
 * and a copy inside one batch), across minutes, channels, languages, topics, urgency levels and
 * customers. Then:
 * - every dashboard query that reads a rollup (or the raw table without FINAL) returns the same rows
 *   as the same query over `scored_events FINAL` (the `_latest` view): what the dashboard sent before;
 * - every report query on the rollup returns the same rows as its raw twin (test/report/rawSql.ts);
 * - each of those queries reads rollup rows, not events: its `read_rows` in system.query_log is at
 *   most the rollups' row count, far below the events';
 * - after an erasure the per-customer rollup has no row of that customer and the minute rollup
 *   still equals the raw table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import type { ClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import type { Channel, ScoredEvent } from '../../engine/event/types.ts';
import { TOPIC_LABELS, URGENCY_LABELS } from '../../engine/event/types.ts';
import { dailySeriesSql, hourlySql, moversSql, segmentTotalsSql, weeklySegmentsSql } from '../../engine/report/sql.ts';
import * as raw from '../report/rawSql.ts';
import { extractQueries, loadDashboards } from './dashboards.ts';
import { expandSql } from './macros.ts';
import { RAW } from './rawQueries.ts';
import { dropTestDatabase } from '../helpers/clickhouse.ts';

const CH_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DB = `cxpulse_rollups_test_${Date.now()}_${process.pid}`;
/** 2026-11-23 08:00 UTC; the events lie in the 10 minutes from here and one hour the next day. */
const START = Date.UTC(2026, 10, 23, 8, 0, 0);
const DAY_S = 86_400;
const HOUR = 3_600_000;
/** Whole minutes, away from every event: the rollup (whole minutes, whole days) sees what the raw filter sees. */
const RANGE = { fromMs: START - HOUR, toMs: START + 26 * HOUR, intervalMs: 60_000 };
const RANGE_5M = { ...RANGE, intervalMs: 300_000 };

const CUSTOMERS = 12;

/** 3,000 events in the 10 minutes from START plus 60 the next day, spread over every dimension the rollups keep. */
function fixture(): ScoredEvent[] {
  const channels: Channel[] = ['chat', 'email', 'call'];
  const langs = ['en', 'sv', 'de'];
  const out: ScoredEvent[] = [];
  const add = (i: number, tsMs: number): void => {
    const score = Math.round((((i * 7919) % 2001) / 1000 - 1) * 1000) / 1000;
    const label = score < -0.3 ? 'negative' : score > 0.3 ? 'positive' : 'neutral';
    const customer = `cust-${(i * 5) % CUSTOMERS}`;
    const agent = i % 5 === 4;
    out.push({
      id: `r-${i}`,
      channel: channels[i % 3] ?? 'chat',
      // A conversation keeps its channel and language (the dashboards show any() of them).
      conversationId: `${customer}-${channels[i % 3]}-${langs[Math.floor(i / 3) % 3]}-conv-${i % 4}`,
      customerId: customer,
      author: agent ? 'agent' : 'customer',
      ...(agent ? { agentId: 'agent-1' } : {}),
      tsMs,
      text: `message ${i}`,
      lang: langs[Math.floor(i / 3) % 3] ?? 'en',
      langConfidence: 0.9,
      sentiment: { label, score, confidence: 0.8 },
      conversation: { turns: 1, recent: [score], trend: 0 },
      modelVersion: 'rollup-test',
      latencyMs: 1,
      receivedAtMs: tsMs + 5,
      ...(i % 7 !== 0 ? { topic: { label: TOPIC_LABELS[i % 2] ?? 'other', confidence: 0.8 } } : {}),
      ...(i % 6 !== 0 ? { urgency: { label: URGENCY_LABELS[Math.floor(i / 2) % URGENCY_LABELS.length] ?? 'normal', confidence: 0.7 } } : {}),
      ...(!agent && i % 3 !== 1 ? { churn: { probability: ((i * 13) % 100) / 100, band: 'low', factors: [], modelVersion: 'rollup-test' } } : {}),
    });
  };
  // Distinct milliseconds (ts order is total on 18.16, which keeps ms in ts_ms, and on current releases).
  for (let i = 0; i < 3000; i++) add(i, START + i * 200 + (i % 97));
  for (let i = 3000; i < 3060; i++) add(i, START + 24 * HOUR + (i - 3000) * 60_000 + 123);
  return out;
}

let store: ClickHouseStore;
/** Copies as the pipeline hands over JetStream redeliveries (delivery count above 1): the store looks them up. */
const redelivery = (evs: readonly ScoredEvent[]): ScoredEvent[] => evs.map((e) => Object.assign({ ...e }, { redelivered: true }));
const dashboards = loadDashboards();
const rollupQueries = dashboards.flatMap(extractQueries).filter((q) => /\bscored_events_by_(minute|customer_day|conversation_day)\b/.test(q.sql) || /\bredelivered = 0\b/.test(q.sql) || q.sql.startsWith('SELECT uniq(conversation_id) AS conversations\nFROM cxpulse.scored_events\n'));
const vars: Record<string, string[]> = {};

const forTestDb = (sql: string): string => sql.replace(/\bcxpulse\.(\w+)/g, `${DB}.$1`);

async function run(sql: string, queryId?: string): Promise<Record<string, unknown>[]> {
  const res = await store.client.query({ query: sql, format: 'JSONEachRow', ...(queryId ? { query_id: queryId, clickhouse_settings: { log_queries: 1 } } : {}) });
  return res.json<Record<string, unknown>>();
}

async function scalar(sql: string): Promise<number> {
  const [row] = await run(sql);
  return Number(Object.values(row ?? {})[0]);
}

/** Rows as comparable records: numbers compared to 9 significant digits (float sums in another order), the rest exactly. */
function normalise(rows: Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v) ? Number(v) : NaN;
    return [k, Number.isFinite(n) ? Number(n.toPrecision(9)) : v];
  })))).sort();
}

async function expectSameRows(rollupSql: string, rawSql: string, what: string): Promise<void> {
  const [a, b] = await Promise.all([run(rollupSql), run(rawSql)]);
  expect(a.length, `${what}: no rows`).toBeGreaterThan(0);
  expect(normalise(a), what).toEqual(normalise(b));
}

beforeAll(async () => {
  store = await createClickHouseStore({ url: CH_URL, database: DB });
  await store.init();
  const events = fixture();
  await store.write(events);
  // A redelivered batch (JetStream after a crash between insert and ack) ...
  await store.write(redelivery(events.slice(0, 300)));
  // ... and the same event twice in one batch.
  await store.write(redelivery([events[3010] as ScoredEvent, events[3010] as ScoredEvent, events[1500] as ScoredEvent]));
  const values = async (sql: string) => (await run(forTestDb(expandSql(sql, { ...RANGE, vars })))).map((r) => String(r.value));
  vars.channel = await values('SELECT DISTINCT toString(channel) AS value FROM cxpulse.scored_events');
  vars.lang = await values('SELECT DISTINCT toString(lang) AS value FROM cxpulse.scored_events');
  vars.customer = ['cust-4'];
}, 120_000);

afterAll(async () => {
  if (store) await dropTestDatabase(store.client, DB);
  await store?.close();
});

describe('the fixture', () => {
  it('holds redelivered copies in the raw table, counted once by FINAL', async () => {
    expect(await scalar(`SELECT count() FROM ${DB}.scored_events`)).toBe(3060 + 300 + 3);
    expect(await scalar(`SELECT count() FROM ${DB}.scored_events_latest`)).toBe(3060);
    expect(await scalar(`SELECT countIf(redelivered = 1) FROM ${DB}.scored_events`)).toBe(303);
    expect(await scalar(`SELECT sum(messages) FROM ${DB}.scored_events_by_minute`)).toBe(3060);
    expect(await scalar(`SELECT sum(messages) FROM ${DB}.scored_events_by_customer_day`)).toBe(3060);
  });
});

describe('dashboard queries on the rollups equal the raw aggregation over scored_events FINAL', () => {
  it('covers every dashboard query that reads a rollup', () => {
    const names = rollupQueries.map((q) => `${q.file} ${q.where.replace(/ target \w+$/, '')}`);
    expect(names.sort()).toEqual(Object.keys(RAW).sort());
  });

  it.each(rollupQueries.map((q) => [`${q.file} ${q.where}`, q] as const))('%s', async (_name, q) => {
    const key = `${q.file} ${q.where.replace(/ target \w+$/, '')}`;
    const rawSql = RAW[key];
    expect(rawSql, key).toBeDefined();
    for (const range of [RANGE, RANGE_5M]) {
      await expectSameRows(forTestDb(expandSql(q.sql, { ...range, vars })), forTestDb(expandSql(rawSql ?? '', { ...range, vars })), `${key} at ${range.intervalMs / 1000}s`);
    }
    // A narrower channel and language choice filters the same way.
    const some = { ...vars, channel: ['chat', 'call'], lang: ['sv'] };
    await expectSameRows(forTestDb(expandSql(q.sql, { ...RANGE, vars: some })), forTestDb(expandSql(rawSql ?? '', { ...RANGE, vars: some })), `${key}, chat+call in sv`);
  });
});

const REPORT_FROM = Date.UTC(2026, 10, 23) / 1000;
const reportQueries: [string, string, string][] = [
  ['segment totals by channel', segmentTotalsSql(DB, 'channel', REPORT_FROM, REPORT_FROM + DAY_S), raw.segmentTotalsSql(DB, 'channel', REPORT_FROM, REPORT_FROM + DAY_S)],
  ['segment totals by language', segmentTotalsSql(DB, 'lang', REPORT_FROM, REPORT_FROM + DAY_S), raw.segmentTotalsSql(DB, 'lang', REPORT_FROM, REPORT_FROM + DAY_S)],
  ['hourly', hourlySql(DB, REPORT_FROM, REPORT_FROM + DAY_S), raw.hourlySql(DB, REPORT_FROM, REPORT_FROM + DAY_S)],
  ['movers (the day after against this one)', moversSql(DB, REPORT_FROM + DAY_S, REPORT_FROM + 2 * DAY_S), raw.moversSql(DB, REPORT_FROM + DAY_S, REPORT_FROM + 2 * DAY_S)],
  ['weekly segments by channel', weeklySegmentsSql(DB, 'channel', REPORT_FROM + 2 * DAY_S, 5), raw.weeklySegmentsSql(DB, 'channel', REPORT_FROM + 2 * DAY_S, 5)],
  ['weekly segments by language', weeklySegmentsSql(DB, 'lang', REPORT_FROM + 2 * DAY_S, 5), raw.weeklySegmentsSql(DB, 'lang', REPORT_FROM + 2 * DAY_S, 5)],
  ['daily series', dailySeriesSql(DB, REPORT_FROM + 2 * DAY_S, 7), raw.dailySeriesSql(DB, REPORT_FROM + 2 * DAY_S, 7)],
];

describe('report queries on the rollup equal their raw twins', () => {
  it.each(reportQueries)('%s', async (what, rollupSql, rawSql) => {
    expect(rollupSql).toContain('scored_events_by_minute');
    await expectSameRows(rollupSql, rawSql, what);
  });
});

describe('the rollup queries read rollup rows, not events', () => {
  it('read_rows of each query (system.query_log) is at most the rollups\' rows, far below the events\'', async () => {
    const events = await scalar(`SELECT count() FROM ${DB}.scored_events`);
    const rollupRows = await scalar(`SELECT sum(rows) FROM system.parts WHERE database = '${DB}' AND table IN ('scored_events_by_minute', 'scored_events_by_customer_day', 'scored_events_by_conversation_day') AND active`);
    // The point of the fixture: many events per bucket.
    expect(rollupRows * 3).toBeLessThan(events);
    const checked: { what: string; id: string }[] = [];
    const stamp = `${process.pid}-${Date.now()}`;
    const onRollup = [
      ...rollupQueries.filter((q) => /\bscored_events_by_/.test(q.sql)).map((q) => ({ what: `${q.file} ${q.where}`, sql: forTestDb(expandSql(q.sql, { ...RANGE, vars })) })),
      ...reportQueries.map(([what, sql]) => ({ what, sql })),
    ];
    for (const [i, q] of onRollup.entries()) {
      const id = `rollup-read-${stamp}-${i}`;
      await run(q.sql, id);
      checked.push({ what: q.what, id });
    }
    await store.client.command({ query: 'SYSTEM FLUSH LOGS' });
    const logged = await run(`SELECT query_id, read_rows FROM system.query_log WHERE type = 2 AND query_id LIKE 'rollup-read-${stamp}-%'`);
    const readRows = new Map(logged.map((r) => [String(r.query_id), Number(r.read_rows)]));
    expect(checked.length).toBeGreaterThanOrEqual(20);
    for (const c of checked) {
      const n = readRows.get(c.id);
      expect(n, `${c.what}: not in system.query_log`).toBeDefined();
      expect(n, c.what).toBeGreaterThan(0);
      expect(n, c.what).toBeLessThanOrEqual(rollupRows);
    }
  });
});

describe('erasure', () => {
  it('removes the customer\'s per-day rollup rows and keeps the minute rollup equal to the raw table', async () => {
    const who = 'cust-5';
    expect(await scalar(`SELECT count() FROM ${DB}.scored_events_by_customer_day WHERE customer_id = '${who}'`)).toBeGreaterThan(0);
    const erased = await store.eraseCustomer!([who]);
    expect(erased.find((p) => p.what === `${DB}.scored_events_by_customer_day`)?.removed).toBeGreaterThan(0);
    expect(await scalar(`SELECT count() FROM ${DB}.scored_events_by_customer_day WHERE customer_id = '${who}'`)).toBe(0);
    expect(await scalar(`SELECT count() FROM ${DB}.scored_events_latest WHERE customer_id = '${who}'`)).toBe(0);
    const left = await scalar(`SELECT count() FROM ${DB}.scored_events_latest`);
    expect(left).toBeLessThan(3060);
    expect(await scalar(`SELECT sum(messages) FROM ${DB}.scored_events_by_minute`)).toBe(left);
    for (const key of ['cxpulse-cx-overview.json panel 5 "Mean sentiment by channel"', 'cxpulse-cx-overview.json panel 14 "Urgency over time"', 'cxpulse-operations.json panel 15 "Stored events per minute by channel"']) {
      const q = rollupQueries.find((x) => `${x.file} ${x.where}`.startsWith(key));
      await expectSameRows(forTestDb(expandSql(q?.sql ?? '', { ...RANGE, vars })), forTestDb(expandSql(RAW[key] ?? '', { ...RANGE, vars })), `${key} after the erasure`);
    }
  });
});
