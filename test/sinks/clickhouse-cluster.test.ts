/**
 * CXPULSE_CLICKHOUSE_CLUSTER on the real ClickHouse (CI: 18.16), with the clusters its default
 * configuration defines: `test_shard_localhost` (one shard: this server) and
 * `test_cluster_two_shards_localhost` (two shards that are both this server, so a Distributed
 * table reads every row twice: proof that a reader went through it). A database of the test's own.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createClickHouseStore, DISTRIBUTED_SUFFIX, distributedSources } from '../../engine/sinks/clickhouse/index.ts';
import { ConfigError, loadConfig } from '../../engine/config/index.ts';
import { buildDailyReport, reportSource } from '../../engine/report/index.ts';
import { runReport } from '../../cli/report.ts';
import { CH_URL, useTempStore } from '../helpers/clickhouse.ts';
import { scoredEvent } from './fixtures.ts';
import { REPORT_DATE, reportEvents } from '../report/fixtures.ts';

const ONE_SHARD = 'test_shard_localhost';
const TWO_SHARDS = 'test_cluster_two_shards_localhost';
const DB = `cxpulse_cluster_${Date.now()}_${process.pid}`;
const store = useTempStore(DB, { cluster: ONE_SHARD });

async function rows<T>(query: string): Promise<T[]> {
  return (await (await store().client.query({ query, format: 'JSONEachRow' })).json()) as T[];
}
const count = async (query: string) => Number((await rows<{ n: string | number }>(query))[0]?.n);
/** Columns as `name type`, sorted: a Distributed table may list them in another order. */
const columns = async (table: string) => (await rows<{ name: string; type: string }>(`SELECT name, type FROM system.columns WHERE database = '${DB}' AND table = '${table}'`)).map((c) => `${c.name} ${c.type}`).sort();
const engineOf = async (table: string) => (await rows<{ engine: string }>(`SELECT engine FROM system.tables WHERE database = '${DB}' AND name = '${table}'`))[0]?.engine;

describe('CXPULSE_CLICKHOUSE_CLUSTER', () => {
  it('is checked at start: a name, not SQL', () => {
    expect(loadConfig({ CXPULSE_CLICKHOUSE_CLUSTER: 'cxpulse' }).CXPULSE_CLICKHOUSE_CLUSTER).toBe('cxpulse');
    expect(() => loadConfig({ CXPULSE_CLICKHOUSE_CLUSTER: "x', 'y" })).toThrow(ConfigError);
    expect(() => loadConfig({ CXPULSE_CLICKHOUSE_CLUSTER: 'a b' })).toThrow(/CXPULSE_CLICKHOUSE_CLUSTER="a b"/);
  });

  it('makes a Distributed <name>_all beside every table, view and rollup, with its columns, reading the shard', async () => {
    const { name: cluster } = (await rows<{ name: string }>(`SELECT DISTINCT cluster AS name FROM system.clusters WHERE cluster = '${ONE_SHARD}'`))[0] ?? {};
    expect(cluster, `ClickHouse's default configuration defines ${ONE_SHARD}`).toBe(ONE_SHARD);
    const sources = distributedSources();
    expect(sources).toEqual(expect.arrayContaining(['scored_events', 'scored_events_latest', 'business_events', 'alerts', 'actions', 'actions_latest', 'scored_events_by_minute']));
    for (const s of sources) {
      expect(await engineOf(`${s}${DISTRIBUTED_SUFFIX}`), s).toBe('Distributed');
      expect(await columns(`${s}${DISTRIBUTED_SUFFIX}`), s).toEqual(await columns(s));
    }
    const a = scoredEvent(1, { id: 'cl-a' });
    await store().write([a]);
    // a again, as the pipeline hands over a JetStream redelivery: FINAL and the views count it once.
    await store().write([Object.assign({ ...a }, { redelivered: true }), scoredEvent(2, { id: 'cl-b' })]);
    expect(await count(`SELECT count() AS n FROM ${DB}.scored_events_all FINAL`)).toBe(2);
    expect(await count(`SELECT count() AS n FROM ${DB}.scored_events_latest_all`)).toBe(2);
    expect(await count(`SELECT sum(messages) AS n FROM ${DB}.scored_events_by_minute_all`)).toBe(2);
  });

  it('is idempotent, and makes a _all table again when its columns lag behind the table (an upgrade added some)', async () => {
    // What an earlier release (or the hand-run SQL before an upgrade) left: a _all with fewer columns.
    await store().client.command({ query: `DROP TABLE ${DB}.scored_events_all` });
    await store().client.command({ query: `CREATE TABLE ${DB}.scored_events_all (event_id String, channel String) ENGINE = Distributed('${ONE_SHARD}', '${DB}', 'scored_events')` });
    const before = await rows<{ name: string; t: string }>(`SELECT name, toString(metadata_modification_time) AS t FROM system.tables WHERE database = '${DB}' AND name = 'alerts_all'`);
    const info = vi.fn();
    const again = await createClickHouseStore({ url: CH_URL, database: DB, cluster: ONE_SHARD, log: { info, warn: () => undefined } });
    try {
      await again.init();
      await again.init();
    } finally {
      await again.close();
    }
    expect(await columns('scored_events_all')).toEqual(await columns('scored_events'));
    const remade = info.mock.calls.map((c) => String(c[1])).filter((m) => m.includes('made again'));
    expect(remade).toHaveLength(1); // once: the second start finds it in step
    expect(remade[0]).toMatch(new RegExp(`^clickhouse ${DB}\\.scored_events_all made again: the columns of scored_events changed \\(new or changed: .*\\bts\\b`));
    // The others were left alone.
    expect(await rows(`SELECT name, toString(metadata_modification_time) AS t FROM system.tables WHERE database = '${DB}' AND name = 'alerts_all'`)).toEqual(before);
  });

  it('refuses at start a cluster this server does not know, naming the ones it has', async () => {
    const bad = await createClickHouseStore({ url: CH_URL, database: DB, cluster: 'no_such_cluster' });
    try {
      await expect(bad.init()).rejects.toThrow(new RegExp(`^CXPULSE_CLICKHOUSE_CLUSTER=no_such_cluster: this ClickHouse server has no cluster 'no_such_cluster' in its remote_servers \\(it has .*${TWO_SHARDS}`));
    } finally {
      await bad.close();
    }
  });
});

