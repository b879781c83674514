import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DAY_MS, emptyState, LONG_TAU_MS, MAX_CONVERSATIONS, MAX_SEEN_IDS, REPLY_LONG_TAU_MS, reduceCustomer, replay, SEEN_CHUNK, SHORT_TAU_MS, type CustomerObservation, type CustomerState } from '../../engine/churn/state.ts';
import { dayOf, KEEP_DAYS } from '../../engine/churn/dayCounts.ts';
import { profileFeatures, streamFeatures } from '../../engine/churn/streamFeatures.ts';
import { businessObservation, messageObservation } from '../../engine/churn/observe.ts';

const T0 = Date.UTC(2026, 5, 1);
const HOUR = 3_600_000;
let n = 0;
const msg = (conv: string, author: 'customer' | 'agent', tsMs: number, extra: Partial<Extract<CustomerObservation, { kind: 'message' }>> = {}): CustomerObservation =>
  ({ kind: 'message', id: `m${n++}`, conversationId: conv, author, tsMs, negative: false, escalated: false, ...extra });
const biz = (type: 'payment_late' | 'order_placed' | 'usage_drop' | 'plan_change' | 'cancellation', tsMs: number, extra: object = {}): CustomerObservation =>
  ({ kind: 'business', id: `b${n++}`, type, tsMs, ...extra });

