/**
 * Upgrading a database left by an earlier release, against a real ClickHouse (CI: 18.16).
 * The "old" schema is the current definition minus the columns marked `added`, which is
 * exactly what the earlier release created. Each run uses its own databases and drops them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import type { ClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import { capabilitiesFor, parseServerVersion } from '../../engine/sinks/clickhouse/capabilities.ts';
import { toRow } from '../../engine/sinks/clickhouse/row.ts';
import { columnsFor, createLatestViewSql, createTableSql } from '../../engine/sinks/clickhouse/schema.ts';
import { LEGACY_TS_PARTITION, SCORED_EVENTS } from '../../engine/sinks/clickhouse/tables.ts';
import type { TableDef } from '../../engine/sinks/clickhouse/tables.ts';
import { memoryLog, scoredEvent } from './fixtures.ts';

const CH_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DB = `cxpulse_upgrade_${Date.now()}_${process.pid}`;
const BAD_DB = `${DB}_bad`;
// Earlier releases also partitioned by the client's ts, unclamped.
const OLD_SCORED: TableDef = { ...SCORED_EVENTS, partitionBy: LEGACY_TS_PARTITION, columns: SCORED_EVENTS.columns.filter((c) => !c.added) };

let admin: ClickHouseStore;

async function rows<T>(query: string): Promise<T[]> {
  const res = await admin.client.query({ query, format: 'JSONEachRow' });
  return res.json<T>();
}
async function columnNames(db: string, table: string): Promise<string[]> {
  const got = await rows<{ name: string }>(`SELECT name FROM system.columns WHERE database = '${db}' AND table = '${table}'`);
  return got.map((r) => r.name);
}
async function withStore<T>(db: string, log: ReturnType<typeof memoryLog>, fn: (s: ClickHouseStore) => Promise<T>): Promise<T> {
  const s = await createClickHouseStore({ url: CH_URL, database: db, log });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

beforeAll(async () => {
  // Only its client is used (no init): it issues the setup and the checks.
  admin = await createClickHouseStore({ url: CH_URL, database: DB });
});

afterAll(async () => {
  for (const db of [DB, BAD_DB]) await admin?.client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  await admin?.close();
});

describe('upgrading a database from before scored_events.meta', () => {
  it('adds meta after text, rebuilds the view with it, keeps old rows', async () => {
    const caps = capabilitiesFor(parseServerVersion(admin.serverVersion));
    const oldColumns = columnsFor(OLD_SCORED, caps).map((c) => c.name);
    await admin.client.command({ query: `CREATE DATABASE ${DB}` });
    await admin.client.command({ query: createTableSql(DB, OLD_SCORED, caps) });
    await admin.client.command({ query: createLatestViewSql(DB, OLD_SCORED, oldColumns) });
    const oldShape = { types: new Map(columnsFor(OLD_SCORED, caps).map((c) => [c.name, c.type])) };
    const oldRow = toRow(scoredEvent(1, { id: 'old-1' }), oldShape, Date.now());
    await admin.client.insert({ table: `${DB}.scored_events`, values: [oldRow], format: 'JSONEachRow' });
    expect(await columnNames(DB, 'scored_events_latest')).not.toContain('meta');

    const log = memoryLog();
    await withStore(DB, log, async (s) => {
      await s.init();
      await s.write([scoredEvent(2, { id: 'new-2', meta: { transfers: 3 } })]);
    });

    const want = columnsFor(SCORED_EVENTS, caps).map((c) => c.name);
    expect(await columnNames(DB, 'scored_events')).toEqual(want); // same order as a fresh table
    expect(await columnNames(DB, 'scored_events_latest')).toEqual(want);
    expect(log.lines.some((l) => l.msg === 'clickhouse column added')).toBe(true);
    expect(log.lines.some((l) => l.msg === 'clickhouse view rebuilt to match its table')).toBe(true);
    // The old partition key stays (it cannot change in place); the engine says so and writes on.
    expect(log.lines.some((l) => l.level === 'warn' && l.msg.includes('partitioned by the client\'s ts'))).toBe(true);
    const got = await rows<{ event_id: string; meta: string }>(
      `SELECT event_id, meta FROM ${DB}.scored_events_latest ORDER BY event_id`,
    );
    expect(got).toEqual([
      { event_id: 'new-2', meta: '{"transfers":3}' },
      { event_id: 'old-1', meta: '' },
    ]);
  });

  it('is a no-op on the next start', async () => {
    const log = memoryLog();
    await withStore(DB, log, (s) => s.init());
    expect(log.lines.map((l) => l.msg)).not.toContain('clickhouse column added');
    expect(log.lines.map((l) => l.msg)).not.toContain('clickhouse view rebuilt to match its table');
  });

  it('heals a view left behind by a crash between the ALTER and the rebuild', async () => {
    const stale = (await columnNames(DB, 'scored_events')).filter((c) => c !== 'meta');
    await admin.client.command({ query: `DROP TABLE ${DB}.scored_events_latest` });
    await admin.client.command({ query: createLatestViewSql(DB, SCORED_EVENTS, stale) });
    await withStore(DB, memoryLog(), (s) => s.init());
    expect(await columnNames(DB, 'scored_events_latest')).toContain('meta');
  });

  it('two engines upgrading at once both succeed', async () => {
    const db = `${DB}_race`;
    const caps = capabilitiesFor(parseServerVersion(admin.serverVersion));
    try {
      await admin.client.command({ query: `CREATE DATABASE ${db}` });
      await admin.client.command({ query: createTableSql(db, OLD_SCORED, caps) });
      const a = await createClickHouseStore({ url: CH_URL, database: db });
      const b = await createClickHouseStore({ url: CH_URL, database: db });
      try {
        await Promise.all([a.init(), b.init()]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
      expect(await columnNames(db, 'scored_events_latest')).toContain('meta');
    } finally {
      await admin.client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
    }
  });

  it('refuses to drop a real table that holds the view name', async () => {
    await admin.client.command({ query: `CREATE DATABASE ${BAD_DB}` });
    await admin.client.command({ query: `CREATE TABLE ${BAD_DB}.scored_events_latest (x String) ENGINE = Memory` });
    await withStore(BAD_DB, memoryLog(), async (s) => {
      await expect(s.init()).rejects.toThrow(/scored_events_latest is a Memory table, not a view/);
    });
    expect(await columnNames(BAD_DB, 'scored_events_latest')).toEqual(['x']);
  });
});
