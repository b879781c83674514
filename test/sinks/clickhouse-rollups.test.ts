/**
 * The rollups' upkeep on a real ClickHouse (CI: 18.16): the schema migration builds them on a
 * database an older release left (rows already stored, redelivered copies among them) and fills
 * them once from `scored_events FINAL`; a second start changes nothing; a build interrupted before
 * its marker is redone from scratch without counting anything twice; the retention sweep (18.16
 * has no TTL) removes old buckets. Rollup DDL is also checked as text for both server generations.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouseStore, type ClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import { capabilitiesFor, parseServerVersion } from '../../engine/sinks/clickhouse/capabilities.ts';
import { backfillSql, createViewSql, CUSTOMER_DAY_ROLLUP, ensureRollups, MINUTE_ROLLUP, ROLLUP_BUILDS, ROLLUPS, rollupRetentionDeleteSql } from '../../engine/sinks/clickhouse/rollups.ts';
import { sweepRetention } from '../../engine/sinks/clickhouse/retention.ts';
import { waitForMutations } from '../../engine/sinks/clickhouse/erase.ts';
import { scoredEvent } from './fixtures.ts';
import type { ScoredEvent } from '../../engine/event/types.ts';
import { chunksOf } from '../../engine/sinks/clickhouse/store.ts';
import { createTableSql } from '../../engine/sinks/clickhouse/schema.ts';
import { SCORED_EVENTS } from '../../engine/sinks/clickhouse/tables.ts';
import { dropTestDatabase } from '../helpers/clickhouse.ts';

const CH_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
/** Copies as the pipeline hands over JetStream redeliveries (delivery count above 1): the store looks them up. */
const redelivery = (evs: readonly ScoredEvent[]): ScoredEvent[] => evs.map((e) => Object.assign({ ...e }, { redelivered: true }));

const DAY = 86_400_000;
const legacy = capabilitiesFor(parseServerVersion('18.16.1'));
const modern = capabilitiesFor(parseServerVersion('24.8.4.13'));
const stores: ClickHouseStore[] = [];
const dbs: string[] = [];

afterAll(async () => {
  const s = stores[0];
  for (const db of dbs) if (s) await dropTestDatabase(s.client, db);
  for (const st of stores) await st.close();
});

async function open(db: string): Promise<ClickHouseStore> {
  const s = await createClickHouseStore({ url: CH_URL, database: db });
  stores.push(s);
  if (!dbs.includes(db)) dbs.push(db);
  return s;
}

async function rows(s: ClickHouseStore, sql: string): Promise<Record<string, unknown>[]> {
  const res = await s.client.query({ query: sql, format: 'JSONEachRow' });
  return res.json<Record<string, unknown>>();
}
const scalar = async (s: ClickHouseStore, sql: string): Promise<number> => Number(Object.values((await rows(s, sql))[0] ?? {})[0]);

/** The minute rollup's content as the raw table says it should be: per bucket, from FINAL. */
const expectedMinutes = (db: string) => `SELECT toString(toStartOfMinute(toDateTime(ts))) AS m, toString(channel) AS c, toString(lang) AS l, toString(author) AS a, toString(topic) AS t,
  count() AS n, countIf(sentiment_label = 'negative') AS neg, round(sum(toFloat64(sentiment_score)), 6) AS s
FROM ${db}.scored_events FINAL GROUP BY m, c, l, a, t ORDER BY m, c, l, a, t`;
const actualMinutes = (db: string) => `SELECT m, c, l, a, t, n, neg, round(s, 6) AS s FROM (
  SELECT toString(minute) AS m, toString(channel) AS c, toString(lang) AS l, toString(author) AS a, toString(topic) AS t,
    sum(messages) AS n, sum(negatives) AS neg, sum(score_sum) AS s
  FROM ${db}.scored_events_by_minute GROUP BY m, c, l, a, t HAVING n != 0
) ORDER BY m, c, l, a, t`;
const customerTotals = (db: string, from: string) => `SELECT customer_id AS who, toString(sum(messages)) AS n FROM ${db}.${from} GROUP BY who ORDER BY who`;

