/**
 * Events per UTC day over the last KEEP_DAYS days, as the customer state counts contacts,
 * escalations and CRM events: a bounded replacement for a list of event times.
 *
 * A window of W days counts the W UTC days that end with the state's own day (its newest event),
 * i.e. days (today - W, today]. Against the exact count over (now - W x 24 h, now], it can only
 * miss events of the oldest day: 0 <= exact - counted <= the events on day today - W (those later
 * in that day than now's time of day). Nothing else is approximate.
 *
 * Values are immutable and cheap to update: `n` (today's count) is a number, so the common update
 * (an event today) copies nothing; `p` (earlier days) changes only when the day turns over or a
 * late event lands on an earlier day, and is at most 2 x (KEEP_DAYS - 1) numbers long.
 */

export const DAY_MS = 86_400_000;
/** Days kept: today and the 119 before it, enough for the longest window (orders over 120 days). */
export const KEEP_DAYS = 120;

export interface DayCounts {
  /** Events on the state's day. */
  n: number;
  /**
   * Earlier kept days with events, oldest first, as pairs [day, total]: `total` counts the events
   * from the oldest kept day through that day, so a window's count is one subtraction after a
   * binary search, whatever the history.
   */
  p: readonly number[];
}

export const NO_COUNTS: DayCounts = Object.freeze({ n: 0, p: Object.freeze([]) as readonly number[] });

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
 * Moves the counts from day `from` to the later day `to`: today's count joins the past, days
 * beyond KEEP_DAYS go (the totals are rebased on the oldest day kept).
 */
export function rollDays(c: DayCounts, from: number, to: number): DayCounts {
  if (c.n === 0 && c.p.length === 0) return NO_COUNTS;
  const oldest = to - KEEP_DAYS; // days <= oldest are out
  const gone = lastAtOrBefore(c.p, oldest);
  const base = totalAt(c.p, gone);
  const p: number[] = [];
  for (let i = gone + 2; i < c.p.length; i += 2) p.push(c.p[i]!, c.p[i + 1]! - base);
  if (c.n > 0 && from > oldest) p.push(from, totalAt(p, p.length - 2) + c.n);
  return p.length === 0 ? NO_COUNTS : { n: 0, p };
}

/** Adds `by` (negative to take back) events on `day` to counts kept at `today`; a day outside the kept ones changes nothing. */
export function addOnDay(c: DayCounts, today: number, day: number, by: number): DayCounts {
  if (day === today) return { n: Math.max(0, c.n + by), p: c.p };
  if (day > today || day <= today - KEEP_DAYS) return c;
  // A late event on an earlier day: the only update that copies the past (at most 2 x 119 numbers).
  const i = lastAtOrBefore(c.p, day);
  const p = c.p.slice();
  let from: number;
  if (i >= 0 && p[i] === day) {
    const onDay = p[i + 1]! - totalAt(p, i - 2);
    by = Math.max(by, -onDay);
    if (onDay + by === 0) { p.splice(i, 2); from = i; } else from = i;
  } else if (by > 0) {
    p.splice(i + 2, 0, day, totalAt(p, i));
    from = i + 2;
  } else {
    return c;
  }
  for (let j = from; j < p.length; j += 2) p[j + 1]! += by;
  return { n: c.n, p };
}

/** Events in the `days` days ending with `today` (today included). */
export function countWithin(c: DayCounts, today: number, days: number): number {
  return totalAt(c.p, c.p.length - 2) + c.n - totalAt(c.p, lastAtOrBefore(c.p, today - days));
}

/** Whether a value read from storage is well-formed counts (days and totals ascending). */
export function isDayCounts(x: unknown): x is DayCounts {
  const c = x as DayCounts;
  if (typeof c !== 'object' || c === null || !Number.isInteger(c.n) || c.n < 0 || !Array.isArray(c.p) || c.p.length % 2 !== 0 || c.p.length > 2 * KEEP_DAYS) return false;
  for (let i = 0; i < c.p.length; i += 2) {
    if (!Number.isInteger(c.p[i]) || !Number.isInteger(c.p[i + 1]) || c.p[i + 1]! <= totalAt(c.p, i - 2) || (i > 0 && c.p[i]! <= c.p[i - 2]!)) return false;
  }
  return true;
}
