/**
 * Which tables a report can read in a database: the minute rollup once an engine of this release
 * has built it, else the events themselves. A database made by an older release (or whose rollup
 * build never finished) has `scored_events` and its `_latest` view but no built rollup; the report
 * then aggregates the events, with the same figures, only slower on large tables.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { assertIdentifier } from '../sinks/clickhouse/config.ts';
import { sqlString } from '../sinks/clickhouse/query.ts';
import { MINUTE_ROLLUP, ROLLUP_BUILDS } from '../sinks/clickhouse/rollups.ts';
import { SCORED_EVENTS_LATEST_VIEW, SCORED_EVENTS_TABLE } from '../sinks/clickhouse/index.ts';
import { select } from './common.ts';
import { rawSource, rollupSource, type ReportSource } from './sql.ts';

export interface ResolvedSource {
  source: ReportSource;
  /** Set when the report falls back to the events: one sentence saying so and why, for the user. */
  fallback?: string;
}

/** Looks the tables up (system.tables, and the rollup's build marker); a report never creates any. */
export async function reportSource(client: ClickHouseClient, db: string): Promise<ResolvedSource> {
  const d = assertIdentifier(db);
  const names = new Set(
    (await select<{ name: string }>(client, `SELECT name FROM system.tables WHERE database = ${sqlString(d)} AND name IN (${[SCORED_EVENTS_TABLE, SCORED_EVENTS_LATEST_VIEW, MINUTE_ROLLUP.name, ROLLUP_BUILDS].map(sqlString).join(', ')})`)).map((r) => r.name),
  );
  if (!names.has(SCORED_EVENTS_TABLE)) throw new Error(`${d}.${SCORED_EVENTS_TABLE} does not exist: no engine has written to database ${d} on this server (check --db or CLICKHOUSE_DB; a report never creates tables)`);
  if (names.has(MINUTE_ROLLUP.name) && names.has(ROLLUP_BUILDS) && (await built(client, d))) return { source: rollupSource(d) };
  const events = names.has(SCORED_EVENTS_LATEST_VIEW) ? `${d}.${SCORED_EVENTS_LATEST_VIEW}` : `${d}.${SCORED_EVENTS_TABLE} FINAL`;
  const why = names.has(MINUTE_ROLLUP.name) ? 'its build has not finished' : 'the database was made by an older release';
  return {
    source: rawSource(events),
    fallback: `${d} has no built minute rollup (${MINUTE_ROLLUP.name}: ${why}): the report aggregates ${events} instead (same figures, slower on large tables). An engine of this release started on ${d} builds the rollups.`,
  };
}

async function built(client: ClickHouseClient, db: string): Promise<boolean> {
  const [row] = await select<{ n: string | number }>(client, `SELECT count() AS n FROM ${db}.${ROLLUP_BUILDS} WHERE rollup = ${sqlString(MINUTE_ROLLUP.name)} AND build = ${sqlString(MINUTE_ROLLUP.build)}`);
  return Number(row?.n ?? 0) > 0;
}
