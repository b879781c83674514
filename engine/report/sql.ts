/**
 * Every statement the reports send, as pure builders so test/report/sql.test.ts can run each one
 * against the real schema. They must run on ClickHouse 18.16 (CI, Debian) and 24+ (users), where
 * `ts` is DateTime('UTC') (+ ts_ms) or DateTime64(3, 'UTC'). So:
 * - time bounds are epoch seconds through toDateTime(N), which compares with both column types;
 * - buckets are intDiv(toUInt32(toDateTime(ts)) - start, width): toStartOfInterval is missing on
 *   18.16 and toStartOfDay of a DateTime64 would depend on the server's version-specific rules;
 * - means are computed by the caller from sum() and count(): avg over nothing is nan, which
 *   JSON output turns into null or a bare `nan` depending on the version;
 * - no aliases that shadow a column (ClickHouse substitutes aliases everywhere, so
 *   `any(channel) AS channel` recurses), no CTEs, no window functions, no JOINs;
 * - aggregates over time read the minute rollup `scored_events_by_minute` (whole minutes, and every
 *   report window is whole hours, so the answer equals the raw table's); per-conversation figures
 *   read the `*_latest` views (FINAL). Both count a redelivered event once. A database without a
 *   built rollup (an older release made it) is read through the raw builders of rawSql.ts instead:
 *   the same rows, from `scored_events_latest` (see ReportSource, source.ts).
 * Only plain identifiers are spliced in (assertIdentifier); 18.16 has no query parameters.
 */
import { assertIdentifier } from '../sinks/clickhouse/config.ts';
import { ACTIONS_LATEST_VIEW, BUSINESS_EVENTS_LATEST_VIEW, SCORED_EVENTS_BY_MINUTE, SCORED_EVENTS_LATEST_VIEW } from '../sinks/clickhouse/index.ts';
import * as raw from './rawSql.ts';
import { DAY_S, WEEK_S, customerWindow, dim, int, type Dimension } from './bounds.ts';

export { DAY_S, WEEK_S, DIMENSIONS, dim, int, type Dimension } from './bounds.ts';


/**
 * The tables a report reads (FROM clauses, made here from a checked database name and fixed table
 * names only): `minutes` for aggregates over time, or none to aggregate the events themselves;
 * `events` for per-event reads, each scored event once; `actions` and `business` the newest state
 * of each action and business event (the KPIs).
 */
export interface ReportSource {
  minutes?: string;
  events: string;
  actions: string;
  business: string;
}

/**
 * What a database made by this release holds: the minute rollup and the `_latest` views; with
 * `suffix` `_all`, the Distributed tables over them that read every shard (CXPULSE_CLICKHOUSE_CLUSTER).
 */
export function rollupSource(db: string, suffix = ''): ReportSource {
  const t = (name: string) => `${assertIdentifier(db)}.${name}${suffix}`;
  return { minutes: t(SCORED_EVENTS_BY_MINUTE), events: t(SCORED_EVENTS_LATEST_VIEW), actions: t(ACTIONS_LATEST_VIEW), business: t(BUSINESS_EVENTS_LATEST_VIEW) };
}

/** A database without a built minute rollup: aggregates over the events, from `events` (the `_latest` view, or the table with FINAL). */
export function rawSource(source: ReportSource, events: string): ReportSource {
  const { minutes: _rollup, ...rest } = source;
  return { ...rest, events };
}


/** The same window on the minute rollup: exact, because report windows start and end on whole hours. */
function customerMinutes(from: number, to: number): string {
  return `author = 'customer' AND minute >= toDateTime(${int(from, 'from')}) AND minute < toDateTime(${int(to, 'to')})`;
}


/** Per value of `d`: messages, negatives, positives and the score sum for the mean. */
export function segmentTotalsSql(db: string, d: Dimension, from: number, to: number, source = rollupSource(db)): string {
  if (source.minutes === undefined) return raw.segmentTotalsSql(source.events, d, from, to);
  return `SELECT segment, n AS messages, neg AS negatives, pos AS positives, score AS score_sum
FROM (
  SELECT toString(${dim(d)}) AS segment, sum(messages) AS n, sum(negatives) AS neg, sum(positives) AS pos, sum(score_sum) AS score
  FROM ${source.minutes}
  WHERE ${customerMinutes(from, to)}
  GROUP BY segment
  HAVING n != 0
)
ORDER BY messages DESC, segment`;
}

