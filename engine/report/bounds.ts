/** The checked pieces every report statement is built from: time units, dimensions, bounds. */

export const DAY_S = 86_400;
export const WEEK_S = 7 * DAY_S;

/** Report segments: the dimensions a report may group by (spliced into SQL, so a closed set). */
export const DIMENSIONS = ['channel', 'lang'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** A window bound or count: a non-negative integer, checked before it goes into SQL. */
export function int(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${n}`);
  return n;
}

/** A report dimension, checked against DIMENSIONS before it goes into SQL. */
export function dim(d: Dimension): Dimension {
  if (!DIMENSIONS.includes(d)) throw new Error(`unknown report dimension ${String(d)}`);
  return d;
}

/** Customer messages in [from, to): the report is about what customers said, not agents. */
export function customerWindow(from: number, to: number): string {
  return `author = 'customer' AND ts >= toDateTime(${int(from, 'from')}) AND ts < toDateTime(${int(to, 'to')})`;
}
