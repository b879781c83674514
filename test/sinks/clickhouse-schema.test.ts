import { describe, expect, it } from 'vitest';
import { clickHouseOptionsFromEnv, parseRetentionDays } from '../../engine/sinks/clickhouse/index.ts';
import { assertIdentifier, redactUrl } from '../../engine/sinks/clickhouse/config.ts';
import { toBusinessRow, toRow, dateTime, metaJson, MAX_META_BYTES, text } from '../../engine/sinks/clickhouse/row.ts';
import { errorCode } from '../../engine/sinks/clickhouse/store.ts';
import {
  capabilitiesFor,
  columnsFor,
  createLatestViewSql,
  createTableSql,
  dropViewSql,
  parseServerVersion,
  planAddColumns,
  planTtl,
} from '../../engine/sinks/clickhouse/schema.ts';
import { BUSINESS_EVENTS, CLAMPED_TS_PARTITION, SCORED_EVENTS, TABLES } from '../../engine/sinks/clickhouse/tables.ts';
import { businessEvent, scoredEvent } from './fixtures.ts';

const legacy = capabilitiesFor(parseServerVersion('18.16.1'));
const modern = capabilitiesFor(parseServerVersion('24.8.4.13'));

describe('server version gating', () => {
  it('parses versions and gates features', () => {
    expect(parseServerVersion('24.8.4.13')).toMatchObject({ major: 24, minor: 8 });
    expect(() => parseServerVersion('banana')).toThrow(/version/);
    expect(legacy).toEqual({ lowCardinality: false, ttl: false, dateTime64: false });
    expect(modern).toEqual({ lowCardinality: true, ttl: true, dateTime64: true });
    expect(capabilitiesFor(parseServerVersion('19.16.3'))).toEqual({ lowCardinality: true, ttl: true, dateTime64: false });
  });
});

