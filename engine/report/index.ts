/**
 * Reports over ClickHouse: `buildDailyReport` / `buildWeeklyReport` return the figures and the
 * rendered Markdown and HTML; `writeReport` puts them (and the SVG charts) in a folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { LONG_QUERY_SETTINGS, type ClickHouseStoreOptions } from '../sinks/clickhouse/index.ts';
import type { DailyReport } from './daily.ts';
import type { WeeklyReport } from './weekly.ts';

export { buildDailyReport, dailySql } from './daily.ts';
export type { DailyReport, DailyOptions } from './daily.ts';
export { buildWeeklyReport, weeklySql, BASELINE_WEEKS } from './weekly.ts';
export type { WeeklyReport, WeeklySegment } from './weekly.ts';
export { trendTest, twoProportionZ, DEFAULT_TREND_OPTIONS } from './trend.ts';
export type { TrendOptions, TrendTest } from './trend.ts';
export { parseDay, yesterday } from './common.ts';
export { reportSource, type ResolvedSource } from './source.ts';
export { rawSource, rollupSource, type ReportSource } from './sql.ts';
export { buildKpis, kpiSql, upliftOf, CHURN_WINDOW_S, REPEAT_WINDOW_S } from './kpis.ts';
export type { Kpis, HandlingRow, UpliftInput, UpliftRow } from './kpis.ts';
export { DailyReportJson, WeeklyReportJson, REPORT_KINDS, REPORT_FORMATS } from './schema.ts';

/**
 * A read-only client: unlike the store, a report never creates the database or tables (a
 * mistyped --db should fail, not leave an empty database behind).
 */
export function reportClient(o: Pick<ClickHouseStoreOptions, 'url' | 'username' | 'password'>): ClickHouseClient {
  return createClient({
    url: o.url,
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    application: 'cxpulse-report',
    request_timeout: 120_000,
    clickhouse_settings: { ...LONG_QUERY_SETTINGS },
  });
}

/** Writes `<kind>-<date>.md`, `.html` and one `.svg` per chart (the Markdown links them); returns the paths. */
export async function writeReport(dir: string, r: DailyReport | WeeklyReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, `${r.kind}-${r.date}`);
  const files: [string, string][] = [[`${base}.md`, r.markdown], [`${base}.html`, r.html]];
  for (const [name, svg] of Object.entries(r.charts)) files.push([join(dir, `${name}.svg`), svg]);
  await Promise.all(files.map(([p, s]) => writeFile(p, s)));
  return files.map(([p]) => p);
}