/** Events over several minutes, customers and labels; `n` numbers them. */
function events(from: number, count: number, baseMs: number) {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const score = ((n * 37) % 200) / 100 - 1;
    return scoredEvent(n, {
      customerId: `cust-${n % 4}`,
      tsMs: baseMs + n * 20_000,
      receivedAtMs: baseMs + n * 20_000 + 5,
      sentiment: { label: score < -0.3 ? 'negative' : score > 0.3 ? 'positive' : 'neutral', score, confidence: 0.8 },
      ...(n % 3 === 0 ? { topic: { label: 'billing', confidence: 0.9 } } : {}),
    });
  });
}

describe('rollup DDL', () => {
  it('builds SummingMergeTree tables fed by views that skip redelivered rows, on 18.16 and current releases', () => {
    const minute = MINUTE_ROLLUP.createTableSql('cxpulse', legacy);
    expect(minute).toContain('ENGINE = SummingMergeTree\nORDER BY (minute, channel, lang, author, topic)');
    expect(minute).not.toMatch(/TTL|PARTITION BY|LowCardinality/);
    expect(MINUTE_ROLLUP.createTableSql('cxpulse', modern, 30)).toContain('TTL toDateTime(minute) + toIntervalDay(30)');
    expect(MINUTE_ROLLUP.createTableSql('cxpulse', modern)).toContain('channel LowCardinality(String)');
    // 18.16 has no TTL: the sweep deletes old buckets instead.
    expect(MINUTE_ROLLUP.createTableSql('cxpulse', legacy, 30)).not.toContain('TTL');
    expect(rollupRetentionDeleteSql('cxpulse', CUSTOMER_DAY_ROLLUP, 30)).toBe('ALTER TABLE cxpulse.scored_events_by_customer_day DELETE WHERE toDateTime(day) < now() - toIntervalDay(30)');
    const view = createViewSql('cxpulse', CUSTOMER_DAY_ROLLUP, legacy);
    expect(view).toMatch(/^CREATE MATERIALIZED VIEW IF NOT EXISTS cxpulse\.scored_events_by_customer_day_mv TO cxpulse\.scored_events_by_customer_day AS\nSELECT /);
    expect(view).toContain('FROM cxpulse.scored_events\nWHERE redelivered = 0');
    expect(view).toContain('toUInt64(toUInt32(ts)) * 1000 + ts_ms');
    expect(createViewSql('cxpulse', CUSTOMER_DAY_ROLLUP, modern)).toContain('toUInt64(toUnixTimestamp64Milli(ts))');
    expect(backfillSql('cxpulse', MINUTE_ROLLUP, legacy, 1700000000000)).toMatch(/^INSERT INTO cxpulse\.scored_events_by_minute\nSELECT [\s\S]*FROM cxpulse\.scored_events FINAL\nWHERE version < 1700000000000\n/);
    expect(() => backfillSql('cxpulse', MINUTE_ROLLUP, legacy, -1)).toThrow(/bad version/);
  });
});

