/**
 * The report's aggregations over time straight from the events (`events`: each scored event once,
 * the `scored_events_latest` view or `scored_events FINAL`), for a database without a built minute
 * rollup: an older release made it, so `cxpulse report` falls back to these (source.ts). The rows
 * and columns are those of the rollup builders in sql.ts (test/grafana/rollups.test.ts runs both
 * and expects the same rows); they scan the events, so they are slower on large tables.
 */
import { DAY_S, WEEK_S, customerWindow, dim, int, type Dimension } from './bounds.ts';

/** Per value of `d`: messages, negatives, positives and the score sum for the mean. */
export function segmentTotalsSql(events: string, d: Dimension, from: number, to: number): string {
  return `SELECT toString(${dim(d)}) AS segment, count() AS messages,
  countIf(sentiment_label = 'negative') AS negatives, countIf(sentiment_label = 'positive') AS positives,
  sum(sentiment_score) AS score_sum
FROM ${events}
WHERE ${customerWindow(from, to)}
GROUP BY segment
ORDER BY messages DESC, segment`;
}

/** Hour of the day (0..23 from `from`) for the volume and sentiment chart. */
export function hourlySql(events: string, from: number, to: number): string {
  return `SELECT intDiv(toUInt32(toDateTime(ts)) - ${int(from, 'from')}, 3600) AS bucket, count() AS messages,
  countIf(sentiment_label = 'negative') AS negatives, sum(sentiment_score) AS score_sum
FROM ${events}
WHERE ${customerWindow(from, to)}
GROUP BY bucket
ORDER BY bucket`;
}

/**
 * Per channel x language: the period [from, to) against the same length just before it,
 * for "top movers" (the change of mean sentiment is computed by the caller).
 */
export function moversSql(events: string, from: number, to: number): string {
  const prev = int(from, 'from') - (int(to, 'to') - from);
  if (prev < 0) throw new Error('period starts before 1970');
  return `SELECT toString(channel) AS via, toString(lang) AS language,
  countIf(ts >= toDateTime(${from})) AS messages, sumIf(sentiment_score, ts >= toDateTime(${from})) AS score_sum,
  countIf(ts < toDateTime(${from})) AS prev_messages, sumIf(sentiment_score, ts < toDateTime(${from})) AS prev_score_sum
FROM ${events}
WHERE ${customerWindow(prev, to)}
GROUP BY via, language
ORDER BY via, language`;
}

/**
 * Per value of `d` and week: messages and negatives in the `weeks` weeks ending at `to`.
 * week = 0 is the oldest, weeks - 1 the week reported on.
 */
export function weeklySegmentsSql(events: string, d: Dimension, to: number, weeks: number): string {
  const from = int(to, 'to') - int(weeks, 'weeks') * WEEK_S;
  if (from < 0) throw new Error('period starts before 1970');
  return `SELECT toString(${dim(d)}) AS segment, intDiv(toUInt32(toDateTime(ts)) - ${from}, ${WEEK_S}) AS week,
  count() AS messages, countIf(sentiment_label = 'negative') AS negatives
FROM ${events}
WHERE ${customerWindow(from, to)}
GROUP BY segment, week
ORDER BY segment, week`;
}

/** Per day of the `days` days ending at `to`: overall volume and negatives (the weekly chart). */
export function dailySeriesSql(events: string, to: number, days: number): string {
  const from = int(to, 'to') - int(days, 'days') * DAY_S;
  if (from < 0) throw new Error('period starts before 1970');
  return `SELECT intDiv(toUInt32(toDateTime(ts)) - ${from}, ${DAY_S}) AS day, count() AS messages,
  countIf(sentiment_label = 'negative') AS negatives
FROM ${events}
WHERE ${customerWindow(from, to)}
GROUP BY day
ORDER BY day`;
}
