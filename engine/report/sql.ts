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
 * - reads go through the `*_latest` views (FINAL), so a redelivered event counts once.
 * Only plain identifiers are spliced in (assertIdentifier); 18.16 has no query parameters.
 */
import { assertIdentifier } from '../sinks/clickhouse/config.ts';
import { SCORED_EVENTS_LATEST_VIEW } from '../sinks/clickhouse/index.ts';

export const DAY_S = 86_400;
export const WEEK_S = 7 * DAY_S;

/** Report segments: the dimensions a report may group by (spliced into SQL, so a closed set). */
export const DIMENSIONS = ['channel', 'lang'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

function view(db: string): string {
  return `${assertIdentifier(db)}.${SCORED_EVENTS_LATEST_VIEW}`;
}

function int(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${n}`);
  return n;
}

function dim(d: Dimension): Dimension {
  if (!DIMENSIONS.includes(d)) throw new Error(`unknown report dimension ${String(d)}`);
  return d;
}

/** Customer messages in [from, to): the report is about what customers said, not agents. */
function customerWindow(from: number, to: number): string {
  return `author = 'customer' AND ts >= toDateTime(${int(from, 'from')}) AND ts < toDateTime(${int(to, 'to')})`;
}

/** Per value of `d`: messages, negatives, positives and the score sum for the mean. */
export function segmentTotalsSql(db: string, d: Dimension, from: number, to: number): string {
  return `SELECT toString(${dim(d)}) AS segment, count() AS messages,
  countIf(sentiment_label = 'negative') AS negatives, countIf(sentiment_label = 'positive') AS positives,
  sum(sentiment_score) AS score_sum
FROM ${view(db)}
WHERE ${customerWindow(from, to)}
GROUP BY segment
ORDER BY messages DESC, segment`;
}

/** Hour of the day (0..23 from `from`) for the volume and sentiment chart. */
export function hourlySql(db: string, from: number, to: number): string {
  return `SELECT intDiv(toUInt32(toDateTime(ts)) - ${int(from, 'from')}, 3600) AS bucket, count() AS messages,
  countIf(sentiment_label = 'negative') AS negatives, sum(sentiment_score) AS score_sum
FROM ${view(db)}
WHERE ${customerWindow(from, to)}
GROUP BY bucket
ORDER BY bucket`;
}

/**
 * Conversations with the lowest mean customer sentiment (ties: more negative messages first).
 * `minMessages` keeps one angry word from outranking a long bad conversation.
 */
export function negativeConversationsSql(db: string, from: number, to: number, limit: number, minMessages: number): string {
  return `SELECT conversation_id AS conversation, any(customer_id) AS customer, toString(any(channel)) AS via,
  toString(any(lang)) AS language, count() AS messages, countIf(sentiment_label = 'negative') AS negatives,
  sum(sentiment_score) AS score_sum, min(sentiment_score) AS worst, toUInt32(max(toDateTime(ts))) AS last_s
FROM ${view(db)}
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
export function moversSql(db: string, from: number, to: number): string {
  const prev = int(from, 'from') - (int(to, 'to') - from);
  if (prev < 0) throw new Error('period starts before 1970');
  return `SELECT toString(channel) AS via, toString(lang) AS language,
  countIf(ts >= toDateTime(${from})) AS messages, sumIf(sentiment_score, ts >= toDateTime(${from})) AS score_sum,
  countIf(ts < toDateTime(${from})) AS prev_messages, sumIf(sentiment_score, ts < toDateTime(${from})) AS prev_score_sum
FROM ${view(db)}
WHERE ${customerWindow(prev, to)}
GROUP BY via, language
ORDER BY via, language`;
}

/**
 * Per value of `d` and week: messages and negatives in the `weeks` weeks ending at `to`.
 * week = 0 is the oldest, weeks - 1 the week reported on.
 */
export function weeklySegmentsSql(db: string, d: Dimension, to: number, weeks: number): string {
  const from = int(to, 'to') - int(weeks, 'weeks') * WEEK_S;
  if (from < 0) throw new Error('period starts before 1970');
  return `SELECT toString(${dim(d)}) AS segment, intDiv(toUInt32(toDateTime(ts)) - ${from}, ${WEEK_S}) AS week,
  count() AS messages, countIf(sentiment_label = 'negative') AS negatives
FROM ${view(db)}
WHERE ${customerWindow(from, to)}
GROUP BY segment, week
ORDER BY segment, week`;
}

/** Per day of the `days` days ending at `to`: overall volume and negatives (the weekly chart). */
export function dailySeriesSql(db: string, to: number, days: number): string {
  const from = int(to, 'to') - int(days, 'days') * DAY_S;
  if (from < 0) throw new Error('period starts before 1970');
  return `SELECT intDiv(toUInt32(toDateTime(ts)) - ${from}, ${DAY_S}) AS day, count() AS messages,
  countIf(sentiment_label = 'negative') AS negatives
FROM ${view(db)}
WHERE ${customerWindow(from, to)}
GROUP BY day
ORDER BY day`;
}