describe('DDL text', () => {
  it('18.16: plain String, DateTime plus ts_ms, no TTL even when asked', () => {
    const sql = createTableSql('cxpulse', SCORED_EVENTS, legacy, 30);
    expect(sql).not.toMatch(/LowCardinality|DateTime64|TTL/);
    expect(sql).toContain("ts DateTime('UTC'),\n  ts_ms UInt16,");
    expect(sql).toContain("received_at DateTime('UTC')");
    expect(sql).toContain('channel String,');
  });

  it('current releases: LowCardinality, DateTime64(3), optional TTL', () => {
    const sql = createTableSql('cxpulse', SCORED_EVENTS, modern, 30);
    expect(sql).toBe(
      [
        'CREATE TABLE IF NOT EXISTS cxpulse.scored_events (',
        '  event_id String,',
        '  channel LowCardinality(String),',
        '  conversation_id String,',
        '  customer_id String,',
        '  author LowCardinality(String),',
        '  agent_id String,',
        '  subject String,',
        "  ts DateTime64(3, 'UTC'),",
        '  lang LowCardinality(String),',
        '  lang_confidence Float32,',
        '  sentiment_label LowCardinality(String),',
        '  sentiment_score Float32,',
        '  sentiment_confidence Float32,',
        '  conversation_turns UInt32,',
        '  sentiment_trend Float32,',
        '  model_version LowCardinality(String),',
        '  text String,',
        '  meta String,',
        '  topic LowCardinality(String),',
        '  urgency LowCardinality(String),',
        '  formality LowCardinality(String),',
        '  emotion_labels Array(String),',
        '  polite_negative UInt8,',
        '  implicit_complaint LowCardinality(String),',
        '  churn_probability Nullable(Float32),',
        '  churn_band LowCardinality(String),',
        '  latency_ms Float32,',
        '  ts_off_clock UInt8,',
        '  redelivered UInt8,',
        "  received_at DateTime64(3, 'UTC'),",
        "  inserted_at DateTime('UTC') DEFAULT now(),",
        '  version UInt64',
        ')',
        'ENGINE = ReplacingMergeTree(version)',
        `PARTITION BY ${CLAMPED_TS_PARTITION}`,
        'ORDER BY (customer_id, channel, event_id)',
        'TTL toDateTime(ts) + toIntervalDay(30)',
        'SETTINGS index_granularity = 8192',
      ].join('\n'),
    );
    expect(createTableSql('cxpulse', SCORED_EVENTS, modern)).not.toContain('TTL');
  });

  it('both variants share the dedup key and partitioning', () => {
    for (const caps of [legacy, modern]) {
      const sql = createTableSql('db1', SCORED_EVENTS, caps);
      expect(sql).toContain(`ENGINE = ReplacingMergeTree(version)\nPARTITION BY ${CLAMPED_TS_PARTITION}\nORDER BY (customer_id, channel, event_id)`);
      for (const t of TABLES) {
        const names = columnsFor(t, caps).map((c) => c.name);
        expect(new Set(names).size).toBe(names.length);
      }
    }
  });

  it('business_events on 18.16: String type, DateTime plus ts_ms, no TTL', () => {
    expect(createTableSql('cxpulse', BUSINESS_EVENTS, legacy, 30)).toBe(
      [
        'CREATE TABLE IF NOT EXISTS cxpulse.business_events (',
        '  event_id String,',
        '  customer_id String,',
        '  type String,',
        "  ts DateTime('UTC'),",
        '  ts_ms UInt16,',
        '  meta String,',
        '  ts_off_clock UInt8,',
        "  received_at DateTime('UTC'),",
        "  inserted_at DateTime('UTC') DEFAULT now(),",
        '  version UInt64',
        ')',
        'ENGINE = ReplacingMergeTree(version)',
        `PARTITION BY ${CLAMPED_TS_PARTITION}`,
        'ORDER BY (customer_id, event_id)',
        'SETTINGS index_granularity = 8192',
      ].join('\n'),
    );
  });

  it('business_events on current releases: LowCardinality type, DateTime64(3), TTL', () => {
    expect(createTableSql('cxpulse', BUSINESS_EVENTS, modern, 400)).toBe(
      [
        'CREATE TABLE IF NOT EXISTS cxpulse.business_events (',
        '  event_id String,',
        '  customer_id String,',
        '  type LowCardinality(String),',
        "  ts DateTime64(3, 'UTC'),",
        '  meta String,',
        '  ts_off_clock UInt8,',
        "  received_at DateTime64(3, 'UTC'),",
        "  inserted_at DateTime('UTC') DEFAULT now(),",
        '  version UInt64',
        ')',
        'ENGINE = ReplacingMergeTree(version)',
        `PARTITION BY ${CLAMPED_TS_PARTITION}`,
        'ORDER BY (customer_id, event_id)',
        'TTL toDateTime(ts) + toIntervalDay(400)',
        'SETTINGS index_granularity = 8192',
      ].join('\n'),
    );
  });

  it('the latest views read FINAL with listed columns', () => {
    expect(createLatestViewSql('cxpulse', SCORED_EVENTS, ['event_id', 'ts'])).toBe(
      'CREATE VIEW IF NOT EXISTS cxpulse.scored_events_latest AS\nSELECT event_id, ts\nFROM cxpulse.scored_events FINAL',
    );
    expect(createLatestViewSql('cxpulse', BUSINESS_EVENTS, ['event_id', 'meta'])).toBe(
      'CREATE VIEW IF NOT EXISTS cxpulse.business_events_latest AS\nSELECT event_id, meta\nFROM cxpulse.business_events FINAL',
    );
    // DROP TABLE, not DROP VIEW: 18.16 has no DROP VIEW.
    expect(dropViewSql('cxpulse', SCORED_EVENTS)).toBe('DROP TABLE IF EXISTS cxpulse.scored_events_latest');
  });

  it('adds meta to a table from before it existed, after its predecessor', () => {
    for (const caps of [legacy, modern]) {
      const old = columnsFor(SCORED_EVENTS, caps).map((c) => c.name).filter((n) => n !== 'meta');
      expect(planAddColumns('cxpulse', SCORED_EVENTS, caps, old)).toEqual([
        { column: 'meta', sql: 'ALTER TABLE cxpulse.scored_events ADD COLUMN meta String AFTER text' },
      ]);
      expect(planAddColumns('cxpulse', SCORED_EVENTS, caps, [...old, 'meta'])).toEqual([]);
      // Never ALTERs a table that is not there, nor adds columns that were always there.
      expect(planAddColumns('cxpulse', SCORED_EVENTS, caps, [])).toEqual([]);
      expect(planAddColumns('cxpulse', BUSINESS_EVENTS, caps, ['event_id', 'meta']).map((a) => a.sql)).toEqual([
        'ALTER TABLE cxpulse.business_events ADD COLUMN ts_off_clock UInt8 AFTER meta',
      ]);
    }
    // Falls back to an earlier predecessor when the direct one is missing too.
    expect(planAddColumns('cxpulse', SCORED_EVENTS, modern, ['event_id', 'channel'])[0]?.sql).toMatch(/AFTER channel$/);
  });

  it('adds the head, signal and churn columns after meta, in order, and builds the alerts view as the latest state per alert', () => {
    const names = ['topic', 'urgency', 'formality', 'emotion_labels', 'polite_negative', 'implicit_complaint', 'churn_probability', 'churn_band'];
    const old = columnsFor(SCORED_EVENTS, modern).map((c) => c.name).filter((n) => !names.includes(n));
    const adds = planAddColumns('cxpulse', SCORED_EVENTS, modern, old);
    expect(adds.map((a) => a.column)).toEqual(names);
    expect(adds[0]?.sql).toBe('ALTER TABLE cxpulse.scored_events ADD COLUMN topic LowCardinality(String) AFTER meta');
    expect(adds[5]?.sql).toBe('ALTER TABLE cxpulse.scored_events ADD COLUMN implicit_complaint LowCardinality(String) AFTER polite_negative');
    expect(adds[6]?.sql).toBe('ALTER TABLE cxpulse.scored_events ADD COLUMN churn_probability Nullable(Float32) AFTER implicit_complaint');
    const alerts = TABLES.find((t) => t.name === 'alerts');
    if (!alerts) throw new Error('no alerts table');
    expect(createTableSql('cxpulse', alerts, modern)).toMatch(/ORDER BY \(alert_id, state_ms, status\)/);
    expect(createLatestViewSql('cxpulse', alerts, ['alert_id', 'status', 'state_ms'])).toBe(
      'CREATE VIEW IF NOT EXISTS cxpulse.alerts_latest AS\nSELECT alert_id, status, state_ms\nFROM (SELECT alert_id, status, state_ms FROM cxpulse.alerts FINAL ORDER BY alert_id, state_ms DESC)\nLIMIT 1 BY alert_id',
    );
  });

  it('rejects identifiers that could inject SQL', () => {
    expect(() => createTableSql('x; DROP TABLE y', SCORED_EVENTS, modern)).toThrow(/invalid/);
    expect(() => assertIdentifier('1abc')).toThrow();
    expect(assertIdentifier('cxpulse_test_1')).toBe('cxpulse_test_1');
  });
});

