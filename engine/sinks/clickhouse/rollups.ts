/**
 * Rollups of `scored_events` for the dashboards and reports: materialized views (`CREATE
 * MATERIALIZED VIEW ... TO`) that fold every insert into small tables, so a dashboard reads
 * thousands of pre-summed rows instead of millions of events.
 *
 * - `scored_events_by_minute`: minute x channel x language x author x topic, with message counts per
 *   sentiment label, the score sum (means are sum / count) and counts per urgency level.
 * - `scored_events_by_customer_day`: UTC day x customer x channel x language x author, with the same
 *   counts, the customer's conversations (uniqExact state), the time of the latest message and
 *   the latest churn probability (argMax state).
 * - `scored_events_by_conversation_day`: UTC day x conversation x channel x language x customer, over
 *   customer messages only: counts, score sum, the worst score and the last message's time.
 *
 * Both are SummingMergeTree: plain columns are summed when parts merge, AggregateFunction columns
 * are merged like AggregatingMergeTree does (both on 18.16 and current releases). Readers must
 * still `sum()` / `-Merge` over the key, because merging happens in the background.
 *
 * Redeliveries: JetStream redelivers an event when the engine dies between the insert and the ack,
 * so an event may be inserted twice. The raw table folds copies (ReplacingMergeTree, FINAL); a
 * view sees each insert. So the store marks a row `redelivered = 1` when that event is already in
 * `scored_events` or earlier in the same batch, and the views skip such rows: the rollups count
 * each event once, like `scored_events FINAL`. A primary-key lookup reads a granule per event
 * (seconds per 500 events at 10 million rows on the test machine), so the store looks up only the
 * events that may be stored: those the pipeline hands over with `redelivered: true` (JetStream
 * delivery count above 1) and those whose earlier insert from this process failed (it may have
 * landed). What remains approximate: a copy written again without either sign (e.g. rows copied in
 * by hand, or an outside writer) counts twice; two instances inserting the same event at the same moment both
 * find it absent; and a copy scored differently from the first (a model upgrade in between) keeps
 * its first scores in the rollups, where FINAL shows the newest.
 *
 * Existing rows: when a rollup is created (first start of this release), the rows already in
 * `scored_events` are added once, from `scored_events FINAL`, bounded by the write time `version`
 * taken just before the view was created; the view counts everything after. A marker row in
 * `rollup_builds` records the finished build; a start that finds a rollup without its marker (a
 * crash during the backfill, or a changed definition) drops it and builds it again. So to rebuild
 * the rollups by hand (after copying rows into `scored_events` with INSERT ... SELECT, which the
 * views count as new events): `TRUNCATE TABLE cxpulse.rollup_builds`, then start an engine. Engines
 * starting together build each rollup once: the builder holds a lock table
 * (`<rollup>_building`, Memory), the others wait for its marker (a lock older than an hour is
 * taken over: its engine died). An insert whose raw rows were written but whose view failed is retried
 * by the pipeline, finds its events stored and skips them: those events are then missing from the
 * rollups until a rebuild (the view's SELECT is plain aggregation, so this needs a server fault).
 *
 * Erasure: the per-customer rollup loses the customer's rows with the raw tables (erase.ts finds
 * every table with `customer_id`); the minute rollup holds no customer, and gets the customer's
 * counts subtracted (rows with negative counts, which SummingMergeTree sums away), so it keeps
 * matching the raw table. Retention: a TTL on the bucket time where the server has TTL (19.6+),
 * otherwise the hourly sweep (retention.ts) deletes rollup rows older than the retention.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { URGENCY_LABELS } from '../../event/types.ts';
import type { Capabilities } from './capabilities.ts';
import { assertIdentifier } from './config.ts';
import { errorCode, selectRows, sqlString } from './query.ts';
import { SCORED_EVENTS } from './tables.ts';

export const BY_MINUTE = 'scored_events_by_minute';
export const BY_CUSTOMER_DAY = 'scored_events_by_customer_day';
export const BY_CONVERSATION_DAY = 'scored_events_by_conversation_day';
export const ROLLUP_BUILDS = 'rollup_builds';

/** Sentiment labels and urgency levels get a count column each (closed sets: the model's heads). */
export const SENTIMENT_COUNTS = [
  ['negatives', 'negative'],
  ['neutrals', 'neutral'],
  ['positives', 'positive'],
] as const;
export const URGENCY_COUNTS = URGENCY_LABELS.map((l) => [`urgency_${l}`, l] as const);

