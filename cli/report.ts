import { clickHouseOptionsFromEnv } from '../engine/sinks/clickhouse/index.ts';
import { buildDailyReport, buildWeeklyReport, parseDay, reportClient, reportSource, writeReport, yesterday } from '../engine/report/index.ts';

export interface ReportCliOptions {
  date?: string;
  out?: string;
  db?: string;
}

/**
 * `cxpulse report daily|weekly [--date YYYY-MM-DD] [--out DIR] [--db NAME]`: reads ClickHouse
 * (CLICKHOUSE_URL, CLICKHOUSE_DB, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD) and writes Markdown,
 * HTML and SVG charts to DIR (default `reports`). The date defaults to yesterday (UTC), the
 * last complete day; for weekly it is the last day of the week. A database without the rollups
 * (an older release made it) is read from the events, and stderr says so once. With
 * CXPULSE_CLICKHOUSE_CLUSTER set it reads the `<table>_all` Distributed tables (every shard).
 */
export async function runReport(kind: string, o: ReportCliOptions): Promise<void> {
  if (kind !== 'daily' && kind !== 'weekly') throw new Error(`report must be daily or weekly, got "${kind}"`);
  const date = o.date ?? yesterday();
  parseDay(date); // a bad date fails before connecting
  const ch = clickHouseOptionsFromEnv();
  const db = o.db ?? ch.database;
  const client = reportClient(ch);
  try {
    // With CXPULSE_CLICKHOUSE_CLUSTER (as on the engines), the `_all` tables: every shard's rows.
    const { source, fallback } = await reportSource(client, db, { distributed: ch.cluster !== undefined });
    if (fallback) process.stderr.write(`cxpulse report: ${fallback}\n`);
    const report = kind === 'daily' ? await buildDailyReport(client, db, date, {}, source) : await buildWeeklyReport(client, db, date, undefined, source);
    const files = await writeReport(o.out ?? 'reports', report);
    process.stdout.write(files.map((f) => `${f}\n`).join(''));
  } finally {
    await client.close();
  }
}
