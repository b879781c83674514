/**
 * Events per UTC day over the last KEEP_DAYS days, as the customer state counts contacts,
 * escalations and CRM events: a bounded replacement for a list of event times.
 *
 * A window of W days counts the W UTC days that end with the state's own day (its newest event),
 * i.e. days (today - W, today]. Against the exact count over (now - W x 24 h, now], it can only
 * miss events of the oldest day: 0 <= exact - counted <= the events on day today - W (those later
 * in that day than now's time of day). Nothing else is approximate.
 *
 * Values are immutable and cheap to update: an event on the counter's current day changes a
 * number and copies nothing; the first event of a later day (or a late event on an earlier day)
 * copies the past, at most 2 x (KEEP_DAYS - 1) numbers, dropping the days no window reaches. A
 * day change alone costs nothing: counters without events that day are not touched.
 */

export const DAY_MS = 86_400_000;
/** Days kept: today and the 119 before it, enough for the longest window (orders over 120 days). */
export const KEEP_DAYS = 120;

export interface DayCounts {
  /** The counter's current day: its latest day with events. */
  d: number;
  /** Events on day `d`. */
  n: number;
  /**
   * Earlier days with events, oldest first, as pairs [day, total]: `total` counts the events
   * from the oldest day kept through that day, so a window's count is one subtraction after a
   * binary search, whatever the history.
   */
  p: readonly number[];
}

export const NO_COUNTS: DayCounts = Object.freeze({ d: 0, n: 0, p: Object.freeze([]) as readonly number[] });

/** UTC day number of an epoch-ms time. */
export const dayOf = (tMs: number): number => Math.floor(tMs / DAY_MS);

/** Pair index (0, 2, 4 ...) of the last day <= `day` in `p`, or -2 when there is none. */
function lastAtOrBefore(p: readonly number[], day: number): number {
  let lo = 0, hi = p.length / 2 - 1, found = -2;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (p[2 * mid]! <= day) { found = 2 * mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

const totalAt = (p: readonly number[], i: number): number => (i >= 0 ? p[i + 1]! : 0);

/**
 * The past without the days <= `oldest` (totals rebased on the first day kept), with room for
 * `extra` more numbers; `length` is what it holds.
 */
function keptPast(p: readonly number[], oldest: number, extra: number): { out: number[]; length: number } {
  const gone = lastAtOrBefore(p, oldest);
  const base = totalAt(p, gone);
  const out = new Array<number>(p.length - gone - 2 + extra);
  let k = 0;
  for (let i = gone + 2; i < p.length; i += 2) { out[k++] = p[i]!; out[k++] = p[i + 1]! - base; }
  return { out, length: k };
}

/**
 * Adds `by` (negative to take back) events on `day` to the counts of a state whose day is `today`;
 * a day outside the kept ones (or after today) changes nothing.
 */
export function addOnDay(c: DayCounts, today: number, day: number, by: number): DayCounts {
  if (day > today || day <= today - KEEP_DAYS) return c;
  if (day === c.d) return { d: c.d, n: Math.max(0, c.n + by), p: c.p };
  if (day > c.d) {
    if (by <= 0) return c;
    if (c.n === 0 && c.p.length === 0) return { d: day, n: by, p: c.p };
    // The counter's first event of a later day: its current day joins the past.
    const { out, length } = keptPast(c.p, today - KEEP_DAYS, 2);
    if (c.n > 0 && c.d > today - KEEP_DAYS) { out[length] = c.d; out[length + 1] = totalAt(out, length - 2) + c.n; } else out.length = length;
    return { d: day, n: by, p: out };
  }
  // A late event on an earlier day than the counter's current one.
  const { out: p } = keptPast(c.p, today - KEEP_DAYS, 0);
  const i = lastAtOrBefore(p, day);
  let from: number;
  if (i >= 0 && p[i] === day) {
    const onDay = p[i + 1]! - totalAt(p, i - 2);
    by = Math.max(by, -onDay);
    if (onDay + by === 0) p.splice(i, 2);
    from = i;
  } else if (by > 0) {
    p.splice(i + 2, 0, day, totalAt(p, i));
    from = i + 2;
  } else {
    return c;
  }
  for (let j = from; j < p.length; j += 2) p[j + 1]! += by;
  return { d: c.d, n: c.n, p };
}

/** Events in the `days` days ending with `today` (today included), for counts kept at `today`. */
export function countWithin(c: DayCounts, today: number, days: number): number {
  const after = today - days;
  return (c.d > after ? c.n : 0) + totalAt(c.p, c.p.length - 2) - totalAt(c.p, lastAtOrBefore(c.p, after));
}

/** Whether a value read from storage is well-formed counts (days and totals ascending, all before `d`). */
export function isDayCounts(x: unknown): x is DayCounts {
  const c = x as DayCounts;
  if (typeof c !== 'object' || c === null || !Number.isInteger(c.d) || !Number.isInteger(c.n) || c.n < 0) return false;
  if (!Array.isArray(c.p) || c.p.length % 2 !== 0 || c.p.length > 2 * KEEP_DAYS) return false;
  for (let i = 0; i < c.p.length; i += 2) {
    if (!Number.isInteger(c.p[i]) || !Number.isInteger(c.p[i + 1]) || c.p[i + 1]! <= totalAt(c.p, i - 2) || (i > 0 && c.p[i]! <= c.p[i - 2]!)) return false;
  }
  return c.p.length === 0 || c.p[c.p.length - 2]! < c.d;
}
