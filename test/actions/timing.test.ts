import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addToPattern, dueTime, emptyPattern, hourOfWeek, inBusinessHours, localTime, loadActionCatalog, type HourPattern } from '../../engine/actions/index.ts';

const { businessHours } = loadActionCatalog().timing;
const H = 3_600_000;
// Monday 2026-06-01 00:00 UTC; Oslo is UTC+2 in summer, New York UTC-4.
const MON = Date.UTC(2026, 5, 1);
const base = { businessHours, horizonDays: 7, minMessages: 5, live: false };

/** A pattern of n messages at one local hour of the week. */
function patternAt(how: number, n: number): HourPattern {
  const p = emptyPattern();
  p.counts[how] = n;
  p.n = n;
  return p;
}

describe('local time and business hours', () => {
  it('gives each instant the hour of the week Intl gives it, in zones with odd offsets and around DST changes (looked up per minute)', () => {
    const zones = ['Europe/Oslo', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/New_York'];
    const days: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
    const reference = (ms: number, tz: string) => {
      const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(ms));
      const get = (t: string) => parts.find((p) => p.type === t)!.value;
      return days[get('weekday')]! * 24 + (Number(get('hour')) % 24);
    };
    // 2026: the DST changes of these zones (March-April, September-November) and the rest of the year.
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }), fc.constantFrom(...zones), (ms, tz) => {
        expect(hourOfWeek(ms, tz)).toBe(reference(ms, tz));
      }),
      { numRuns: 2000 },
    );
    for (const tz of zones) for (let ms = Date.UTC(2026, 2, 28); ms < Date.UTC(2026, 3, 6); ms += 7 * 60_000 + 13_001) expect(hourOfWeek(ms, tz), `${tz} ${ms}`).toBe(reference(ms, tz));
    const clock = (ms: number, tz: string) => {
      const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, weekday: 'short', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(ms));
      const get = (t: string) => parts.find((p) => p.type === t)!.value;
      return { isoDay: days[get('weekday')]! + 1, hour: Number(get('hour')) % 24, minute: Number(get('minute')), second: Number(get('second')) };
    };
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }), fc.constantFrom(...zones), (ms, tz) => {
        expect(localTime(ms, tz)).toEqual(clock(ms, tz));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads weekday and hour in the customer\'s time zone', () => {
    expect(localTime(MON + 12 * H, 'UTC')).toMatchObject({ isoDay: 1, hour: 12 });
    expect(localTime(MON + 12 * H, 'Europe/Oslo')).toMatchObject({ isoDay: 1, hour: 14 });
    expect(localTime(MON + 2 * H, 'America/New_York')).toMatchObject({ isoDay: 7, hour: 22 });
    expect(hourOfWeek(MON + 12 * H, 'Europe/Oslo')).toBe(14);
    expect(inBusinessHours(MON + 10 * H, 'UTC', businessHours)).toBe(true);
    expect(inBusinessHours(MON + 10 * H, 'America/New_York', businessHours)).toBe(false); // 06:00 there
  });
});

describe('dueTime', () => {
  it('is now for a live-risk case, whatever the hour', () => {
    expect(dueTime({ ...base, fromMs: MON + 2 * H, tz: 'UTC', live: true })).toEqual({ dueMs: MON + 2 * H, timing: 'now' });
  });

  it('without a pattern: now when inside business hours, else the next business hour in the customer\'s zone', () => {
    expect(dueTime({ ...base, fromMs: MON + 10 * H + 5, tz: 'UTC' })).toEqual({ dueMs: MON + 10 * H + 5, timing: 'business_hours' });
    // Friday 18:30 Oslo -> Monday 09:00 Oslo (07:00 UTC).
    const friEvening = MON + 4 * 24 * H + 16.5 * H;
    expect(dueTime({ ...base, fromMs: friEvening, tz: 'Europe/Oslo' })).toEqual({ dueMs: MON + 7 * 24 * H + 7 * H, timing: 'business_hours' });
  });

  it('picks the hour the customer usually writes, in their zone', () => {
    // Tuesdays 14:00-14:59 Oslo time = hour-of-week 24 + 14.
    const d = dueTime({ ...base, fromMs: MON + 7 * H, tz: 'Europe/Oslo', customer: patternAt(24 + 14, 6) });
    expect(d.timing).toBe('customer');
    expect(d.dueMs).toBe(MON + 24 * H + 12 * H);
    expect(localTime(d.dueMs, 'Europe/Oslo')).toMatchObject({ isoDay: 2, hour: 14 });
  });

  it('falls back to the segment\'s pattern while the customer has too few messages', () => {
    const d = dueTime({ ...base, fromMs: MON + 7 * H, tz: 'UTC', customer: patternAt(10, 2), segment: patternAt(3 * 24 + 11, 40) });
    expect(d).toEqual({ dueMs: MON + 3 * 24 * H + 11 * H, timing: 'segment' });
  });

  it('never schedules outside business hours, even when the customer writes at night', () => {
    const night = patternAt(1 * 24 + 23, 50); // Tuesdays 23:00
    const d = dueTime({ ...base, fromMs: MON + 7 * H, tz: 'UTC', customer: night });
    expect(inBusinessHours(d.dueMs, 'UTC', businessHours)).toBe(true);
    expect(d.timing).toBe('business_hours');
  });

  it('builds the pattern in the customer\'s zone', () => {
    const p = emptyPattern();
    addToPattern(p, MON + 12 * H, 'Europe/Oslo');
    addToPattern(p, MON + 12 * H, 'Europe/Oslo', 2);
    expect(p.counts[14]).toBe(3);
    expect(p.n).toBe(2);
  });

  it('always lands inside business hours, at or after now, within the horizon (any zone, any pattern)', () => {
    const zones = ['UTC', 'Europe/Oslo', 'Europe/Stockholm', 'America/New_York', 'Asia/Kolkata', 'Australia/Adelaide', 'Pacific/Chatham'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }), fc.constantFrom(...zones), fc.array(fc.nat({ max: 167 }), { maxLength: 30 }), (fromMs, tz, hours) => {
        const p = emptyPattern();
        for (const h of hours) {
          p.counts[h]! += 1;
          p.n += 1;
        }
        const d = dueTime({ ...base, fromMs, tz, customer: p });
        expect(d.dueMs).toBeGreaterThanOrEqual(fromMs);
        expect(d.dueMs - fromMs).toBeLessThanOrEqual(7 * 24 * H);
        expect(inBusinessHours(d.dueMs, tz, businessHours)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