describe('customer state reducer', () => {
  it('counts contacts (conversations with a customer message) per 7/30/90-day window', () => {
    const obs = [
      msg('c1', 'customer', T0 - 80 * DAY_MS), msg('c1', 'customer', T0 - 80 * DAY_MS + HOUR), // one contact, two messages
      msg('c2', 'customer', T0 - 20 * DAY_MS), msg('c3', 'agent', T0 - 10 * DAY_MS), // agent-only conversation: no contact
      msg('c4', 'customer', T0 - 3 * DAY_MS), msg('c5', 'customer', T0),
      msg('c0', 'customer', T0 - 100 * DAY_MS - 5 * DAY_MS),
    ].sort((a, b) => a.tsMs - b.tsMs);
    const f = streamFeatures(replay(obs)!);
    expect(f.contacts7d).toBe(2);
    expect(f.contacts30d).toBe(3);
    expect(f.contacts90d).toBe(4);
  });

  it('forgets contacts older than the kept 120 days but keeps the early-contact count', () => {
    const since = T0 - 200 * DAY_MS;
    const early = [0, 10, 20, 30, 40].map((d, i) => msg(`e${i}`, 'customer', since + d * DAY_MS, { customerSinceMs: since }));
    const s = replay([...early, msg('late', 'customer', T0)])!;
    expect(s.contacts).toEqual({ d: dayOf(T0), n: 1, p: [] }); // the early contacts' days are past the kept 120
    expect(s.conversations).toHaveLength(1);
    expect(s.earlyContacts).toBe(5);
    expect(streamFeatures(s).earlyContacts).toBe(5);
    expect(profileFeatures(s).tenureMonths).toBeCloseTo(200 / 30.44, 1);
  });

  it('leaves early contacts unknown when the relationship start is unknown', () => {
    expect(streamFeatures(replay([msg('a', 'customer', T0)])!).earlyContacts).toBeUndefined();
  });

  it('tracks the negative share and sees it rising when the last week turns negative', () => {
    const calm = Array.from({ length: 12 }, (_, i) => msg(`c${i}`, 'customer', T0 - (80 - i * 5) * DAY_MS, { negative: i % 6 === 0 }));
    const angry = Array.from({ length: 4 }, (_, i) => msg(`a${i}`, 'customer', T0 - (3 - i) * DAY_MS, { negative: true }));
    const before = streamFeatures(replay(calm)!);
    const after = streamFeatures(replay([...calm, ...angry])!);
    expect(after.negativeShare!).toBeGreaterThan(before.negativeShare!);
    expect(after.negativeTrend!).toBeGreaterThan(0.3);
    expect(Math.abs(before.negativeTrend!)).toBeLessThan(0.3);
  });

  it('measures agent and customer reply times per conversation', () => {
    const s = replay([
      msg('c', 'customer', T0), msg('c', 'agent', T0 + 4 * HOUR), msg('c', 'customer', T0 + 5 * HOUR),
      msg('d', 'customer', T0 + 6 * HOUR), msg('d', 'agent', T0 + 8 * HOUR),
    ])!;
    expect(streamFeatures(s).agentReplyHours).toBeCloseTo(3, 1); // (4 h + 2 h) / 2, decay over hours is negligible
    expect(s.custReplyLong[0] / s.custReplyLong[1]).toBeCloseTo(1, 1);
  });

  it('sees the tone turning formal only when the formality head is there', () => {
    const informal = Array.from({ length: 10 }, (_, i) => msg(`i${i}`, 'customer', T0 - (60 - i * 5) * DAY_MS, { formal: false }));
    const formal = Array.from({ length: 4 }, (_, i) => msg(`f${i}`, 'customer', T0 - (3 - i) * DAY_MS, { formal: true }));
    expect(streamFeatures(replay([...informal, ...formal])!).formalShift!).toBeGreaterThan(0.2);
    expect(streamFeatures(replay([msg('x', 'customer', T0)])!).formalShift).toBeUndefined();
  });

  it('counts escalations from metadata and CRM events per 90 days, and says nothing of CRM without CRM events', () => {
    const noCrm = streamFeatures(replay([msg('a', 'customer', T0, { escalated: true })])!);
    expect(noCrm.escalations90d).toBe(1);
    expect(noCrm.latePayments90d).toBeUndefined();
    const s = replay([
      biz('payment_late', T0 - 100 * DAY_MS), biz('payment_late', T0 - 40 * DAY_MS), biz('payment_late', T0 - 5 * DAY_MS),
      biz('usage_drop', T0 - 2 * DAY_MS), biz('plan_change', T0 - DAY_MS, { toPlan: 'Monthly basic', downgrade: true }),
      msg('a', 'customer', T0),
    ])!;
    const f = streamFeatures(s);
    expect(f.latePayments90d).toBe(2);
    expect(f.usageDrops90d).toBe(1);
    expect(f.downgrades90d).toBe(1);
    expect(s.plan).toBe('Monthly basic');
    expect(profileFeatures(s).contract).toBe('month-to-month');
  });

  it('sees order frequency falling', () => {
    const before = [100, 90, 80, 70, 60, 50, 45, 40, 35].map((d) => biz('order_placed', T0 - d * DAY_MS));
    const f = streamFeatures(replay([...before, biz('order_placed', T0 - 10 * DAY_MS), msg('a', 'customer', T0)])!);
    expect(f.orderTrend).toBeCloseTo(1 - 9 / 3, 5);
  });

  it('applies a redelivered event once and does not let a late plan change overwrite a newer one', () => {
    const m = msg('a', 'customer', T0, { negative: true });
    const once = replay([m])!;
    expect(reduceCustomer(once, m)).toBe(once);
    const s = replay([biz('plan_change', T0, { toPlan: 'two year' }), biz('plan_change', T0 - DAY_MS, { toPlan: 'month-to-month' })])!;
    expect(s.contract).toBe('two-year');
  });

  it('is order-independent for counts and shares within the window (property)', () => {
    fc.assert(fc.property(fc.array(fc.record({ d: fc.integer({ min: 0, max: 100 }), neg: fc.boolean(), conv: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 30 }), (xs) => {
      const obs = xs.map((x, i) => ({ kind: 'message' as const, id: `p${i}`, conversationId: `c${x.conv}`, author: 'customer' as const, tsMs: T0 - x.d * DAY_MS, negative: x.neg, escalated: false }));
      const sorted = streamFeatures(replay([...obs].sort((a, b) => a.tsMs - b.tsMs))!);
      const shuffled = streamFeatures(replay([...obs].reverse())!);
      expect(shuffled.negativeShare).toBeCloseTo(sorted.negativeShare!, 6);
      expect(shuffled.contacts90d).toBe(sorted.contacts90d);
      expect(shuffled.contacts30d).toBe(sorted.contacts30d);
    }), { numRuns: 50 });
  });

  it('ignores an observation with an invalid time instead of throwing', () => {
    const s = emptyState(T0);
    expect(() => reduceCustomer(s, msg('a', 'customer', Number.NaN))).not.toThrow();
    expect(reduceCustomer(s, msg('a', 'customer', Number.NaN))).toBe(s);
  });
});

/** Days (fractional) before the end of a history, spread evenly (fast-check's default bias favours the ends). */
const days = (max: number) => fc.noBias(fc.integer({ min: 0, max: max * 1000 })).map((x) => x / 1000);

/** A random history: conversations (1-4 turns over up to 3 days each) and CRM events over ~140 days, in time order or shuffled. */
const historyArb = fc.record({
  endOffsetMs: fc.noBias(fc.integer({ min: 0, max: DAY_MS - 1 })),
  convs: fc.array(fc.record({
    back: days(140),
    turns: fc.array(fc.record({ hours: fc.noBias(fc.double({ min: 0, max: 24, noNaN: true })), customer: fc.boolean(), negative: fc.boolean(), formal: fc.option(fc.boolean(), { nil: undefined }), escalated: fc.boolean() }), { minLength: 1, maxLength: 4 }),
  }), { maxLength: MAX_CONVERSATIONS - 2, size: 'max' }),
  crm: fc.array(fc.record({ back: days(140), type: fc.constantFrom('payment_late' as const, 'order_placed' as const, 'usage_drop' as const, 'plan_change' as const) }), { maxLength: 25, size: 'max' }),
  shuffle: fc.option(fc.integer({ min: 1, max: 2 ** 30 }), { nil: undefined }),
});

type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

function buildHistory(h: History): CustomerObservation[] {
  const end = T0 + h.endOffsetMs;
  const obs: CustomerObservation[] = [];
  h.convs.forEach((c, k) => {
    let t = end - Math.round(c.back * DAY_MS);
    c.turns.forEach((turn, j) => {
      t += Math.round(turn.hours * 3_600_000);
      obs.push({ kind: 'message', id: `h${k}-${j}`, conversationId: `conv-${k}`, author: turn.customer ? 'customer' : 'agent', tsMs: t, negative: turn.negative, ...(turn.formal !== undefined ? { formal: turn.formal } : {}), escalated: turn.escalated });
    });
  });
  h.crm.forEach((e, k) => obs.push({ kind: 'business', id: `b-${k}`, type: e.type, tsMs: end - Math.round(e.back * DAY_MS), ...(e.type === 'plan_change' ? { downgrade: true } : {}) }));
  obs.sort((a, b) => a.tsMs - b.tsMs);
  if (h.shuffle !== undefined) {
    let x = h.shuffle;
    for (let i = obs.length - 1; i > 0; i--) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const j = x % (i + 1);
      [obs[i], obs[j]] = [obs[j]!, obs[i]!];
    }
  }
  return obs;
}

