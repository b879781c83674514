/**
 * DDL for the store's tables (tables.ts), gated on the server's capabilities. Every
 * statement here was run on 18.16.1; the modern variant is checked as text by
 * test/sinks/clickhouse-schema.test.ts and driven through test/sinks/fakeClickHouse.ts.
 *
 * Exact counts: the same event may be inserted twice (JetStream redelivers when the engine
 * dies between insert and ack). ReplacingMergeTree keyed on the event's identity folds those
 * copies, but only at merge time, so exact counts must read `FINAL` or the `*_latest` view,
 * e.g. `SELECT count() FROM cxpulse.scored_events_latest`.
 */
import type { Capabilities } from './capabilities.ts';
import { assertIdentifier } from './config.ts';
import type { TableDef } from './tables.ts';

export { capabilitiesFor, parseServerVersion } from './capabilities.ts';
export type { Capabilities, ServerVersion } from './capabilities.ts';

export interface ColumnSpec {
  name: string;
  type: string;
}

export function columnsFor(t: TableDef, c: Capabilities): ColumnSpec[] {
  const out: ColumnSpec[] = [];
  for (const col of t.columns) {
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

export function createTableSql(db: string, t: TableDef, c: Capabilities, retentionDays?: number): string {
  const cols = columnsFor(t, c)
    .map((col) => `  ${col.name} ${col.type}`)
    .join(',\n');
  const lines = [
    `CREATE TABLE IF NOT EXISTS ${assertIdentifier(db)}.${t.name} (`,
    cols,
    ')',
    'ENGINE = ReplacingMergeTree(version)',
    `PARTITION BY ${t.partitionBy}`,
    `ORDER BY ${t.orderBy}`,
  ];
  if (retentionDays !== undefined && c.ttl) lines.push(`TTL ${ttlExpression(retentionDays)}`);
  lines.push('SETTINGS index_granularity = 8192');
  return lines.join('\n');
}

/**
 * The deduplicated view. Columns are listed (not `*`) from the table as it exists, so a
 * table created by an older server keeps a matching view, and init can tell from
 * system.columns when the view has fallen behind its table.
 */
export function createLatestViewSql(db: string, t: TableDef, columns: readonly string[]): string {
  for (const c of columns) assertIdentifier(c, 'column name');
  const select = t.viewSelect ? t.viewSelect(db, columns) : `SELECT ${columns.join(', ')}\nFROM ${db}.${t.name} FINAL`;
  return `CREATE VIEW IF NOT EXISTS ${assertIdentifier(db)}.${t.view} AS\n${select}`;
}

/**
 * 18.16 has no DROP VIEW at all (syntax error); DROP TABLE drops a view on every version.
 * The caller checks first that the name really is a view, as DROP VIEW would.
 */
export function dropViewSql(db: string, t: TableDef): string {
  return `DROP TABLE IF EXISTS ${assertIdentifier(db)}.${t.view}`;
}

/**
 * Existing columns in table order, from system.columns (18.16 has neither query parameters
 * nor a `position` column there; rows come in table order on every version).
 */
export function describeColumnsSql(db: string, name: string): string {
  return `SELECT name, type FROM system.columns WHERE database = '${assertIdentifier(db)}' AND table = '${assertIdentifier(name, 'table name')}'`;
}

/** `engine` ('View', 'ReplacingMergeTree', ...) and `engine_full` (holds any TTL). */
export function tableInfoSql(db: string, name: string): string {
  return `SELECT engine, engine_full FROM system.tables WHERE database = '${assertIdentifier(db)}' AND name = '${assertIdentifier(name, 'table name')}'`;
}

export interface AddColumn {
  column: string;
  sql: string;
}

/**
 * ALTERs that bring a table created before a column was `added` up to date. Each column goes
 * after its predecessor in the definition so that an upgraded table reads like a new one.
 * Plain ADD COLUMN: 18.16 rejects ADD COLUMN IF NOT EXISTS (syntax error), so the caller
 * decides from system.columns and re-checks when a concurrent init got there first.
 * Old rows read the type's default ('').
 */
export function planAddColumns(db: string, t: TableDef, c: Capabilities, existing: readonly string[]): AddColumn[] {
  // No table, nothing to upgrade (CREATE TABLE runs first and makes it whole).
  if (existing.length === 0) return [];
  const have = new Set(existing);
  const out: AddColumn[] = [];
  let prev: string | undefined;
  for (const col of t.columns) {
    const type = col.type(c);
    if (type === null) continue;
    if (col.added && !have.has(col.name)) {
      const spec = col.default ? `${type} DEFAULT ${col.default}` : type;
      const after = prev === undefined ? '' : ` AFTER ${prev}`;
      out.push({ column: col.name, sql: `ALTER TABLE ${assertIdentifier(db)}.${t.name} ADD COLUMN ${col.name} ${spec}${after}` });
      have.add(col.name);
    }
    if (have.has(col.name)) prev = col.name;
  }
  return out;
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
export function planTtl(db: string, t: TableDef, c: Capabilities, engineFull: string, retentionDays?: number): TtlAction {
  const hasTtl = /\bTTL\b/.test(engineFull);
  if (retentionDays === undefined) return hasTtl ? { kind: 'keep-existing' } : { kind: 'none' };
  if (!c.ttl) return { kind: 'unsupported' };
  const want = ttlExpression(retentionDays);
  if (engineFull.includes(`TTL ${want}`)) return { kind: 'none' };
  return { kind: 'modify', sql: `ALTER TABLE ${assertIdentifier(db)}.${t.name} MODIFY TTL ${want}` };
}
