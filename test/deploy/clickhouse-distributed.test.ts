/**
 * deploy/clickhouse/distributed.sql (README, "Running N instances") on the real ClickHouse (CI:
 * 18.16): over tables the engine made and wrote, its Distributed tables read every shard, and
 * FINAL folds a redelivered event's copies on each shard. The shards are those of the cluster
 * `test_cluster_two_shards_localhost` that ClickHouse's default configuration defines: two shards
 * that are both this server, so each row is read twice.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../helpers/clickhouse.ts';
import { TABLES } from '../../engine/sinks/clickhouse/tables.ts';
import { distributedSources } from '../../engine/sinks/clickhouse/index.ts';
import { scoredEvent } from '../sinks/fixtures.ts';

const DB = `cxpulse_distributed_${Date.now()}_${process.pid}`;
const store = useTempStore(DB);
const CLUSTER = 'test_cluster_two_shards_localhost';
const SQL = readFileSync(resolve(import.meta.dirname, '..', '..', 'deploy', 'clickhouse', 'distributed.sql'), 'utf8');

/** The file's statements for this test's database and cluster (comments dropped). */
function statements(): string[] {
  return SQL.replace(/--.*$/gm, '')
    .replace(/\bcxpulse\.(\w+)/g, `${DB}.$1`)
    .replace(/Distributed\(cxpulse, cxpulse, /g, `Distributed(${CLUSTER}, ${DB}, `)
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}
async function count(query: string): Promise<number> {
  const res = await store().client.query({ query, format: 'JSONEachRow' });
  return Number((await res.json<{ n: string | number }>())[0]?.n);
}


describe('deploy/clickhouse/distributed.sql', () => {
  it('makes a Distributed table over each table the engine makes, reading every shard, FINAL per shard', async () => {
    const shards = await count(`SELECT count() AS n FROM system.clusters WHERE cluster = '${CLUSTER}'`);
    expect(shards, `ClickHouse's default configuration defines ${CLUSTER}`).toBe(2);
    // The same event written twice, as after a redelivery, and another one.
    const a = scoredEvent(1, { id: 'dist-a' });
    await store().write([a]);
    await store().write([a, scoredEvent(2, { id: 'dist-b' })]);
    const made = statements();
    expect(made).toHaveLength(distributedSources().length);
    for (const q of made) await store().client.command({ query: q });
    expect(await count(`SELECT count() AS n FROM ${DB}.scored_events FINAL`)).toBe(2);
    expect(await count(`SELECT count() AS n FROM ${DB}.scored_events_all`)).toBe(3 * shards);
    expect(await count(`SELECT count() AS n FROM ${DB}.scored_events_all FINAL`)).toBe(2 * shards);
    for (const t of TABLES) expect(await count(`SELECT count() AS n FROM system.tables WHERE database = '${DB}' AND name = '${t.name}_all' AND engine = 'Distributed'`), t.name).toBe(1);
    // Same columns as the table it reads.
    const cols = async (t: string) => (await (await store().client.query({ query: `SELECT name, type FROM system.columns WHERE database = '${DB}' AND table = '${t}'`, format: 'JSONEachRow' })).json()) as unknown[];
    expect(await cols('scored_events_all')).toEqual(await cols('scored_events'));
  });
});
