/**
 * Weekly trend warnings. The week reported on is the 7 UTC days ending with `date` (inclusive);
 * its baseline is the 4 weeks before. For each channel and each language, the week's negative
 * share is tested against the baseline's (trend.ts states the test and its thresholds).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { formatDay, htmlPage, htmlTable, mdTable, num, parseDay, pct, select } from './common.ts';
import { dailySeriesSql, DAY_S, DIMENSIONS, WEEK_S, weeklySegmentsSql, type ReportSource } from './sql.ts';
import { reportSource } from './source.ts';
import type { Dimension } from './sql.ts';
import { barChart, escapeXml, sparkline } from './svg.ts';
import { DEFAULT_TREND_OPTIONS, trendTest } from './trend.ts';
import { buildKpis, KPI_METHOD, kpiHtml, kpiMarkdown, kpiSql, type Kpis } from './kpis.ts';
import type { TrendOptions } from './trend.ts';

/** The week reported on plus this many baseline weeks. */
export const BASELINE_WEEKS = 4;

export interface WeeklySegment {
  dimension: Dimension;
  segment: string;
  messages: number;
  negatives: number;
  baselineMessages: number;
  baselineNegatives: number;
  share: number;
  baselineShare: number;
  z: number | null;
  warn: boolean;
  reason: string;
  /** Negative share per week, oldest first (the baseline weeks, then this week); null: no messages. */
  weeklyShare: (number | null)[];
}

export interface WeeklyReport {
  kind: 'weekly';
  /** Last day of the week reported on. */
  date: string;
  from: string;
  baselineFrom: string;
  options: TrendOptions;
  segments: WeeklySegment[];
  warnings: WeeklySegment[];
  daily: { day: string; messages: number; negatives: number }[];
  /** First-contact resolution, escalations, handling time, next best actions and their uplift, for the week. */
  kpis: Kpis;
  charts: Record<string, string>;
  markdown: string;
  html: string;
}

function endOf(date: string): number {
  return parseDay(date) + DAY_S;
}

/** The SQL the weekly report sends for `date`, in order (tests run each one). */
export function weeklySql(db: string, date: string, source?: ReportSource): string[] {
  const to = endOf(date);
  return [...DIMENSIONS.map((d) => weeklySegmentsSql(db, d, to, BASELINE_WEEKS + 1, source)), dailySeriesSql(db, to, 7, source), ...kpiSql(db, to - WEEK_S, to, source)];
}

/** `source`: the tables to read, as reportSource found them; default: looked up now. */
export async function buildWeeklyReport(client: ClickHouseClient, db: string, date: string, options: TrendOptions = DEFAULT_TREND_OPTIONS, source?: ReportSource): Promise<WeeklyReport> {
  const to = endOf(date);
  const src = source ?? (await reportSource(client, db)).source;
  const sqls = weeklySql(db, date, src);
  const dailySqlText = sqls[DIMENSIONS.length] as string;
  const perDim = await Promise.all(
    DIMENSIONS.map((d, i) => select<{ segment: string; week: unknown; messages: unknown; negatives: unknown }>(client, sqls[i] as string).then((rows) => ({ d, rows }))),
  );
  const dailyRows = await select<{ day: unknown; messages: unknown; negatives: unknown }>(client, dailySqlText);
  const kpis = await buildKpis(client, db, to - WEEK_S, to, src);

  const segments: WeeklySegment[] = [];
  for (const { d, rows } of perDim) {
    const bySeg = new Map<string, { m: number[]; x: number[] }>();
    for (const r of rows) {
      const w = num(r.week);
      if (w < 0 || w > BASELINE_WEEKS) continue;
      const s = bySeg.get(r.segment) ?? { m: new Array<number>(BASELINE_WEEKS + 1).fill(0), x: new Array<number>(BASELINE_WEEKS + 1).fill(0) };
      s.m[w] = num(r.messages);
      s.x[w] = num(r.negatives);
      bySeg.set(r.segment, s);
    }
    for (const [segment, { m, x }] of bySeg) {
      const n1 = m[BASELINE_WEEKS] ?? 0;
      const x1 = x[BASELINE_WEEKS] ?? 0;
      const n0 = m.slice(0, BASELINE_WEEKS).reduce((a, b) => a + b, 0);
      const x0 = x.slice(0, BASELINE_WEEKS).reduce((a, b) => a + b, 0);
      const t = trendTest(x1, n1, x0, n0, options);
      segments.push({
        dimension: d, segment, messages: n1, negatives: x1, baselineMessages: n0, baselineNegatives: x0,
        share: t.share, baselineShare: t.baselineShare, z: t.z, warn: t.warn, reason: t.reason,
        weeklyShare: m.map((n, i) => (n > 0 ? (x[i] ?? 0) / n : null)),
      });
    }
  }
  segments.sort((a, b) => Number(b.warn) - Number(a.warn) || (b.z ?? -Infinity) - (a.z ?? -Infinity) || a.segment.localeCompare(b.segment));
  const warnings = segments.filter((s) => s.warn);

  const weekFrom = to - WEEK_S;
  const byDay = new Map(dailyRows.map((r) => [num(r.day), r]));
  const daily = Array.from({ length: 7 }, (_, i) => {
    const r = byDay.get(i);
    return { day: formatDay(weekFrom + i * DAY_S), messages: num(r?.messages), negatives: num(r?.negatives) };
  });
  const charts = {
    [`weekly-${date}-daily`]: barChart(`Customer messages per day, week ending ${date}; line: negative share`, daily.map((d) => ({ label: d.day.slice(5), value: d.messages, ...(d.messages > 0 ? { mark: d.negatives / d.messages } : {}) })), { markMin: 0, markMax: 1 }),
    [`weekly-${date}-segments`]: barChart(`Negative share this week (%), ${date}`, segments.map((s) => ({ label: s.segment, value: s.share * 100 })), { color: '#e15759' }),
  };
  const data = { kind: 'weekly' as const, date, from: formatDay(weekFrom), baselineFrom: formatDay(weekFrom - BASELINE_WEEKS * WEEK_S), options, segments, warnings, daily, kpis, charts };
  return { ...data, markdown: weeklyMarkdown(data), html: weeklyHtml(data) };
}