/** The exact definitions, straight from the events: counts over (now - W x 24 h, now], and the events on the window's oldest UTC day. */
function exactCounts(now: number, times: number[], w: number): { exact: number; onOldestDay: number } {
  return { exact: times.filter((t) => t > now - w * DAY_MS && t <= now).length, onOldestDay: times.filter((t) => dayOf(t) === dayOf(now) - w).length };
}

describe('customer state against the exact computation', () => {
  it('counts each window within its bound: 0 <= exact - counted <= events on the window\'s oldest day (property)', () => {
    fc.assert(fc.property(historyArb, (h) => {
      const obs = buildHistory(h);
      if (obs.length === 0) return;
      const s = replay(obs)!;
      const now = Math.max(...obs.map((o) => o.tsMs));
      expect(s.asOfMs).toBe(now);
      const f = streamFeatures(s);
      const msgs = obs.filter((o): o is Extract<CustomerObservation, { kind: 'message' }> => o.kind === 'message');
      const starts = new Map<string, number>();
      for (const m of msgs) if (m.author === 'customer') starts.set(m.conversationId, Math.min(m.tsMs, starts.get(m.conversationId) ?? Infinity));
      const crmTimes = (type: string) => obs.filter((o) => o.kind === 'business' && o.type === type).map((o) => o.tsMs);
      const check = (counted: number | undefined, times: number[], w: number) => {
        const { exact, onOldestDay } = exactCounts(now, times, w);
        expect(counted).toBeDefined();
        expect(exact - counted!).toBeGreaterThanOrEqual(0);
        expect(exact - counted!).toBeLessThanOrEqual(onOldestDay);
      };
      check(f.contacts7d, [...starts.values()], 7);
      check(f.contacts30d, [...starts.values()], 30);
      check(f.contacts90d, [...starts.values()], 90);
      check(f.escalations90d, msgs.filter((m) => m.escalated).map((m) => m.tsMs), 90);
      if (h.crm.length === 0) {
        expect(f.latePayments90d).toBeUndefined();
        return;
      }
      check(f.latePayments90d, crmTimes('payment_late'), 90);
      check(f.usageDrops90d, crmTimes('usage_drop'), 90);
      check(f.downgrades90d, crmTimes('plan_change'), 90);
      // Orders: 30-day count minus a third of the 90 days before; the error follows from the two windows' bounds.
      const orders = crmTimes('order_placed');
      const o30 = exactCounts(now, orders, 30), o120 = exactCounts(now, orders, 120);
      if (o120.exact === 0) expect(f.orderTrend).toBeUndefined();
      else if (f.orderTrend === undefined) expect(o120.exact).toBe(o120.onOldestDay);
      else expect(Math.abs(f.orderTrend - (o30.exact - (o120.exact - o30.exact) / 3))).toBeLessThanOrEqual((4 * o30.onOldestDay + o120.onOldestDay) / 3 + 1e-9);
    }), { numRuns: 300 });
  });

  it('keeps the decayed shares equal to their closed form, whatever the order of arrival (property)', () => {
    fc.assert(fc.property(historyArb, (h) => {
      const obs = buildHistory(h);
      const customer = obs.filter((o): o is Extract<CustomerObservation, { kind: 'message' }> => o.kind === 'message' && o.author === 'customer');
      if (customer.length === 0) return;
      const s = replay(obs)!;
      const sum = (tau: number, hit: (o: (typeof customer)[number]) => number, of = customer): [number, number] =>
        of.reduce<[number, number]>(([a, b], o) => { const w = Math.exp(-(s.asOfMs - o.tsMs) / tau); return [a + hit(o) * w, b + w]; }, [0, 0]);
      const close = (got: readonly number[], want: readonly number[]) => got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want[i]!))));
      close(s.negShort, sum(SHORT_TAU_MS, (o) => (o.negative ? 1 : 0)));
      close(s.negLong, sum(LONG_TAU_MS, (o) => (o.negative ? 1 : 0)));
      close(s.negBase, sum(REPLY_LONG_TAU_MS, (o) => (o.negative ? 1 : 0)));
      close(s.formalLong, sum(LONG_TAU_MS, (o) => (o.formal ? 1 : 0), customer.filter((o) => o.formal !== undefined)));
    }), { numRuns: 200 });
  });

  it('never changes a state it returned: every intermediate state stays as it was (property)', () => {
    fc.assert(fc.property(historyArb, (h) => {
      const states: CustomerState[] = [];
      const copies: CustomerState[] = [];
      let s: CustomerState | undefined;
      for (const o of buildHistory(h)) {
        s = reduceCustomer(s, o);
        states.push(s);
        copies.push(structuredClone(s));
      }
      expect(states).toEqual(copies);
    }), { numRuns: 100 });
  });
});