/** Hour of the day (0..23 from `from`) for the volume and sentiment chart. */
export function hourlySql(db: string, from: number, to: number, source = rollupSource(db)): string {
  if (source.minutes === undefined) return raw.hourlySql(source.events, from, to);
  return `SELECT bucket, n AS messages, neg AS negatives, score AS score_sum
FROM (
  SELECT intDiv(toUInt32(minute) - ${int(from, 'from')}, 3600) AS bucket, sum(messages) AS n, sum(negatives) AS neg, sum(score_sum) AS score
  FROM ${source.minutes}
  WHERE ${customerMinutes(from, to)}
  GROUP BY bucket
  HAVING n != 0
)
ORDER BY bucket`;
}

/**
 * Conversations with the lowest mean customer sentiment (ties: more negative messages first).
 * `minMessages` keeps one angry word from outranking a long bad conversation.
 */
export function negativeConversationsSql(db: string, from: number, to: number, limit: number, minMessages: number, source = rollupSource(db)): string {
  return `SELECT conversation_id AS conversation, any(customer_id) AS customer, toString(any(channel)) AS via,
  toString(any(lang)) AS language, count() AS messages, countIf(sentiment_label = 'negative') AS negatives,
  sum(sentiment_score) AS score_sum, min(sentiment_score) AS worst, toUInt32(max(toDateTime(ts))) AS last_s
FROM ${source.events}
WHERE ${customerWindow(from, to)}
GROUP BY conversation_id
HAVING messages >= ${int(minMessages, 'minMessages')} AND negatives > 0
ORDER BY score_sum / messages ASC, negatives DESC, conversation
LIMIT ${int(limit, 'limit')}`;
}

/**
 * Per channel x language: the period [from, to) against the same length just before it,
 * for "top movers" (the change of mean sentiment is computed by the caller).
 */
export function moversSql(db: string, from: number, to: number, source = rollupSource(db)): string {
  const prev = int(from, 'from') - (int(to, 'to') - from);
  if (prev < 0) throw new Error('period starts before 1970');
  if (source.minutes === undefined) return raw.moversSql(source.events, from, to);
  return `SELECT via, language, n AS messages, score AS score_sum, prev_n AS prev_messages, prev_score AS prev_score_sum
FROM (
  SELECT toString(channel) AS via, toString(lang) AS language,
    sumIf(messages, minute >= toDateTime(${from})) AS n, sumIf(score_sum, minute >= toDateTime(${from})) AS score,
    sumIf(messages, minute < toDateTime(${from})) AS prev_n, sumIf(score_sum, minute < toDateTime(${from})) AS prev_score
  FROM ${source.minutes}
  WHERE ${customerMinutes(prev, to)}
  GROUP BY via, language
  HAVING n != 0 OR prev_n != 0
)
ORDER BY via, language`;
}

/**
 * Per value of `d` and week: messages and negatives in the `weeks` weeks ending at `to`.
 * week = 0 is the oldest, weeks - 1 the week reported on.
 */
export function weeklySegmentsSql(db: string, d: Dimension, to: number, weeks: number, source = rollupSource(db)): string {
  const from = int(to, 'to') - int(weeks, 'weeks') * WEEK_S;
  if (from < 0) throw new Error('period starts before 1970');
  if (source.minutes === undefined) return raw.weeklySegmentsSql(source.events, d, to, weeks);
  return `SELECT segment, week, n AS messages, neg AS negatives
FROM (
  SELECT toString(${dim(d)}) AS segment, intDiv(toUInt32(minute) - ${from}, ${WEEK_S}) AS week, sum(messages) AS n, sum(negatives) AS neg
  FROM ${source.minutes}
  WHERE ${customerMinutes(from, to)}
  GROUP BY segment, week
  HAVING n != 0
)
ORDER BY segment, week`;
}

/** Per day of the `days` days ending at `to`: overall volume and negatives (the weekly chart). */
export function dailySeriesSql(db: string, to: number, days: number, source = rollupSource(db)): string {
  const from = int(to, 'to') - int(days, 'days') * DAY_S;
  if (from < 0) throw new Error('period starts before 1970');
  if (source.minutes === undefined) return raw.dailySeriesSql(source.events, to, days);
  return `SELECT day, n AS messages, neg AS negatives
FROM (
  SELECT intDiv(toUInt32(minute) - ${from}, ${DAY_S}) AS day, sum(messages) AS n, sum(negatives) AS neg
  FROM ${source.minutes}
  WHERE ${customerMinutes(from, to)}
  GROUP BY day
  HAVING n != 0
)
ORDER BY day`;
}