describe('retention plan', () => {
  const base = 'ReplacingMergeTree(version) PARTITION BY toYYYYMM(ts) ORDER BY (channel, event_id) SETTINGS index_granularity = 8192';
  const withTtl = base.replace(' SETTINGS', ' TTL toDateTime(ts) + toIntervalDay(30) SETTINGS');
  it('alters only when the wanted TTL is missing', () => {
    expect(planTtl('cxpulse', SCORED_EVENTS, modern, base, 30)).toEqual({
      kind: 'modify',
      sql: 'ALTER TABLE cxpulse.scored_events MODIFY TTL toDateTime(ts) + toIntervalDay(30)',
    });
    expect(planTtl('cxpulse', SCORED_EVENTS, modern, withTtl, 30)).toEqual({ kind: 'none' });
    expect(planTtl('cxpulse', SCORED_EVENTS, modern, withTtl, 7).kind).toBe('modify');
    expect(planTtl('cxpulse', SCORED_EVENTS, modern, withTtl, undefined)).toEqual({ kind: 'keep-existing' });
    expect(planTtl('cxpulse', SCORED_EVENTS, modern, base, undefined)).toEqual({ kind: 'none' });
    expect(planTtl('cxpulse', SCORED_EVENTS, legacy, base, 30)).toEqual({ kind: 'unsupported' });
  });
});

