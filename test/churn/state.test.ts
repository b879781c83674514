import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DAY_MS, emptyState, reduceCustomer, replay, type CustomerObservation } from '../../engine/churn/state.ts';
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
    expect(s.contacts).toEqual({ n: 1, p: [] }); // the early contacts' days are past the kept 120
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
