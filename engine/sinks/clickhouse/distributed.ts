/**
 * The read side of a sharded ClickHouse (CXPULSE_CLICKHOUSE_CLUSTER): each engine writes to the
 * shard of its CLICKHOUSE_URL and, once its own tables are made, creates `<name>_all` beside each
 * table, `_latest` view and rollup: a Distributed table over cluster <name> that reads every
 * shard's copy (what deploy/clickhouse/distributed.sql does by hand). Readers (reports, Grafana)
 * query the `_all` names on any shard. Nothing is inserted through them, so no sharding key.
 *
 * Columns follow the local table: a `_all` table whose columns differ from its source (a release
 * added a column, and ensureSchema added it here) is dropped and made again, so a new column can
 * be read across shards once every shard's engine has been upgraded. Idempotent; two engines on
 * one server at once at worst both recreate it (CREATE ... IF NOT EXISTS).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { SinkLog } from './config.ts';
import { selectRows, sqlString } from './query.ts';
import { ROLLUPS } from './rollups.ts';
import { TABLES } from './tables.ts';

export const DISTRIBUTED_SUFFIX = '_all';

/** Every table, `_latest` view and rollup the engine makes: each gets a `_all` table. */
export function distributedSources(): string[] {
  return [...TABLES.flatMap((t) => [t.name, t.view]), ...ROLLUPS.map((r) => r.name)];
}

export function createDistributedSql(db: string, cluster: string, source: string): string {
  return `CREATE TABLE IF NOT EXISTS ${db}.${source}${DISTRIBUTED_SUFFIX} AS ${db}.${source} ENGINE = Distributed(${sqlString(cluster)}, ${sqlString(db)}, ${sqlString(source)})`;
}

/** The cluster must be one this server knows (its remote_servers); else a start-up error listing those it has. */
async function checkCluster(client: ClickHouseClient, cluster: string): Promise<void> {
  const known = (await selectRows<{ cluster: string }>(client, 'SELECT DISTINCT cluster FROM system.clusters ORDER BY cluster')).map((r) => r.cluster);
  if (known.includes(cluster)) return;
  throw new Error(
    `CXPULSE_CLICKHOUSE_CLUSTER=${cluster}: this ClickHouse server has no cluster '${cluster}' in its remote_servers (${known.length === 0 ? 'it has none' : `it has ${known.join(', ')}`}); define it (deploy/clickhouse/cluster.xml) or unset the setting`,
  );
}

/** Column name -> type of one table, for comparing a `_all` table with its source. */
async function columnsOf(client: ClickHouseClient, db: string, table: string): Promise<Map<string, string>> {
  const rows = await selectRows<{ name: string; type: string }>(client, `SELECT name, type FROM system.columns WHERE database = ${sqlString(db)} AND table = ${sqlString(table)}`);
  return new Map(rows.map((r) => [r.name, r.type]));
}

function drift(source: Map<string, string>, all: Map<string, string>): string | undefined {
  const added = [...source].filter(([n, t]) => all.get(n) !== t).map(([n]) => n);
  const gone = [...all.keys()].filter((n) => !source.has(n));
  if (added.length === 0 && gone.length === 0) return undefined;
  return [added.length ? `new or changed: ${added.join(', ')}` : '', gone.length ? `gone: ${gone.join(', ')}` : ''].filter(Boolean).join('; ');
}

/** Creates (or brings in step) the `_all` table of every source over `cluster`. Run after ensureSchema. */
export async function ensureDistributed(client: ClickHouseClient, db: string, cluster: string, log: SinkLog): Promise<void> {
  await checkCluster(client, cluster);
  for (const source of distributedSources()) {
    const all = `${source}${DISTRIBUTED_SUFFIX}`;
    const had = await columnsOf(client, db, all);
    if (had.size > 0) {
      const changed = drift(await columnsOf(client, db, source), had);
      if (changed === undefined) continue;
      await client.command({ query: `DROP TABLE IF EXISTS ${db}.${all}` });
      log.info({ table: all, cluster, changed }, `clickhouse ${db}.${all} made again: the columns of ${source} changed (${changed})`);
    }
    await client.command({ query: createDistributedSql(db, cluster, source) });
  }
  log.info({ cluster, tables: distributedSources().map((s) => `${s}${DISTRIBUTED_SUFFIX}`) }, `clickhouse Distributed tables over cluster ${cluster} ready (read the *${DISTRIBUTED_SUFFIX} tables for every shard)`);
}