describe('customer state size', () => {
  const busy = (n: number): CustomerObservation[] => Array.from({ length: n }, (_, i) => i % 25 === 24
    ? { kind: 'business' as const, id: `b${i}`, type: (['payment_late', 'order_placed', 'usage_drop', 'plan_change'] as const)[i % 4]!, tsMs: T0 + i * 3_600_000, downgrade: true }
    : { kind: 'message' as const, id: `m${i}`, conversationId: `c${Math.floor(i / 4)}`, author: i % 2 === 0 ? 'customer' as const : 'agent' as const, tsMs: T0 + i * 3_600_000, negative: i % 3 === 0, escalated: i % 7 === 0 });

  it('stays within fixed limits however long the history (10,000 events)', () => {
    const s = replay(busy(10_000))!;
    for (const c of [s.contacts, s.escalations, s.latePayments, s.orders, s.usageDrops, s.downgrades]) expect(c.p.length).toBeLessThanOrEqual(2 * (KEEP_DAYS - 1));
    expect(s.contacts.p.length).toBe(2 * (KEEP_DAYS - 1)); // a contact every day: the counters are full
    expect(s.conversations).toHaveLength(MAX_CONVERSATIONS);
    expect(s.seen.length).toBeLessThan(SEEN_CHUNK);
    expect(s.seenBefore).toHaveLength(MAX_SEEN_IDS);
    // A conversation starts every 4 hours (6 a day); the last event is at 15:00, so its day has 4.
    expect(streamFeatures(s).contacts7d).toBe(4 + 6 * 6);
    expect(streamFeatures(s).contacts90d).toBe(4 + 6 * 89);
  });

  it('applies any of the last 64 events once when redelivered, and forgets older ids', () => {
    const obs = busy(200);
    const s = replay(obs)!;
    for (const o of obs.slice(-MAX_SEEN_IDS)) expect(reduceCustomer(s, o)).toBe(s);
    expect(reduceCustomer(s, obs[0]!)).not.toBe(s);
  });

  it('counts a contact once while its conversation is among the most recently active, and again after that', () => {
    const open = Array.from({ length: MAX_CONVERSATIONS }, (_, k) => msg(`k${k}`, 'customer', T0 + k * 60_000));
    const s = replay(open)!;
    expect(streamFeatures(s).contacts7d).toBe(MAX_CONVERSATIONS);
    const again = replay([msg('k0', 'customer', T0 + DAY_MS), msg('k1', 'customer', T0 + DAY_MS + 1)], s)!;
    expect(streamFeatures(again).contacts7d).toBe(MAX_CONVERSATIONS);
    // A 33rd conversation pushes out the least recently active one (k2): a message there is a new contact.
    const pushed = replay([msg('new', 'customer', T0 + DAY_MS + 2), msg('k2', 'customer', T0 + DAY_MS + 3)], again)!;
    expect(streamFeatures(pushed).contacts7d).toBe(MAX_CONVERSATIONS + 2);
  });

  it('moves a contact to the day of a late first message', () => {
    const s = replay([msg('a', 'customer', T0), msg('a', 'customer', T0 - 10 * DAY_MS)])!;
    const f = streamFeatures(s);
    expect([f.contacts7d, f.contacts30d]).toEqual([0, 1]);
  });
});

describe('observations from engine events', () => {
  it('reads negativity, formality, escalation and the relationship start; ignores malformed meta', () => {
    const o = messageObservation({
      event: { id: 'e1', conversationId: 'c', author: 'customer', tsMs: T0, meta: { transfers: 2, customerSince: '2025-01-01T00:00:00Z' } },
      sentiment: { label: 'negative' }, formality: { label: 'formal' },
    });
    expect(o).toMatchObject({ negative: true, formal: true, escalated: true, customerSinceMs: Date.UTC(2025, 0, 1) });
    const bad = messageObservation({ event: { id: 'e2', conversationId: 'c', author: 'agent', tsMs: T0, meta: { transfers: 'lots', customerSince: 'yesterday' } }, sentiment: { label: 'neutral' } });
    expect(bad.escalated).toBe(false);
    expect(bad.customerSinceMs).toBeUndefined();
    expect(bad.formal).toBeUndefined();
    expect(businessObservation({ id: 'b', type: 'plan_change', tsMs: T0, meta: { toPlan: 'basic', direction: 'downgrade' } })).toMatchObject({ toPlan: 'basic', downgrade: true });
  });
});
