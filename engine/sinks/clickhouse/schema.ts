/**
 * DDL for `scored_events`, gated on the server version: CI runs Debian's ClickHouse 18.16,
 * users run 24+. Every statement here was run on 18.16.1; the modern variant is checked
 * as text by test/sinks/clickhouse-schema.test.ts.
 *
 * Exact counts: the same event may be inserted twice (JetStream redelivers when the engine
 * dies between insert and ack). ReplacingMergeTree keyed on (channel, event_id) folds those
 * copies, but only at merge time, so exact counts must read `FINAL` or the
 * `scored_events_latest` view, e.g. `SELECT count() FROM cxpulse.scored_events_latest`.
 */
import { assertIdentifier } from './config.ts';

export const TABLE = 'scored_events';
export const LATEST_VIEW = 'scored_events_latest';

export interface ServerVersion {
  major: number;
  minor: number;
  raw: string;
}

export function parseServerVersion(raw: string): ServerVersion {
  const m = /^(\d+)\.(\d+)/.exec(raw.trim());
  if (!m) throw new Error(`cannot parse ClickHouse version "${raw}"`);
  return { major: Number(m[1]), minor: Number(m[2]), raw: raw.trim() };
}

export interface Capabilities {
  /** LowCardinality(String): experimental (setting-gated) on 18.x, default from 19.x. */
  lowCardinality: boolean;
  /** TTL clauses on MergeTree: 19.6+. */
  ttl: boolean;
  /** DateTime64(3, 'UTC'): 20.1+. Before that, DateTime plus a `ts_ms` column. */
  dateTime64: boolean;
}

export function capabilitiesFor(v: ServerVersion): Capabilities {
  const atLeast = (major: number, minor: number): boolean =>
    v.major > major || (v.major === major && v.minor >= minor);
  return {
    lowCardinality: atLeast(19, 3),
    ttl: atLeast(19, 6),
    dateTime64: atLeast(20, 1),
  };
}

interface ColumnDef {
  name: string;
  /** SQL type for these capabilities, or null when the column is absent. */
  type: (c: Capabilities) => string | null;
  default?: string;
}

const str = (): string => 'String';
const dict = (c: Capabilities): string => (c.lowCardinality ? 'LowCardinality(String)' : 'String');
const time = (c: Capabilities): string => (c.dateTime64 ? "DateTime64(3, 'UTC')" : "DateTime('UTC')");

/** One row per scored event. Optional strings are '' rather than Nullable (cheaper, simpler SQL). */
const COLUMNS: readonly ColumnDef[] = [
  { name: 'event_id', type: str },
  { name: 'channel', type: dict },
  { name: 'conversation_id', type: str },
  { name: 'customer_id', type: str },
  { name: 'author', type: dict },
  { name: 'agent_id', type: str },
  { name: 'subject', type: str },
  { name: 'ts', type: time },
  // Millisecond part of `ts` where DateTime64 is missing.
  { name: 'ts_ms', type: (c) => (c.dateTime64 ? null : 'UInt16') },
  { name: 'lang', type: dict },
  { name: 'lang_confidence', type: () => 'Float32' },
  { name: 'sentiment_label', type: dict },
  { name: 'sentiment_score', type: () => 'Float32' },
  { name: 'sentiment_confidence', type: () => 'Float32' },
  { name: 'conversation_turns', type: () => 'UInt32' },
  { name: 'sentiment_trend', type: () => 'Float32' },
  { name: 'model_version', type: dict },
  { name: 'text', type: str },
  { name: 'latency_ms', type: () => 'Float32' },
  { name: 'received_at', type: time },
  { name: 'inserted_at', type: () => "DateTime('UTC')", default: 'now()' },
  // Write time in epoch ms: the newest copy of a redelivered event wins in FINAL.
  { name: 'version', type: () => 'UInt64' },
];

export interface ColumnSpec {
  name: string;
  type: string;
}

export function columnsFor(c: Capabilities): ColumnSpec[] {
  const out: ColumnSpec[] = [];
  for (const col of COLUMNS) {
    const type = col.type(c);
    if (type !== null) out.push({ name: col.name, type: col.default ? `${type} DEFAULT ${col.default}` : type });
  }
  return out;
}

export function createDatabaseSql(db: string): string {
  return `CREATE DATABASE IF NOT EXISTS ${assertIdentifier(db)}`;
}

/** TTL on the event time. `toDateTime` because TTL must yield DateTime, not DateTime64. */
export function ttlExpression(retentionDays: number): string {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error(`bad retention ${retentionDays}`);
  return `toDateTime(ts) + toIntervalDay(${retentionDays})`;
}

export function createTableSql(db: string, c: Capabilities, retentionDays?: number): string {
  const cols = columnsFor(c)
    .map((col) => `  ${col.name} ${col.type}`)
    .join(',\n');
  const lines = [
    `CREATE TABLE IF NOT EXISTS ${assertIdentifier(db)}.${TABLE} (`,
    cols,
    ')',
    'ENGINE = ReplacingMergeTree(version)',
    'PARTITION BY toYYYYMM(ts)',
    // Event identity only, so every copy of one event lands on the same key and folds.
    'ORDER BY (channel, event_id)',
  ];
  if (retentionDays !== undefined && c.ttl) lines.push(`TTL ${ttlExpression(retentionDays)}`);
  lines.push('SETTINGS index_granularity = 8192');
  return lines.join('\n');
}

/**
 * The deduplicated view. Columns are listed (not `*`) from the table as it exists, so a
 * table created by an older server keeps a matching view.
 */
export function createLatestViewSql(db: string, columns: readonly string[]): string {
  for (const c of columns) assertIdentifier(c, 'column name');
  return (
    `CREATE VIEW IF NOT EXISTS ${assertIdentifier(db)}.${LATEST_VIEW} AS\n` +
    `SELECT ${columns.join(', ')}\nFROM ${db}.${TABLE} FINAL`
  );
}

/**
 * Existing columns in table order, from system.columns (18.16 has neither query parameters
 * nor a `position` column there; rows come in table order on every version).
 */
export function describeColumnsSql(db: string): string {
  return `SELECT name, type FROM system.columns WHERE database = '${assertIdentifier(db)}' AND table = '${TABLE}'`;
}

export function engineFullSql(db: string): string {
  return `SELECT engine_full FROM system.tables WHERE database = '${assertIdentifier(db)}' AND name = '${TABLE}'`;
}

export type TtlAction =
  | { kind: 'none' }
  | { kind: 'modify'; sql: string }
  | { kind: 'unsupported' }
  | { kind: 'keep-existing' };

/**
 * What to do about retention on an existing table. Only ALTERs when the wanted TTL is not
 * already there, because MODIFY TTL rewrites parts (materialize_ttl_after_modify).
 * An existing TTL with no retention configured is left alone: someone set it on purpose.
 */
export function planTtl(db: string, c: Capabilities, engineFull: string, retentionDays?: number): TtlAction {
  const hasTtl = /\bTTL\b/.test(engineFull);
  if (retentionDays === undefined) return hasTtl ? { kind: 'keep-existing' } : { kind: 'none' };
  if (!c.ttl) return { kind: 'unsupported' };
  const want = ttlExpression(retentionDays);
  if (engineFull.includes(`TTL ${want}`)) return { kind: 'none' };
  return { kind: 'modify', sql: `ALTER TABLE ${assertIdentifier(db)}.${TABLE} MODIFY TTL ${want}` };
}