type Data = Omit<WeeklyReport, 'markdown' | 'html'>;

function method(r: Data): string {
  const o = r.options;
  return `Method: for each channel and language, customer messages of ${r.from}..${r.date} against the ${BASELINE_WEEKS} weeks from ${r.baselineFrom}; one-sided two-proportion z-test on the negative share (pooled standard error). A warning needs at least ${o.minVolume} messages on each side, z >= ${o.minZ} and a rise of at least ${Math.round(o.minLift * 100)} percentage points. Read from the minute rollup scored_events_by_minute (on a database without one, from scored_events_latest; each event once either way); weeks are UTC.`;
}

function warningLine(s: WeeklySegment): string {
  return `${s.dimension} ${s.segment}: negative share ${pct(s.share)} this week vs ${pct(s.baselineShare)} baseline (${s.negatives}/${s.messages} vs ${s.baselineNegatives}/${s.baselineMessages}, z = ${(s.z ?? 0).toFixed(1)})`;
}

const head = ['dimension', 'segment', 'messages', 'negative share', 'baseline share', 'baseline messages', 'z', 'weeks', 'warning'];
const rows = (r: Data): string[][] =>
  r.segments.map((s) => [s.dimension, s.segment, String(s.messages), pct(s.share), pct(s.baselineShare), String(s.baselineMessages), s.z === null ? '-' : s.z.toFixed(1), sparkline(s.weeklyShare.map((v) => v ?? 0)), s.warn ? 'WARNING' : s.reason]);

function weeklyMarkdown(r: Data): string {
  const warn = r.warnings.length === 0 ? 'No trend warnings.\n' : r.warnings.map((s) => `- **${warningLine(s)}**`).join('\n') + '\n';
  return `# cxpulse weekly trend warnings: ${r.from} to ${r.date}

${warn}
${Object.keys(r.charts).map((n) => `![${n}](${n}.svg)`).join('\n')}

## All segments

${mdTable(head, rows(r))}
_${method(r)}_

${kpiMarkdown(r.kpis)}`;
}

function weeklyHtml(r: Data): string {
  const warn = r.warnings.length === 0 ? '<p>No trend warnings.</p>' : `<ul>${r.warnings.map((s) => `<li class="warn">${escapeXml(warningLine(s))}</li>`).join('')}</ul>`;
  return htmlPage(
    `cxpulse weekly trend warnings: ${r.from} to ${r.date}`,
    `${warn}
<div>${Object.values(r.charts).join('\n')}</div>
<h2>All segments</h2>
${htmlTable(head, rows(r))}
<p class="note">${escapeXml(method(r))}</p>
${kpiHtml(r.kpis)}
<p class="note">${escapeXml(KPI_METHOD)}</p>`,
  );
}