describe('cxpulse report with CXPULSE_CLICKHOUSE_CLUSTER', () => {
  const DB2 = `${DB}_two`;
  const two = useTempStore(DB2, { cluster: TWO_SHARDS });

  it('reads the _all tables: every shard (here the same server twice, so twice the messages)', async () => {
    await two().write(reportEvents());
    const local = await buildDailyReport(two().client, DB2, REPORT_DATE);
    const { source } = await reportSource(two().client, DB2, { distributed: true });
    expect(source.minutes).toBe(`${DB2}.scored_events_by_minute_all`);
    const all = await buildDailyReport(two().client, DB2, REPORT_DATE, {}, source);
    expect(local.totals.messages).toBeGreaterThan(0);
    expect(all.totals.messages).toBe(2 * local.totals.messages);

    const dir = await mkdtemp(join(tmpdir(), 'cxpulse-report-cluster-'));
    const saved = { url: process.env.CLICKHOUSE_URL, cluster: process.env.CXPULSE_CLICKHOUSE_CLUSTER };
    process.env.CLICKHOUSE_URL = CH_URL;
    process.env.CXPULSE_CLICKHOUSE_CLUSTER = TWO_SHARDS;
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await runReport('daily', { date: REPORT_DATE, out: dir, db: DB2 });
      expect(await readFile(join(dir, `daily-${REPORT_DATE}.md`), 'utf8')).toBe(all.markdown);
    } finally {
      vi.restoreAllMocks();
      for (const [k, v] of [['CLICKHOUSE_URL', saved.url], ['CXPULSE_CLICKHOUSE_CLUSTER', saved.cluster]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says how to get the _all tables when they are missing', async () => {
    await two().client.command({ query: `DROP TABLE ${DB2}.scored_events_latest_all` });
    await expect(reportSource(two().client, DB2, { distributed: true })).rejects.toThrow(
      `${DB2}.scored_events_latest_all does not exist: CXPULSE_CLICKHOUSE_CLUSTER is set, and the Distributed tables over the shards are made by an engine started with it on this server (or by deploy/clickhouse/distributed.sql); unset it to read this server's tables only`,
    );
  });
});
