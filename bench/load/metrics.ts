/**
 * The twin's metrics, named and aggregated as k6 names and aggregates them, and the thresholds
 * evaluated on them (same expressions, bench/k6/thresholds.json).
 */
import { compare, parseThreshold, type Aggregation, type ThresholdTable } from '../k6/lib/thresholds.ts';

/** Trend: k6's summary figures (ms). */
export interface TrendStats {
  count: number;
  avg: number;
  min: number;
  med: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadMetrics {
  /** Requests made (answered or failed), and per second of ingest. */
  http_reqs: { count: number; rate: number };
  /** Share of requests without a 2xx/3xx answer (refused, timed out, connection failed). */
  http_req_failed: { rate: number; failed: number; total: number };
  /** Time to the answer of POST /v1/events. */
  http_req_duration: TrendStats;
  /** Events the engine accepted (202), and per second of ingest. */
  events_sent: { count: number; rate: number };
  /** Publish (the request's send time, the event's `ts`) -> `score` message on the feed. */
  feed_latency: TrendStats;
  /** This run's events received on the feed, each id once per subscriber. */
  feed_events: { count: number };
  /** Accepted events a subscriber should have received and did not. */
  feed_dropped: { count: number };
  /** Subscribers that failed or were closed by the engine before the end. */
  feed_errors: { count: number };
  /** The same id again (a live view may resend), and other agents' events sent to an agent. */
  feed_duplicates: { count: number };
  feed_foreign: { count: number };
}

/** What the metrics are computed from. */
export interface Samples {
  /** Durations of the answered requests (any status), ms. */
  httpDurations: number[];
  /** Requests without an answer (timed out, connection failed). */
  httpNoAnswer: number;
  /** Requests failed: answered with neither 2xx nor 3xx, or not answered. */
  httpFailed: number;
  eventsSent: number;
  feedLatencies: number[];
  feedEvents: number;
  feedDropped: number;
  feedErrors: number;
  feedDuplicates: number;
  feedForeign: number;
  /** Seconds of ingest, for the rates. */
  seconds: number;
}

/** Percentile by linear interpolation between closest ranks (as k6 computes trends' p(N)); NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (sorted.length === 1) return sorted[0]!;
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const sortedCopy = (xs: readonly number[]) => Float64Array.from(xs).sort();

export function trend(xs: readonly number[]): TrendStats {
  const s = Array.from(sortedCopy(xs));
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    count: s.length,
    avg: s.length === 0 ? Number.NaN : sum / s.length,
    min: s.length === 0 ? Number.NaN : s[0]!,
    med: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.length === 0 ? Number.NaN : s[s.length - 1]!,
  };
}

export function metricsOf(x: Samples): LoadMetrics {
  const total = x.httpDurations.length + x.httpNoAnswer;
  return {
    http_reqs: { count: total, rate: total / x.seconds },
    http_req_failed: { rate: total === 0 ? 0 : x.httpFailed / total, failed: x.httpFailed, total },
    http_req_duration: trend(x.httpDurations),
    events_sent: { count: x.eventsSent, rate: x.eventsSent / x.seconds },
    feed_latency: trend(x.feedLatencies),
    feed_events: { count: x.feedEvents },
    feed_dropped: { count: x.feedDropped },
    feed_errors: { count: x.feedErrors },
    feed_duplicates: { count: x.feedDuplicates },
    feed_foreign: { count: x.feedForeign },
  };
}

/** Trend metrics: every aggregation of a trend; the others are counters (count, rate) or, http_req_failed, a rate. */
const TREND_SAMPLES = { http_req_duration: 'httpDurations', feed_latency: 'feedLatencies' } as const;

/** The value of `metric`'s aggregation, as k6 would compute it; NaN when there is nothing to aggregate. */
export function aggregate(metric: string, aggregation: Aggregation, x: Samples, m: LoadMetrics): number {
  if (metric in TREND_SAMPLES) {
    const xs = x[TREND_SAMPLES[metric as keyof typeof TREND_SAMPLES]];
    if (aggregation === 'count') return xs.length;
    const t = m[metric as keyof typeof TREND_SAMPLES];
    if (aggregation === 'avg' || aggregation === 'min' || aggregation === 'max' || aggregation === 'med') return t[aggregation];
    if (aggregation.startsWith('p(')) return percentile(Array.from(sortedCopy(xs)), Number(aggregation.slice(2, -1)));
    throw new Error(`${metric} is a trend: use avg, min, max, med, count or p(N), not ${aggregation}`);
  }
  if (metric === 'http_req_failed') {
    if (aggregation === 'rate') return m.http_req_failed.rate;
    throw new Error(`http_req_failed is a rate: use rate, not ${aggregation}`);
  }
  const counter = (m as unknown as Record<string, { count: number; rate?: number } | undefined>)[metric];
  if (counter === undefined) throw new Error(`no metric '${metric}' in this run`);
  if (aggregation === 'count') return counter.count;
  if (aggregation === 'rate') return counter.rate ?? counter.count / x.seconds;
  throw new Error(`${metric} is a counter: use count or rate, not ${aggregation}`);
}

export interface ThresholdOutcome {
  metric: string;
  threshold: string;
  /** The aggregated value the threshold was checked against. */
  actual: number;
  ok: boolean;
}

/** Every threshold of the table checked on the run's figures. */
export function evaluate(table: ThresholdTable, x: Samples, m: LoadMetrics = metricsOf(x)): ThresholdOutcome[] {
  const out: ThresholdOutcome[] = [];
  for (const [metric, exprs] of Object.entries(table)) {
    for (const expr of exprs) {
      const t = parseThreshold(expr);
      const actual = aggregate(metric, t.aggregation, x, m);
      out.push({ metric, threshold: expr, actual, ok: !Number.isNaN(actual) && compare(actual, t.operator, t.value) });
    }
  }
  return out;
}
