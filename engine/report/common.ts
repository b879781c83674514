/** Shared pieces of the reports: dates, querying, Markdown and HTML tables. */
import type { ClickHouseClient } from '@clickhouse/client';
import { escapeXml } from './svg.ts';

/** 'YYYY-MM-DD' -> epoch seconds of that UTC midnight. Reports are in UTC, like the tables. */
export function parseDay(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new Error(`date must be YYYY-MM-DD, got "${day}"`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== day) throw new Error(`no such date "${day}"`);
  return ms / 1000;
}

export function formatDay(epochS: number): string {
  return new Date(epochS * 1000).toISOString().slice(0, 10);
}

/** Yesterday in UTC: the last complete day, the default for both reports. */
export function yesterday(nowMs = Date.now()): string {
  return formatDay(Math.floor(nowMs / 86_400_000) * 86_400 - 86_400);
}

/** Rows as JSON; 64-bit integers arrive as strings and are converted by the callers via num(). */
export async function select<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  const res = await client.query({ query, format: 'JSONEachRow' });
  return res.json<T>();
}

export function num(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
export const signed = (x: number, digits = 2): string => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

/** Markdown table; `|` and newlines in cells are escaped so that a message cannot break it. */
export function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  if (rows.length === 0) return '_none_\n';
  return [`| ${head.map(cell).join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n') + '\n';
}

export function htmlTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '<p><em>none</em></p>';
  const th = head.map((h) => `<th>${escapeXml(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${trs}\n</tbody>\n</table>`;
}

/** A self-contained page: inline CSS, inline SVG, no scripts. `body` is trusted HTML built here. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;font-size:.9rem}
th{background:#f3f3f3}
.warn{color:#b00020;font-weight:bold}
.note{color:#555;font-size:.9rem}
</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
${body}
</body>
</html>
`;
}
