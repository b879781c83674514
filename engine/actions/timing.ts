/**
 * When to act: the hour of the week the customer usually writes (their own pattern, falling back
 * to their segment's), in their time zone when known, inside the configured business hours, within
 * a horizon of days; `now` for a live-risk case. All times are epoch ms; the week is local time.
 */
import type { ActionTimingBasis } from '../event/index.ts';
import type { BusinessHours } from './catalog.ts';

export const HOURS_PER_WEEK = 168;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** A slot this many days later must be this much better to win: sooner is better when patterns tie. */
const LATER_PENALTY_PER_DAY = 0.1;

/** Messages per hour of the week (0 = Monday 00:00 local), and how many messages made it. */
export interface HourPattern {
  counts: number[];
  n: number;
}

export const emptyPattern = (): HourPattern => ({ counts: new Array<number>(HOURS_PER_WEEK).fill(0), n: 0 });

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
    formatters.set(tz, f);
  }
  return f;
}
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export interface LocalTime {
  /** 1 = Monday .. 7 = Sunday. */
  isoDay: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * Every zone's offset from UTC has been a whole number of minutes since 1972 (Liberia's
 * -0:44:30 was the last exception), so an instant's local time is its minute's start's plus its
 * seconds: Intl is asked once per minute and zone (the cache), not per message.
 */
const WHOLE_MINUTE_OFFSETS_SINCE_MS = Date.UTC(1973, 0, 1);
const minuteOf = (ms: number): number => (ms >= WHOLE_MINUTE_OFFSETS_SINCE_MS && Number.isInteger(ms) ? ms - (ms % 60_000) : ms);

/**
 * Whole-minute instants already converted (the slots dueTime scans are local hour starts, shared
 * by every recommendation of the same week): Intl's formatToParts is the cost of timing.
 */
const slotCache = new Map<string, LocalTime>();
const MAX_SLOT_CACHE = 50_000;

export function localTime(ms: number, tz: string): LocalTime {
  const minute = minuteOf(ms);
  if (minute !== ms) {
    // The minute's start (cached) and the seconds since it: the same local time, without Intl per call.
    const m = localTime(minute, tz);
    return { isoDay: m.isoDay, hour: m.hour, minute: m.minute, second: Math.floor((ms - minute) / 1000) };
  }
  const key = ms % 60_000 === 0 ? `${tz}|${ms}` : undefined;
  const hit = key === undefined ? undefined : slotCache.get(key);
  if (hit) return hit;
  const parts = formatter(tz).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const t = { isoDay: WEEKDAYS[get('weekday')] ?? 1, hour: Number(get('hour')) % 24, minute: Number(get('minute')), second: Number(get('second')) };
  if (key !== undefined) {
    if (slotCache.size >= MAX_SLOT_CACHE) slotCache.clear();
    slotCache.set(key, t);
  }
  return t;
}

const openAt = (t: LocalTime, bh: BusinessHours): boolean => bh.days.includes(t.isoDay) && t.hour >= bh.startHour && t.hour < bh.endHour;

/** 0 (Monday 00:00-00:59 local) .. 167 (Sunday 23:00-23:59). */
export function hourOfWeek(ms: number, tz: string): number {
  const t = localTime(ms, tz);
  return (t.isoDay - 1) * 24 + t.hour;
}

export function inBusinessHours(ms: number, tz: string, bh: BusinessHours): boolean {
  return openAt(localTime(ms, tz), bh);
}

/** Adds one message at `ms` to patterns (the customer's and the segment's; weight 2 for a quick reply: the customer was reachable then). */
export function addToPattern(p: HourPattern | readonly HourPattern[], ms: number, tz: string, weight = 1): void {
  const how = hourOfWeek(ms, tz);
  for (const x of Array.isArray(p) ? p : [p]) {
    x.counts[how]! += weight;
    x.n += 1;
  }
}

export interface DueInput {
  fromMs: number;
  tz: string;
  businessHours: BusinessHours;
  horizonDays: number;
  minMessages: number;
  live: boolean;
  customer?: HourPattern | undefined;
  segment?: HourPattern | undefined;
}

export interface Due {
  dueMs: number;
  timing: ActionTimingBasis;
}

/**
 * The slot to act in. `fromMs` itself when it is inside business hours and the pattern has nothing
 * better; otherwise the start of a local hour. The customer's pattern counts once it holds
 * `minMessages`, else the segment's; without either, the next business hour.
 */
export function dueTime(i: DueInput): Due {
  if (i.live) return { dueMs: i.fromMs, timing: 'now' };
  const pattern = i.customer && i.customer.n >= i.minMessages ? { p: i.customer, basis: 'customer' as const } : i.segment && i.segment.n >= i.minMessages ? { p: i.segment, basis: 'segment' as const } : undefined;
  const t = localTime(i.fromMs, i.tz);
  const nextHour = i.fromMs - ((t.minute * 60 + t.second) * 1000 + (i.fromMs % 1000)) + HOUR_MS;
  const slots = [i.fromMs];
  for (let k = 0; k < i.horizonDays * 24; k++) slots.push(nextHour + k * HOUR_MS);
  let first: number | undefined;
  let best: { ms: number; score: number } | undefined;
  for (const ms of slots) {
    const lt = localTime(ms, i.tz);
    if (!openAt(lt, i.businessHours)) continue;
    first ??= ms;
    if (!pattern) break;
    const score = pattern.p.counts[(lt.isoDay - 1) * 24 + lt.hour]! / (1 + LATER_PENALTY_PER_DAY * ((ms - i.fromMs) / DAY_MS));
    if (score > 0 && (!best || score > best.score)) best = { ms, score };
  }
  if (best && pattern) return { dueMs: best.ms, timing: pattern.basis };
  // No business hour within the horizon cannot happen with a valid catalog (some weekday is open); keep "now" as the last resort.
  return { dueMs: first ?? i.fromMs, timing: 'business_hours' };
}