describe('row mapping', () => {
  const shapeOf = (t: typeof SCORED_EVENTS, caps: typeof legacy) => ({ types: new Map(columnsFor(t, caps).map((c) => [c.name, c.type])) });
  const legacyShape = shapeOf(SCORED_EVENTS, legacy);
  const modernShape = shapeOf(SCORED_EVENTS, modern);

  it('18.16 rows carry epoch seconds plus ts_ms', () => {
    const ev = scoredEvent(1, { tsMs: Date.UTC(2025, 0, 2, 3, 4, 5, 678), agentId: 'a-1' });
    const row = toRow(ev, legacyShape, 1_700_000_000_123);
    expect(row).toMatchObject({
      event_id: 'ev-1',
      ts: Date.UTC(2025, 0, 2, 3, 4, 5) / 1000,
      ts_ms: 678,
      agent_id: 'a-1',
      subject: '',
      inserted_at: 1_700_000_000,
      version: 1_700_000_000_123,
    });
  });

  it('current rows carry a UTC DateTime64 string and no ts_ms', () => {
    const row = toRow(scoredEvent(1, { tsMs: Date.UTC(2025, 0, 2, 3, 4, 5, 6) }), modernShape, 1);
    expect(row.ts).toBe('2025-01-02 03:04:05.006');
    expect(row).not.toHaveProperty('ts_ms');
  });

  it('sanitises values that would fail a batch', () => {
    const ev = scoredEvent(2, { tsMs: -5, latencyMs: Number.NaN, text: 'a\uD800b 😀', langConfidence: Infinity });
    const row = toRow(ev, legacyShape, 1);
    expect(row).toMatchObject({ ts: 0, ts_ms: 0, latency_ms: 0, lang_confidence: 0, text: 'a\uFFFDb 😀' });
    expect(dateTime(1.5e13, undefined)).toBe(15_000_000_000);
    expect(text(undefined)).toBe('');
  });

  it('stores meta as JSON text, empty when absent', () => {
    expect(toRow(scoredEvent(1), modernShape, 1).meta).toBe('');
    const row = toRow(scoredEvent(1, { meta: { holdSec: 42, tags: ['a', 'b'], nested: { x: null } } }), legacyShape, 1);
    expect(JSON.parse(String(row.meta))).toEqual({ holdSec: 42, tags: ['a', 'b'], nested: { x: null } });
    // A table from before meta existed gets no meta key (JSONEachRow rejects unknown keys).
    const old = { types: new Map([...legacyShape.types].filter(([k]) => k !== 'meta')) };
    expect(toRow(scoredEvent(1, { meta: { a: 1 } }), old, 1)).not.toHaveProperty('meta');
  });

  it('caps meta at 16 KiB of JSON and says how big it was', () => {
    expect(MAX_META_BYTES).toBe(16_384);
    const fits = { s: 'x'.repeat(MAX_META_BYTES - 8) }; // {"s":"…"} is 8 bytes of syntax
    expect(Buffer.byteLength(metaJson(fits))).toBe(MAX_META_BYTES);
    expect(JSON.parse(metaJson(fits))).toEqual(fits);
    const over = { s: 'ö'.repeat(MAX_META_BYTES / 2) }; // 2 bytes per char in UTF-8
    expect(JSON.parse(metaJson(over))).toEqual({ _truncated: true, bytes: MAX_META_BYTES + 8 });
  });

  it('sanitises meta that would fail a batch', () => {
    expect(JSON.parse(metaJson({ 'k\uDC00': 'v\uD800', ok: '😀' }))).toEqual({ 'k\uFFFD': 'v\uFFFD', ok: '😀' });
    expect(JSON.parse(metaJson({ big: 12345678901234567890n } as Record<string, unknown>))).toEqual({ big: '12345678901234567890' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(metaJson(cyclic)).toBe('{"_unserializable":true}');
    expect(metaJson(null as unknown as undefined)).toBe('');
  });

  it('maps business events for both server generations', () => {
    const ev = businessEvent(3, { tsMs: Date.UTC(2025, 0, 2, 3, 4, 5, 678), meta: { daysLate: 12 } });
    expect(toBusinessRow(ev, shapeOf(BUSINESS_EVENTS, legacy), 1_700_000_000_123)).toEqual({
      event_id: 'crm-3',
      customer_id: 'cust-3',
      type: ev.type,
      ts: Date.UTC(2025, 0, 2, 3, 4, 5) / 1000,
      ts_ms: 678,
      meta: '{"daysLate":12}',
      ts_off_clock: 0,
      received_at: Math.floor(ev.receivedAtMs / 1000),
      inserted_at: 1_700_000_000,
      version: 1_700_000_000_123,
    });
    const modernRow = toBusinessRow(ev, shapeOf(BUSINESS_EVENTS, modern), 1);
    expect(modernRow.ts).toBe('2025-01-02 03:04:05.678');
    expect(modernRow).not.toHaveProperty('ts_ms');
  });
});

describe('options from the environment', () => {
  it('reads the CLICKHOUSE_* variables', () => {
    expect(clickHouseOptionsFromEnv({})).toEqual({ url: 'http://127.0.0.1:8123', database: 'cxpulse' });
    expect(
      clickHouseOptionsFromEnv({
        CLICKHOUSE_URL: 'http://ch:8123',
        CLICKHOUSE_DB: 'cx',
        CLICKHOUSE_USER: 'u',
        CLICKHOUSE_PASSWORD: 'p',
        CLICKHOUSE_RETENTION_DAYS: '90',
      }),
    ).toEqual({ url: 'http://ch:8123', database: 'cx', username: 'u', password: 'p', retentionDays: 90 });
    // Empty is unset, as in the engine's configuration; the client then sends '' anyway.
    expect(clickHouseOptionsFromEnv({ CLICKHOUSE_PASSWORD: '' })).not.toHaveProperty('password');
    expect(() => clickHouseOptionsFromEnv({ CLICKHOUSE_DB: 'a-b' })).toThrow(/CLICKHOUSE_DB/);
    expect(parseRetentionDays(' ')).toBeUndefined();
    expect(() => parseRetentionDays('30d')).toThrow(/CLICKHOUSE_RETENTION_DAYS/);
    expect(() => parseRetentionDays('0')).toThrow();
  });

  it('keeps credentials out of descriptions', () => {
    expect(redactUrl('http://u:secret@ch:8123/?x=1')).toBe('http://ch:8123');
  });
});

describe('server error codes', () => {
  it('reads the code from 18.16 messages, which the client does not parse', () => {
    expect(errorCode(new Error("Code: 60, e.displayText() = DB::Exception: Table x.y doesn't exist., e.what() = DB::Exception"))).toBe('60');
    expect(errorCode(Object.assign(new Error('Table x.y does not exist.'), { code: '60' }))).toBe('60');
    expect(errorCode(new Error('socket hang up'))).toBeUndefined();
  });
});