export interface RollupDef {
  /** The target table. */
  name: string;
  /** The materialized view that fills it (`<name>_mv`). */
  view: string;
  /** Bucket time column: what retention and dashboards filter on. */
  timeColumn: string;
  /** Bumped when the definition changes: a different build id rebuilds the rollup at start. */
  build: string;
  createTableSql(db: string, c: Capabilities, retentionDays?: number): string;
  /** The SELECT that aggregates rows of `from` (the view: the inserted block; the backfill: FINAL). */
  selectSql(db: string, c: Capabilities, from: string, where: string): string;
}

const dict = (c: Capabilities): string => (c.lowCardinality ? 'LowCardinality(String)' : 'String');
/** Event time as DateTime: ts is DateTime('UTC') on 18.16 and DateTime64(3, 'UTC') from 20.1. */
const TS = 'toDateTime(ts)';
/** Event time in epoch ms, for "latest" (argMax): 18.16 keeps the milliseconds in ts_ms. */
const tsMs = (c: Capabilities): string => (c.dateTime64 ? 'toUInt64(toUnixTimestamp64Milli(ts))' : 'toUInt64(toUInt32(ts)) * 1000 + ts_ms');

function counts(): string {
  return [
    'toInt64(count()) AS messages',
    ...SENTIMENT_COUNTS.map(([col, label]) => `toInt64(countIf(sentiment_label = '${label}')) AS ${col}`),
    'sum(toFloat64(sentiment_score)) AS score_sum',
    ...URGENCY_COUNTS.map(([col, label]) => `toInt64(countIf(urgency = '${label}')) AS ${col}`),
  ].join(',\n  ');
}

function countColumns(): string[] {
  return ['messages Int64', ...SENTIMENT_COUNTS.map(([col]) => `${col} Int64`), 'score_sum Float64', ...URGENCY_COUNTS.map(([col]) => `${col} Int64`)];
}

function table(db: string, name: string, columns: string[], orderBy: string, timeColumn: string, c: Capabilities, retentionDays?: number): string {
  const lines = [`CREATE TABLE IF NOT EXISTS ${assertIdentifier(db)}.${name} (`, columns.map((col) => `  ${col}`).join(',\n'), ')', 'ENGINE = SummingMergeTree', `ORDER BY ${orderBy}`];
  // No PARTITION BY: a client's far-off ts (any year) must not make partitions; the tables are small.
  if (retentionDays !== undefined && c.ttl) lines.push(`TTL ${rollupTtl(timeColumn, retentionDays)}`);
  return lines.join('\n');
}

export function rollupTtl(timeColumn: string, retentionDays: number): string {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error(`bad retention ${retentionDays}`);
  return `toDateTime(${timeColumn}) + toIntervalDay(${retentionDays})`;
}

export const MINUTE_ROLLUP: RollupDef = {
  name: BY_MINUTE,
  view: `${BY_MINUTE}_mv`,
  timeColumn: 'minute',
  build: 'minute-v1',
  createTableSql: (db, c, days) =>
    table(db, BY_MINUTE, ["minute DateTime('UTC')", `channel ${dict(c)}`, `lang ${dict(c)}`, `author ${dict(c)}`, `topic ${dict(c)}`, ...countColumns()], '(minute, channel, lang, author, topic)', 'minute', c, days),
  selectSql: (_db, _c, from, where) => minuteSelect(from, where),
};

