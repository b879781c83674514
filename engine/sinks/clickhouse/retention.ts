/**
 * CLICKHOUSE_RETENTION_DAYS on servers without TTL (before 19.6, e.g. Debian's 18.16): every table
 * of the database with a `received_at` column loses its rows older than the retention through a
 * mutation (`ALTER TABLE ... DELETE`, which 18.16 has), keyed on when the engine received the event
 * (a client's `ts` may be any year); the rollups (no receive time) lose their buckets older than
 * the retention. Run at start and then every `everyMs`.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { selectRows, sqlString, tablesWithColumn } from './query.ts';
import { ROLLUPS, rollupRetentionDeleteSql } from './rollups.ts';
import type { SinkLog } from './config.ts';

/** How often the sweep runs when nothing else is said. */
export const RETENTION_SWEEP_MS = 60 * 60 * 1000;

export function retentionDeleteSql(db: string, table: string, days: number): string {
  if (!Number.isInteger(days) || days < 1) throw new Error(`bad retention ${days}`);
  return `ALTER TABLE ${db}.${table} DELETE WHERE received_at < now() - toIntervalDay(${days})`;
}

/** One sweep: a delete mutation on each table that holds rows past the retention; returns the tables it asked to clean. */
export async function sweepRetention(client: ClickHouseClient, db: string, days: number): Promise<string[]> {
  const swept: string[] = [];
  for (const table of await tablesWithColumn(client, db, 'received_at')) {
    const [old] = await selectRows<{ n: string | number }>(client, `SELECT count() AS n FROM ${db}.${table} WHERE received_at < now() - toIntervalDay(${days})`);
    if (Number(old?.n ?? 0) === 0) continue;
    await client.command({ query: retentionDeleteSql(db, table, days) });
    swept.push(table);
  }
  // The rollups have no receive time: their buckets (event time) older than the retention go.
  for (const r of ROLLUPS) {
    const [old] = await selectRows<{ n: string | number }>(client, `SELECT count() AS n FROM system.tables WHERE database = ${sqlString(db)} AND name = ${sqlString(r.name)}`);
    if (Number(old?.n ?? 0) === 0) continue;
    const [rows] = await selectRows<{ n: string | number }>(client, `SELECT count() AS n FROM ${db}.${r.name} WHERE toDateTime(${r.timeColumn}) < now() - toIntervalDay(${days})`);
    if (Number(rows?.n ?? 0) === 0) continue;
    await client.command({ query: rollupRetentionDeleteSql(db, r, days) });
    swept.push(r.name);
  }
  return swept;
}

/** Sweeps now and every `everyMs` (the timer does not hold the process open); returns the stop function. */
export function startRetentionSweeps(o: { client: ClickHouseClient; db: string; days: number; everyMs?: number; log: SinkLog }): () => void {
  const run = (): void => {
    sweepRetention(o.client, o.db, o.days).then(
      (tables) => { if (tables.length > 0) o.log.info({ tables, retentionDays: o.days }, 'clickhouse retention: rows past CLICKHOUSE_RETENTION_DAYS asked to be deleted'); },
      (err: unknown) => o.log.warn({ err }, 'clickhouse retention sweep failed; it runs again at the next interval'),
    );
  };
  run();
  const timer = setInterval(run, o.everyMs ?? RETENTION_SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
