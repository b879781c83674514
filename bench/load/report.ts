/** The twin's end-of-run summary: the metrics under k6's names, then each threshold with ✓ or ✗. */
import { describePlan } from '../k6/lib/plan.ts';
import type { TrendStats } from './metrics.ts';
import type { LoadResult } from './run.ts';

const ms = (v: number) => (Number.isNaN(v) ? '-' : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
const trend = (t: TrendStats) => t.count === 0 ? 'no samples' : `avg ${ms(t.avg)}  min ${ms(t.min)}  med ${ms(t.med)}  p(95) ${ms(t.p95)}  p(99) ${ms(t.p99)}  max ${ms(t.max)}  (${t.count})`;
const num = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 });

export function formatSummary(r: LoadResult): string {
  const m = r.metrics;
  const row = (name: string, value: string) => `  ${`${name} `.padEnd(20, '.')}: ${value}`;
  const lines = [
    describePlan(r.plan),
    `run ${r.runId}; ${r.offeredRequestsPerSec} requests/s offered over ${r.connections} connection${r.connections === 1 ? '' : 's'}; tokens: ${r.tokens}`,
    '',
    row('http_reqs', `${num(m.http_reqs.count)}  ${m.http_reqs.rate.toFixed(1)}/s  (offered ${num(r.offeredRequests)})`),
    row('http_req_failed', `${(m.http_req_failed.rate * 100).toFixed(2)}%  (${m.http_req_failed.failed} of ${m.http_req_failed.total})`),
    row('http_req_duration', trend(m.http_req_duration)),
    row('events_sent', `${num(m.events_sent.count)}  ${m.events_sent.rate.toFixed(1)}/s`),
  ];
  if (r.subscribers.length > 0) {
    lines.push(
      row('feed_latency', trend(m.feed_latency)),
      row('feed_events', num(m.feed_events.count)),
      row('feed_dropped', num(m.feed_dropped.count)),
      row('feed_errors', num(m.feed_errors.count)),
      row('feed_duplicates', num(m.feed_duplicates.count)),
      row('feed_foreign', num(m.feed_foreign.count)),
    );
    for (const s of r.subscribers.filter((x) => x.error !== undefined)) lines.push(`  ${s.kind}${s.id ? ` ${s.id}` : ''}: ${s.error}`);
  }
  lines.push('', 'thresholds:');
  for (const t of r.thresholds) lines.push(`  ${t.ok ? '✓' : '✗'} ${t.metric} ${t.threshold}  (${Number.isNaN(t.actual) ? 'no data' : num(Math.round(t.actual * 1000) / 1000)})`);
  lines.push('', r.ok ? 'every threshold held' : `thresholds failed: ${r.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.threshold}`).join(', ')}`);
  return lines.join('\n');
}