/** The minute rollup's aggregation: the same on every server version. */
function minuteSelect(from: string, where: string): string {
  return `SELECT toStartOfMinute(${TS}) AS minute, channel, lang, author, topic,
  ${counts()}
FROM ${from}${where ? `\nWHERE ${where}` : ''}
GROUP BY minute, channel, lang, author, topic`;
}

export const CUSTOMER_DAY_ROLLUP: RollupDef = {
  name: BY_CUSTOMER_DAY,
  view: `${BY_CUSTOMER_DAY}_mv`,
  timeColumn: 'day',
  build: 'customer-day-v1',
  createTableSql: (db, c, days) =>
    table(
      db,
      BY_CUSTOMER_DAY,
      [
        'day Date',
        'customer_id String',
        `channel ${dict(c)}`,
        `lang ${dict(c)}`,
        `author ${dict(c)}`,
        ...countColumns(),
        'conversations AggregateFunction(uniqExact, String)',
        'last_ms AggregateFunction(max, UInt64)',
        // The latest churn probability (by event time) of the rows that have one.
        'churn AggregateFunction(argMaxIf, Float32, UInt64, UInt8)',
        'churn_rows Int64',
      ],
      '(customer_id, day, channel, lang, author)',
      'day',
      c,
      days,
    ),
  selectSql: (_db, c, from, where) => `SELECT toDate(${TS}) AS day, customer_id, channel, lang, author,
  ${counts()},
  uniqExactState(conversation_id) AS conversations,
  maxState(${tsMs(c)}) AS last_ms,
  argMaxIfState(assumeNotNull(churn_probability), ${tsMs(c)}, isNotNull(churn_probability)) AS churn,
  toInt64(countIf(isNotNull(churn_probability))) AS churn_rows
FROM ${from}${where ? `\nWHERE ${where}` : ''}
GROUP BY day, customer_id, channel, lang, author`,
};

/**
 * Customer messages per conversation and UTC day (x channel x language x customer): for "top
 * conversations by negative sentiment", which otherwise groups every event of the range.
 */
export const CONVERSATION_DAY_ROLLUP: RollupDef = {
  name: BY_CONVERSATION_DAY,
  view: `${BY_CONVERSATION_DAY}_mv`,
  timeColumn: 'day',
  build: 'conversation-day-v1',
  createTableSql: (db, c, days) =>
    table(
      db,
      BY_CONVERSATION_DAY,
      [
        'day Date',
        'conversation_id String',
        `channel ${dict(c)}`,
        `lang ${dict(c)}`,
        'customer_id String',
        'messages Int64',
        'negatives Int64',
        'score_sum Float64',
        'worst AggregateFunction(min, Float32)',
        "last_at AggregateFunction(max, DateTime('UTC'))",
      ],
      '(day, conversation_id, channel, lang, customer_id)',
      'day',
      c,
      days,
    ),
  selectSql: (_db, _c, from, where) => `SELECT toDate(${TS}) AS day, conversation_id, channel, lang, customer_id,
  toInt64(count()) AS messages,
  toInt64(countIf(sentiment_label = 'negative')) AS negatives,
  sum(toFloat64(sentiment_score)) AS score_sum,
  minState(sentiment_score) AS worst,
  maxState(${TS}) AS last_at
FROM ${from}
WHERE author = 'customer'${where ? ` AND ${where}` : ''}
GROUP BY day, conversation_id, channel, lang, customer_id`,
};

export const ROLLUPS: readonly RollupDef[] = [MINUTE_ROLLUP, CUSTOMER_DAY_ROLLUP, CONVERSATION_DAY_ROLLUP];

