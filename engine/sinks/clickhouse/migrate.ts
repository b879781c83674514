/**
 * Brings the database to the shape tables.ts describes: creates what is missing, adds
 * columns that older releases did not have, keeps each `*_latest` view in step with its
 * table, and reconciles retention. Idempotent, and safe when two engines start at once.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Capabilities } from './capabilities.ts';
import type { SinkLog } from './config.ts';
import { selectRows } from './query.ts';
import { ensureRollups } from './rollups.ts';
import type { TableShape } from './row.ts';
import {
  createDatabaseSql,
  createLatestViewSql,
  createTableSql,
  describeColumnsSql,
  dropViewSql,
  planAddColumns,
  planTtl,
  tableInfoSql,
} from './schema.ts';
import { LEGACY_TS_PARTITION, TABLES } from './tables.ts';
import type { TableDef } from './tables.ts';

export interface SchemaContext {
  client: ClickHouseClient;
  db: string;
  caps: Capabilities;
  retentionDays: number | undefined;
  serverVersion: string;
  log: SinkLog;
}

/** Runs the DDL and returns each table's columns as they now are, by table name. */
export async function ensureSchema(ctx: SchemaContext): Promise<Map<string, TableShape>> {
  await ctx.client.command({ query: createDatabaseSql(ctx.db) });
  if (ctx.retentionDays !== undefined && !ctx.caps.ttl) {
    ctx.log.info(
      { retentionDays: ctx.retentionDays, serverVersion: ctx.serverVersion },
      'this ClickHouse has no TTL (19.6+): CLICKHOUSE_RETENTION_DAYS is kept by an hourly ALTER TABLE ... DELETE on received_at instead',
    );
  }
  const shapes = new Map<string, TableShape>();
  for (const t of TABLES) shapes.set(t.name, await ensureTable(ctx, t));
  // After the tables: the rollups' views read scored_events' current columns.
  await ensureRollups(ctx.client, ctx.db, ctx.caps, ctx.retentionDays, ctx.log);
  return shapes;
}

/** Columns of a table or view in table order; empty when it does not exist. */
export async function loadShape(client: ClickHouseClient, db: string, name: string): Promise<TableShape> {
  const cols = await selectRows<{ name: string; type: string }>(client, describeColumnsSql(db, name));
  return { types: new Map(cols.map((c) => [c.name, c.type])) };
}

async function ensureTable(ctx: SchemaContext, t: TableDef): Promise<TableShape> {
  const { client, db, caps, log } = ctx;
  await client.command({ query: createTableSql(db, t, caps, ctx.retentionDays) });
  let shape = await loadShape(client, db, t.name);
  const adds = planAddColumns(db, t, caps, [...shape.types.keys()]);
  for (const add of adds) {
    try {
      await client.command({ query: add.sql });
      log.info({ table: t.name, column: add.column, sql: add.sql }, 'clickhouse column added');
    } catch (err) {
      // Another engine starting at the same time may have added it first: only an error
      // if the column is still missing (18.16 answers code 44 for that and for other faults).
      const now = await loadShape(client, db, t.name);
      if (!now.types.has(add.column)) throw err;
    }
  }
  if (adds.length > 0) shape = await loadShape(client, db, t.name);
  await ensureView(ctx, t, [...shape.types.keys()]);
  await applyRetention(ctx, t);
  return shape;
}

/**
 * The view lists the table's columns, so it falls behind when a column is added; and a
 * crash between the ALTER and the view's rebuild must heal on the next start. Hence compare
 * rather than remember, and rebuild (drop + create) whenever the lists differ.
 */
async function ensureView(ctx: SchemaContext, t: TableDef, columns: readonly string[]): Promise<void> {
  // Engines starting together rebuild the view concurrently, and 18.16 can then fail one
  // DROP ... IF EXISTS or CREATE ... IF NOT EXISTS (code 60/57) mid-race. Every racer
  // builds the same view, so look again and retry rather than fail the start.
  for (let attempt = 1; ; attempt++) {
    try {
      await syncView(ctx, t, columns);
      return;
    } catch (err) {
      if (err instanceof NotAViewError || attempt >= 3) throw err;
    }
  }
}

async function syncView(ctx: SchemaContext, t: TableDef, columns: readonly string[]): Promise<void> {
  const { client, db, log } = ctx;
  const have = [...(await loadShape(client, db, t.view)).types.keys()];
  if (have.length > 0 && have.join(',') === columns.join(',')) return;
  if (have.length > 0) {
    const [info] = await selectRows<{ engine: string }>(client, tableInfoSql(db, t.view));
    // DROP TABLE would drop a real table of that name too; never lose data over a view.
    if (info !== undefined && info.engine !== 'View') {
      throw new NotAViewError(`${db}.${t.view} is a ${info.engine} table, not a view; rename or drop it so cxpulse can create its view`);
    }
    await client.command({ query: dropViewSql(db, t) });
    log.info({ view: t.view, from: have, to: columns }, 'clickhouse view rebuilt to match its table');
  }
  await client.command({ query: createLatestViewSql(db, t, columns) });
}

class NotAViewError extends Error {}

async function applyRetention(ctx: SchemaContext, t: TableDef): Promise<void> {
  const { client, db, caps, log, retentionDays } = ctx;
  const [info] = await selectRows<{ engine_full: string }>(client, tableInfoSql(db, t.name));
  const engineFull = info?.engine_full ?? '';
  if (engineFull.includes(`PARTITION BY ${LEGACY_TS_PARTITION} `) && t.partitionBy !== LEGACY_TS_PARTITION) {
    // The partition key of a table cannot be changed in place; the table keeps working as it is.
    log.warn(
      { table: t.name, partitionBy: LEGACY_TS_PARTITION, wanted: t.partitionBy },
      `${db}.${t.name} was made by an older release and is partitioned by the client's ts, so events with a far-off ts each make a partition; see the README ("ClickHouse") to move it to the clamped partition key`,
    );
  }
  const plan = planTtl(db, t, caps, engineFull, retentionDays);
  if (plan.kind === 'modify') {
    await client.command({ query: plan.sql });
    log.info({ table: t.name, retentionDays, sql: plan.sql }, 'clickhouse retention applied');
  } else if (plan.kind === 'keep-existing') {
    log.info({ table: t.name, engineFull }, 'table has a TTL and no retention is configured; leaving it');
  }
  // 'unsupported' was reported once by ensureSchema.
}
