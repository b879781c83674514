import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addOnDay, countWithin, isDayCounts, KEEP_DAYS, NO_COUNTS, type DayCounts } from '../../engine/churn/dayCounts.ts';

const WINDOWS = [1, 7, 30, 90, 120];
const DAY0 = 20_000;

/** The plain model: a map of day -> events, kept days only. */
function modelCount(days: Map<number, number>, today: number, w: number): number {
  let n = 0;
  for (const [d, c] of days) if (d > today - w && d <= today) n += c;
  return n;
}

type Op = { kind: 'advance'; days: number } | { kind: 'add'; back: number; by: 1 | -1 };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('add' as const), back: fc.integer({ min: 0, max: 130 }), by: fc.constantFrom(1 as const, 1 as const, -1 as const) }),
);

describe('per-day counters', () => {
  it('count every window exactly as a map of days would, through day changes and late events (property)', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
      let c: DayCounts = NO_COUNTS, today = DAY0;
      const model = new Map<number, number>();
      for (const o of ops) {
        if (o.kind === 'advance') {
          today += o.days;
          for (const d of [...model.keys()]) if (d <= today - KEEP_DAYS) model.delete(d);
        } else {
          const day = today - o.back;
          c = addOnDay(c, today, day, o.by);
          if (day > today - KEEP_DAYS) {
            const n = Math.max(0, (model.get(day) ?? 0) + o.by);
            if (n > 0) model.set(day, n); else model.delete(day);
          }
        }
        expect(isDayCounts(c)).toBe(true);
        expect(c.p.length).toBeLessThanOrEqual(2 * (KEEP_DAYS - 1));
        for (const w of WINDOWS) expect(countWithin(c, today, w)).toBe(modelCount(model, today, w));
      }
    }), { numRuns: 300 });
  });

  it('never change a value in place (earlier values stay as they were)', () => {
    const a = addOnDay(addOnDay(NO_COUNTS, DAY0, DAY0, 1), DAY0, DAY0 - 3, 1);
    const frozen = structuredClone(a);
    const b = addOnDay(a, DAY0 + 2, DAY0 + 2, 1);
    addOnDay(b, DAY0 + 2, DAY0 + 2, 1);
    addOnDay(b, DAY0 + 2, DAY0 - 1, 1);
    addOnDay(b, DAY0 + 2, DAY0 - 3, -1);
    expect(a).toEqual(frozen);
    expect(countWithin(b, DAY0 + 2, 7)).toBe(3);
    expect(countWithin(a, DAY0 + 2, 7)).toBe(2); // read at a later day without an event since
  });

  it('reject malformed stored counts', () => {
    expect(isDayCounts({ d: DAY0, n: 0, p: [] })).toBe(true);
    expect(isDayCounts({ d: DAY0 + 2, n: 1, p: [DAY0, 2, DAY0 + 1, 3] })).toBe(true);
    for (const bad of [null, { n: 0, p: [] }, { d: DAY0, n: -1, p: [] }, { d: DAY0, n: 0.5, p: [] }, { d: DAY0, n: 0, p: [DAY0 - 1] }, { d: DAY0 + 2, n: 0, p: [DAY0 + 1, 1, DAY0, 2] },
      { d: DAY0 + 2, n: 0, p: [DAY0, 2, DAY0 + 1, 2] }, { d: DAY0, n: 1, p: [DAY0, 1] }, { d: DAY0 + 999, n: 0, p: Array.from({ length: 2 * KEEP_DAYS + 2 }, (_, i) => DAY0 + i) }]) {
      expect(isDayCounts(bad)).toBe(false);
    }
  });
});