describe('rollups on a database an older release made', () => {
  const DB = `cxpulse_rollups_upgrade_${Date.now()}_${process.pid}`;

  it('are built at start and filled once from the rows already stored, each event once', async () => {
    const old = await open(DB);
    await old.init();
    // Back to what the previous release had: no rollups, no views feeding them.
    for (const r of ROLLUPS) {
      await old.client.command({ query: `DROP TABLE ${DB}.${r.view}` });
      await old.client.command({ query: `DROP TABLE ${DB}.${r.name}` });
    }
    await old.client.command({ query: `DROP TABLE ${DB}.${ROLLUP_BUILDS}` });
    const base = Date.UTC(2026, 10, 23, 9, 0, 0);
    const first = events(0, 120, base);
    await old.write(first);
    // Redelivered copies, stored as raw rows (the backfill reads FINAL: each event once).
    await old.write(first.slice(0, 30));
    expect(await scalar(old, `SELECT count() FROM ${DB}.scored_events`)).toBe(150);

    const s = await open(DB);
    await s.init();
    expect(await scalar(s, `SELECT sum(messages) FROM ${DB}.scored_events_by_minute`)).toBe(120);
    expect(await rows(s, actualMinutes(DB))).toEqual(await rows(s, expectedMinutes(DB)));
    expect(await rows(s, customerTotals(DB, 'scored_events_by_customer_day'))).toEqual(await rows(s, `SELECT customer_id AS who, toString(count()) AS n FROM ${DB}.scored_events FINAL GROUP BY who ORDER BY who`));
    expect(await rows(s, `SELECT rollup, toString(backfilled_rows) AS n FROM ${DB}.${ROLLUP_BUILDS} ORDER BY rollup`)).toEqual([
      { rollup: 'scored_events_by_conversation_day', n: '120' },
      { rollup: 'scored_events_by_customer_day', n: '120' },
      { rollup: 'scored_events_by_minute', n: '120' },
    ]);
    // The conversation rollup holds the customer messages.
    expect(await scalar(s, `SELECT sum(messages) FROM ${DB}.scored_events_by_conversation_day`)).toBe(await scalar(s, `SELECT count() FROM ${DB}.scored_events FINAL WHERE author = 'customer'`));

    // New events (and a redelivery of old ones) go through the views.
    await s.write(events(120, 60, base));
    await s.write(redelivery(first.slice(100, 120)));
    expect(await scalar(s, `SELECT sum(messages) FROM ${DB}.scored_events_by_minute`)).toBe(180);
    expect(await rows(s, actualMinutes(DB))).toEqual(await rows(s, expectedMinutes(DB)));
  });

  it('a second start changes nothing', async () => {
    const s = await open(DB);
    const before = await rows(s, actualMinutes(DB));
    await s.init();
    expect(await scalar(s, `SELECT count() FROM ${DB}.${ROLLUP_BUILDS}`)).toBe(3);
    expect(await rows(s, actualMinutes(DB))).toEqual(before);
  });

  it('a build that did not finish (no marker) is redone from scratch, without double counts', async () => {
    const s = await open(DB);
    await s.client.command({ query: `ALTER TABLE ${DB}.${ROLLUP_BUILDS} DELETE WHERE rollup = 'scored_events_by_minute'` });
    await waitForMutations(s.client, DB, ROLLUP_BUILDS, 60_000);
    await s.init();
    expect(await scalar(s, `SELECT sum(messages) FROM ${DB}.scored_events_by_minute`)).toBe(180);
    expect(await rows(s, actualMinutes(DB))).toEqual(await rows(s, expectedMinutes(DB)));
    expect(await scalar(s, `SELECT count() FROM ${DB}.${ROLLUP_BUILDS}`)).toBe(3);
  });
});

describe('engines starting together', () => {
  const DB = `cxpulse_rollups_race_${Date.now()}_${process.pid}`;

  it('build each rollup once (one holds the lock, the other waits for its marker): no double counts', async () => {
    const old = await open(DB);
    await old.init();
    for (const r of ROLLUPS) {
      await old.client.command({ query: `DROP TABLE ${DB}.${r.view}` });
      await old.client.command({ query: `DROP TABLE ${DB}.${r.name}` });
    }
    await old.client.command({ query: `TRUNCATE TABLE ${DB}.${ROLLUP_BUILDS}` });
    await old.write(events(0, 90, Date.UTC(2026, 10, 23, 9, 0, 0)));
    const [a, b] = [await open(DB), await open(DB)];
    await Promise.all([a.init(), b.init()]);
    expect(await scalar(a, `SELECT sum(messages) FROM ${DB}.scored_events_by_minute`)).toBe(90);
    expect(await scalar(a, `SELECT sum(messages) FROM ${DB}.scored_events_by_customer_day`)).toBe(90);
    expect(await scalar(a, `SELECT count() FROM ${DB}.${ROLLUP_BUILDS}`)).toBe(3);
    expect(await scalar(a, `SELECT count() FROM system.tables WHERE database = '${DB}' AND name LIKE '%_building'`)).toBe(0);
  });

  it('a lock left by an engine that died is taken over once it is old', async () => {
    const s = await open(DB);
    await s.client.command({ query: `TRUNCATE TABLE ${DB}.${ROLLUP_BUILDS}` });
    await s.client.command({ query: `CREATE TABLE ${DB}.scored_events_by_minute_building (started_at DateTime) ENGINE = Memory` });
    const log = { lines: [] as string[], info(_o: object, msg?: string) { this.lines.push(msg ?? ''); } };
    await ensureRollups(s.client, DB, legacy, undefined, log, { staleMs: 0, pollMs: 50, waitMs: 30_000 });
    expect(log.lines).toContain('clickhouse rollup build lock left by a stopped engine; taking it over');
    expect(await scalar(s, `SELECT sum(messages) FROM ${DB}.scored_events_by_minute`)).toBe(90);
    expect(await scalar(s, `SELECT count() FROM ${DB}.${ROLLUP_BUILDS}`)).toBe(3);
  });
});

