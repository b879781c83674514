/**
 * The report aggregations as they were before the rollups: over the raw table through
 * `scored_events_latest` (FINAL). test/grafana/rollups.test.ts runs them next to engine/report/sql.ts
 * (which reads the minute rollup) and expects the same rows.
 */
import { assertIdentifier } from '../../engine/sinks/clickhouse/config.ts';
import { DAY_S, WEEK_S, dim, int, type Dimension } from '../../engine/report/sql.ts';

function view(db: string): string {
  return `${assertIdentifier(db)}.scored_events_latest`;
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