export function createViewSql(db: string, r: RollupDef, c: Capabilities): string {
  const src = `${assertIdentifier(db)}.${SCORED_EVENTS.name}`;
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${r.view} TO ${db}.${r.name} AS\n${r.selectSql(db, c, src, 'redelivered = 0')}`;
}

/** The once-only fill from the rows written before the view existed (`version` < the view's creation). */
export function backfillSql(db: string, r: RollupDef, c: Capabilities, beforeVersion: number): string {
  if (!Number.isSafeInteger(beforeVersion) || beforeVersion < 0) throw new Error(`bad version bound ${beforeVersion}`);
  const src = `${assertIdentifier(db)}.${SCORED_EVENTS.name} FINAL`;
  return `INSERT INTO ${db}.${r.name}\n${r.selectSql(db, c, src, `version < ${beforeVersion}`)}`;
}

export function rollupBuildsTableSql(db: string): string {
  return `CREATE TABLE IF NOT EXISTS ${assertIdentifier(db)}.${ROLLUP_BUILDS} (\n  rollup String,\n  build String,\n  built_at_ms UInt64,\n  backfilled_rows UInt64\n)\nENGINE = MergeTree\nORDER BY (rollup, build)`;
}

/**
 * Rows to add to the minute rollup before a customer's events are deleted: their counts, negated,
 * from the same rows the rollup counted (FINAL: each event once).
 */
export function subtractCustomersSql(db: string, where: string): string {
  const src = `${assertIdentifier(db)}.${SCORED_EVENTS.name} FINAL`;
  const select = minuteSelect(src, where);
  const negated = ['messages', ...SENTIMENT_COUNTS.map(([col]) => col), 'score_sum', ...URGENCY_COUNTS.map(([col]) => col)].map((col) => `-${col} AS ${col}`);
  return `INSERT INTO ${db}.${BY_MINUTE} (minute, channel, lang, author, topic, ${['messages', ...SENTIMENT_COUNTS.map(([col]) => col), 'score_sum', ...URGENCY_COUNTS.map(([col]) => col)].join(', ')})
SELECT minute, channel, lang, author, topic, ${negated.join(', ')}
FROM (${select})`;
}

export function rollupRetentionDeleteSql(db: string, r: RollupDef, days: number): string {
  if (!Number.isInteger(days) || days < 1) throw new Error(`bad retention ${days}`);
  return `ALTER TABLE ${assertIdentifier(db)}.${r.name} DELETE WHERE toDateTime(${r.timeColumn}) < now() - toIntervalDay(${days})`;
}

export interface RollupLog {
  info(o: object, msg?: string): void;
}

/**
 * Creates each rollup and its view where missing and fills it once from the existing rows
 * (see the file comment). Runs after the raw tables are up to date (the views read their columns).
 */
export async function ensureRollups(client: ClickHouseClient, db: string, c: Capabilities, retentionDays: number | undefined, log: RollupLog, o: BuildWait = {}): Promise<void> {
  await client.command({ query: rollupBuildsTableSql(db) });
  for (const r of ROLLUPS) {
    for (const until = Date.now() + (o.waitMs ?? BUILD_WAIT_MS); ;) {
      if (await isBuilt(client, db, r)) {
        await ensureRollupTtl(client, db, r, c, retentionDays, log);
        break;
      }
      // Not built (new database, upgrade, interrupted backfill, changed definition): one engine
      // builds it, holding a lock table; others starting at the same time wait for its marker.
      if (await takeLock(client, db, r, o.staleMs ?? STALE_LOCK_MS, log)) {
        try {
          await build(client, db, r, c, retentionDays, log);
        } finally {
          await client.command({ query: `DROP TABLE IF EXISTS ${db}.${lockName(r)}` });
        }
        // Made with the wanted TTL.
        break;
      }
      if (Date.now() > until) throw new Error(`${db}.${r.name}: another engine has been building it for too long (lock ${lockName(r)}); drop the lock table if no engine is building`);
      await new Promise((resolve) => setTimeout(resolve, o.pollMs ?? 500));
    }
  }
}

/** How long a start waits for another engine's rollup build, and when a lock counts as left by a crash. */
export const BUILD_WAIT_MS = 30 * 60_000;
export const STALE_LOCK_MS = 60 * 60_000;

export interface BuildWait {
  waitMs?: number;
  staleMs?: number;
  pollMs?: number;
}

const lockName = (r: RollupDef): string => `${r.name}_building`;

async function isBuilt(client: ClickHouseClient, db: string, r: RollupDef): Promise<boolean> {
  const [done] = await selectRows<{ n: string | number }>(client, `SELECT count() AS n FROM ${db}.${ROLLUP_BUILDS} WHERE rollup = ${sqlString(r.name)} AND build = ${sqlString(r.build)}`);
  return Number(done?.n ?? 0) > 0;
}

/**
 * CREATE TABLE without IF NOT EXISTS succeeds for one caller only (code 57 for the rest): the lock.
 * A lock older than `staleMs` was left by an engine that died while building; it is taken over.
 */
async function takeLock(client: ClickHouseClient, db: string, r: RollupDef, staleMs: number, log: RollupLog): Promise<boolean> {
  const create = `CREATE TABLE ${db}.${lockName(r)} (started_at DateTime) ENGINE = Memory`;
  try {
    await client.command({ query: create });
    return true;
  } catch (err) {
    if (errorCode(err) !== '57') throw err;
  }
  const [age] = await selectRows<{ s: string | number }>(client, `SELECT toUInt32(now()) - toUInt32(metadata_modification_time) AS s FROM system.tables WHERE database = ${sqlString(db)} AND name = ${sqlString(lockName(r))}`);
  if (age !== undefined && Number(age.s) * 1000 > staleMs) {
    log.info({ rollup: r.name, lock: lockName(r), ageS: Number(age.s) }, 'clickhouse rollup build lock left by a stopped engine; taking it over');
    await client.command({ query: `DROP TABLE IF EXISTS ${db}.${lockName(r)}` });
  }
  return false;
}

async function build(client: ClickHouseClient, db: string, r: RollupDef, c: Capabilities, retentionDays: number | undefined, log: RollupLog): Promise<void> {
  if (await isBuilt(client, db, r)) return;
  for (const name of [r.view, r.name]) {
    const [t] = await selectRows<{ engine: string }>(client, `SELECT engine FROM system.tables WHERE database = ${sqlString(db)} AND name = ${sqlString(name)}`);
    if (t !== undefined) await client.command({ query: `DROP TABLE IF EXISTS ${db}.${name}` });
  }
  await client.command({ query: r.createTableSql(db, c, retentionDays) });
  const before = Date.now();
  await client.command({ query: createViewSql(db, r, c) });
  await client.command({ query: backfillSql(db, r, c, before) });
  const [n] = await selectRows<{ n: string | number }>(client, `SELECT count() AS n FROM ${db}.${SCORED_EVENTS.name} FINAL WHERE version < ${before}`);
  const rows = Number(n?.n ?? 0);
  await client.insert({ table: `${db}.${ROLLUP_BUILDS}`, values: [{ rollup: r.name, build: r.build, built_at_ms: before, backfilled_rows: rows }], format: 'JSONEachRow' });
  log.info({ rollup: r.name, view: r.view, backfilledEvents: rows }, 'clickhouse rollup built');
}

/** A rollup built before CLICKHOUSE_RETENTION_DAYS was set (or changed) gets the wanted TTL (19.6+). */
async function ensureRollupTtl(client: ClickHouseClient, db: string, r: RollupDef, c: Capabilities, retentionDays: number | undefined, log: RollupLog): Promise<void> {
  if (retentionDays === undefined || !c.ttl) return;
  const want = `TTL ${rollupTtl(r.timeColumn, retentionDays)}`;
  const [info] = await selectRows<{ engine_full: string }>(client, `SELECT engine_full FROM system.tables WHERE database = ${sqlString(db)} AND name = ${sqlString(r.name)}`);
  if (info === undefined || info.engine_full.includes(want)) return;
  const sql = `ALTER TABLE ${db}.${r.name} MODIFY ${want}`;
  await client.command({ query: sql });
  log.info({ table: r.name, retentionDays, sql }, 'clickhouse retention applied');
}
