/**
 * Which tables a report can read in a database: the minute rollup once an engine of this release
 * has built it, else the events themselves. A database made by an older release (or whose rollup
 * build never finished) has `scored_events` and its `_latest` view but no built rollup; the report
 * then aggregates the events, with the same figures, only slower on large tables.
 * With `distributed` (CXPULSE_CLICKHOUSE_CLUSTER set), the same choice over the `_all` tables the
 * engines make (every shard), which must then exist on the server read.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { assertIdentifier } from '../sinks/clickhouse/config.ts';
import { sqlString } from '../sinks/clickhouse/query.ts';
import { MINUTE_ROLLUP, ROLLUP_BUILDS } from '../sinks/clickhouse/rollups.ts';
import { DISTRIBUTED_SUFFIX, SCORED_EVENTS_LATEST_VIEW, SCORED_EVENTS_TABLE } from '../sinks/clickhouse/index.ts';
import { select } from './common.ts';
import { rawSource, rollupSource, type ReportSource } from './sql.ts';

export interface ResolvedSource {
  source: ReportSource;
  /** Set when the report falls back to the events: one sentence saying so and why, for the user. */
  fallback?: string;
}

export interface SourceOptions {
  /** Read the `_all` Distributed tables over every shard (CXPULSE_CLICKHOUSE_CLUSTER). */
  distributed?: boolean;
}

/** Looks the tables up (system.tables, and the rollup's build marker); a report never creates any. */
export async function reportSource(client: ClickHouseClient, db: string, o: SourceOptions = {}): Promise<ResolvedSource> {
  const d = assertIdentifier(db);
  const sfx = o.distributed ? DISTRIBUTED_SUFFIX : '';
  const [events, latest, minutes] = [SCORED_EVENTS_TABLE, SCORED_EVENTS_LATEST_VIEW, MINUTE_ROLLUP.name].map((n) => `${n}${sfx}`) as [string, string, string];
  const names = new Set(
    (await select<{ name: string }>(client, `SELECT name FROM system.tables WHERE database = ${sqlString(d)} AND name IN (${[events, latest, minutes, ROLLUP_BUILDS].map(sqlString).join(', ')})`)).map((r) => r.name),
  );
  if (o.distributed && !names.has(latest)) {
    throw new Error(`${d}.${latest} does not exist: CXPULSE_CLICKHOUSE_CLUSTER is set, and the Distributed tables over the shards are made by an engine started with it on this server (or by deploy/clickhouse/distributed.sql); unset it to read this server's tables only`);
  }
  if (!names.has(events)) throw new Error(`${d}.${events} does not exist: no engine has written to database ${d} on this server (check --db or CLICKHOUSE_DB; a report never creates tables)`);
  // The rollup's build marker is this server's: with Distributed tables every shard's engine builds its own the same way.
  if (names.has(minutes) && names.has(ROLLUP_BUILDS) && (await built(client, d))) return { source: rollupSource(d, sfx) };
  const from = names.has(latest) ? `${d}.${latest}` : `${d}.${events} FINAL`;
  const why = names.has(minutes) ? 'its build has not finished' : 'the database was made by an older release';
  return {
    source: rawSource(rollupSource(d, sfx), from),
    fallback: `${d} has no built minute rollup (${minutes}: ${why}): the report aggregates ${from} instead (same figures, slower on large tables). An engine of this release started on ${d} builds the rollups.`,
  };
}

async function built(client: ClickHouseClient, db: string): Promise<boolean> {
  const [row] = await select<{ n: string | number }>(client, `SELECT count() AS n FROM ${db}.${ROLLUP_BUILDS} WHERE rollup = ${sqlString(MINUTE_ROLLUP.name)} AND build = ${sqlString(MINUTE_ROLLUP.build)}`);
  return Number(row?.n ?? 0) > 0;
}