describe('redelivery flag', () => {
  const DB = `cxpulse_rollups_redelivery_${Date.now()}_${process.pid}`;

  it('splits the key list into chunks of bounded size', () => {
    expect(chunksOf(['aaaa', 'bbbb', 'cc', 'd'], 12)).toEqual([['aaaa', 'bbbb'], ['cc', 'd']]);
    // An item longer than the bound goes alone rather than being dropped.
    expect(chunksOf(['x'.repeat(20), 'y'], 10)).toEqual([['x'.repeat(20)], ['y']]);
    expect(chunksOf([], 10)).toEqual([]);
  });

  it('finds a whole redelivered batch stored, however long its ids (lookups above max_query_size are split)', async () => {
    const s = await open(DB);
    await s.init();
    const long = (n: number) => `${'x'.repeat(120)}-${n}`;
    const batch = Array.from({ length: 3000 }, (_, n) => scoredEvent(n, { id: long(n), tsMs: Date.UTC(2026, 10, 23, 9, 0, n % 60) }));
    await s.write(batch);
    await s.write(redelivery(batch));
    expect(await scalar(s, `SELECT countIf(redelivered = 1) FROM ${DB}.scored_events`)).toBe(3000);
    expect(await scalar(s, `SELECT sum(messages) FROM ${DB}.scored_events_by_minute`)).toBe(3000);
    expect(await scalar(s, `SELECT sum(messages) FROM ${DB}.scored_events_by_customer_day`)).toBe(3000);
  });
});

describe('the sort key', () => {
  const NEW = `cxpulse_rollups_key_new_${Date.now()}_${process.pid}`;
  const OLD = `cxpulse_rollups_key_old_${Date.now()}_${process.pid}`;

  it('sorts a new scored_events by customer first, and finds redelivered copies by that key', async () => {
    const s = await open(NEW);
    await s.init();
    const [t] = await (await s.client.query({ query: `SELECT sorting_key AS k FROM system.tables WHERE database = '${NEW}' AND name = 'scored_events'`, format: 'JSONEachRow' })).json<{ k: string }>();
    expect(t?.k.replace(/\s/g, '')).toBe('customer_id,channel,event_id');
    const batch = Array.from({ length: 50 }, (_, n) => scoredEvent(n, { id: `k-${n}`, tsMs: Date.UTC(2026, 10, 23, 9, 0, n) }));
    await s.write(batch);
    await s.write(redelivery(batch.slice(0, 20)));
    expect(await scalar(s, `SELECT countIf(redelivered = 1) FROM ${NEW}.scored_events`)).toBe(20);
    expect(await scalar(s, `SELECT sum(messages) FROM ${NEW}.scored_events_by_minute`)).toBe(50);
  });

  it('finds a copy whose first delivery is still being inserted beside it (inserts run side by side)', async () => {
    const s = await open(NEW);
    const batch = Array.from({ length: 2000 }, (_, n) => scoredEvent(n, { id: `side-${n}`, tsMs: Date.UTC(2026, 10, 23, 10, 0, n % 60) }));
    // Started in the same tick, as two insert slots would: the copies' lookup waits for the first insert.
    await Promise.all([s.write(batch), s.write(redelivery(batch.slice(0, 30)))]);
    expect(await scalar(s, `SELECT countIf(redelivered = 1) FROM ${NEW}.scored_events WHERE event_id LIKE 'side-%'`)).toBe(30);
    expect(await scalar(s, `SELECT sum(messages) FROM ${NEW}.scored_events_by_minute WHERE minute >= toDateTime('2026-11-23 10:00:00', 'UTC') AND minute < toDateTime('2026-11-23 11:00:00', 'UTC')`)).toBe(2000);
  });

  it('keeps a table an older release sorted by (channel, event_id), and its lookups still find the copies', async () => {
    const s = await open(OLD);
    await s.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${OLD}` });
    await s.client.command({ query: createTableSql(OLD, { ...SCORED_EVENTS, orderBy: '(channel, event_id)' }, capabilitiesFor(parseServerVersion(s.serverVersion))) });
    await s.init();
    const [t] = await (await s.client.query({ query: `SELECT sorting_key AS k FROM system.tables WHERE database = '${OLD}' AND name = 'scored_events'`, format: 'JSONEachRow' })).json<{ k: string }>();
    expect(t?.k.replace(/\s/g, '')).toBe('channel,event_id');
    const batch = Array.from({ length: 50 }, (_, n) => scoredEvent(n, { id: `o-${n}`, tsMs: Date.UTC(2026, 10, 23, 9, 0, n) }));
    await s.write(batch);
    await s.write(redelivery(batch.slice(0, 20)));
    expect(await scalar(s, `SELECT countIf(redelivered = 1) FROM ${OLD}.scored_events`)).toBe(20);
    expect(await scalar(s, `SELECT sum(messages) FROM ${OLD}.scored_events_by_minute`)).toBe(50);
    expect(await scalar(s, `SELECT count() FROM ${OLD}.scored_events_latest`)).toBe(50);
  });
});

describe('redelivery without the pipeline\'s mark', () => {
  const DB = `cxpulse_rollups_unmarked_${Date.now()}_${process.pid}`;

  it('is not looked up and counts again in the rollups (the gap rollups.ts documents), once in FINAL', async () => {
    const s = await open(DB);
    await s.init();
    const ev = scoredEvent(9001, { id: 'unmarked', tsMs: Date.UTC(2026, 10, 23, 10, 0, 0) });
    await s.write([ev]);
    await s.write([ev]);
    expect(await scalar(s, `SELECT sum(messages) FROM ${DB}.scored_events_by_minute`)).toBe(2);
    expect(await scalar(s, `SELECT count() FROM ${DB}.scored_events_latest`)).toBe(1);
  });

  it('twice in one batch counts once, without a lookup', async () => {
    const s = await open(DB);
    const ev = scoredEvent(9002, { id: 'twice', tsMs: Date.UTC(2026, 10, 23, 11, 0, 0) });
    await s.write([ev, ev]);
    expect(await scalar(s, `SELECT sum(messages) FROM ${DB}.scored_events_by_minute WHERE minute = toDateTime('2026-11-23 11:00:00', 'UTC')`)).toBe(1);
    expect(await scalar(s, `SELECT countIf(redelivered = 1) FROM ${DB}.scored_events WHERE event_id = 'twice'`)).toBe(1);
  });
});

describe('retention sweep on 18.16', () => {
  const DB = `cxpulse_rollups_retention_${Date.now()}_${process.pid}`;

  it('removes rollup buckets older than the retention and keeps the rest', async () => {
    const s = await open(DB);
    await s.init();
    const now = Date.now();
    await s.write([
      scoredEvent(1, { id: 'old', tsMs: now - 40 * DAY, receivedAtMs: now - 40 * DAY }),
      scoredEvent(2, { id: 'new', tsMs: now - DAY, receivedAtMs: now - DAY }),
    ]);
    const swept = await sweepRetention(s.client, DB, 30);
    expect(swept).toEqual(expect.arrayContaining(['scored_events', 'scored_events_by_minute', 'scored_events_by_customer_day']));
    for (const t of swept) await waitForMutations(s.client, DB, t, 60_000);
    for (const r of ROLLUPS) {
      expect(await scalar(s, `SELECT sum(messages) FROM ${DB}.${r.name}`), r.name).toBe(1);
      expect(await scalar(s, `SELECT count() FROM ${DB}.${r.name} WHERE toDateTime(${r.timeColumn}) < now() - toIntervalDay(30)`), r.name).toBe(0);
    }
    expect(await sweepRetention(s.client, DB, 30)).toEqual([]);
  });
});
