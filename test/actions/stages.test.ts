import { describe, expect, it } from 'vitest';
import { assess, createBandit, detect, emptyMemo, loadActionCatalog, prioritise, recommend, type ActionFacts, type CustomerMemo } from '../../engine/actions/index.ts';
import { seededRandom } from '../../engine/util/index.ts';

const catalog = loadActionCatalog();
const DAY = 86_400_000;
const T = Date.UTC(2026, 5, 2, 10);
const bandit = () => createBandit(catalog.learning, seededRandom(1));
const memo = (patch: Partial<CustomerMemo> = {}): CustomerMemo => ({ ...emptyMemo(), segment: 'smb', ...patch });
/** Four contacts in 30 days, a late payment, sentiment turning: the customer. */
const troubled: ActionFacts = { churnProbability: 0.62, churnBand: 'high', contacts30d: 4, negativeTrend: 0.3, latePayments90d: 1, live: false, topics30d: ['billing'] };
/** Upset right now in a live chat, talking about cancelling. */
const liveRisk: ActionFacts = { ...troubled, live: true, sentimentScore: -0.8, topics30d: ['cancellation'] };

describe('detect', () => {
  it('finds the changes that matter and nothing when nothing changed', () => {
    const m = memo();
    expect(detect(m, troubled, { id: 'e1', tsMs: T, kind: 'business', types: ['payment_late'] }, catalog.detect).map((e) => e.value)).toEqual(['payment_late', 'risk_band_up', 'sentiment_turning']);
    const seen = memo({ lastBand: 'high', lastProbability: 0.6, lastNegativeTrend: 0.3 });
    expect(detect(seen, troubled, { id: 'm1', tsMs: T, kind: 'message' }, catalog.detect)).toEqual([]);
    expect(detect(seen, { ...troubled, churnProbability: 0.75 }, { id: 'm2', tsMs: T, kind: 'message' }, catalog.detect).map((e) => e.value)).toEqual(['risk_up']);
    expect(detect(seen, liveRisk, { id: 'm3', tsMs: T, kind: 'message' }, catalog.detect).map((e) => e.value)).toEqual(['live_risk']);
    expect(detect(seen, troubled, { id: 'o1', tsMs: T, kind: 'business', types: ['order_placed'] }, catalog.detect)).toEqual([]);
  });
});

describe('assess', () => {
  it('ranks by churn, value, urgency and recency', () => {
    const m = memo({ lastMessageMs: T - DAY });
    const low = assess(m, { ...troubled, churnProbability: 0.2 }, T, catalog.assess);
    const high = assess(m, troubled, T, catalog.assess);
    const valuable = assess(m, { ...troubled, plan: 'Enterprise 24 months', tenureMonths: 48 }, T, catalog.assess);
    const live = assess(m, liveRisk, T, catalog.assess);
    expect(high.priority).toBeGreaterThan(low.priority);
    expect(valuable.priority).toBeGreaterThan(high.priority);
    expect(live.priority).toBeGreaterThan(high.priority);
    expect(assess(memo({ lastMessageMs: T - 60 * DAY }), troubled, T, catalog.assess).priority).toBeLessThan(high.priority);
  });
});

describe('recommend', () => {
  it('picks the best eligible action by prior effect and says which clauses made it eligible', () => {
    const r = recommend(memo(), troubled, T, catalog, bandit(), false);
    expect(r).toMatchObject({ kind: 'action', heldOut: false, choice: { chosenBy: 'rule' } });
    if (r.kind !== 'action') throw new Error('expected an action');
    expect(r.choice.action.id).toBe('personal_call');
    expect(r.matched.map((c) => c.field)).toEqual(['churnProbability', 'contacts30d', 'negativeTrend']);
  });

  it('respects the cool-down per customer and action', () => {
    const m = memo({ history: [{ action: 'personal_call', ms: T - 3 * DAY, critical: false, heldOut: false }] });
    const r = recommend(m, troubled, T, catalog, bandit(), false);
    if (r.kind !== 'action') throw new Error('expected the next-best action');
    expect(r.choice.action.id).toBe('credit_or_price_review');
    const all = memo({ history: ['personal_call', 'credit_or_price_review'].map((action) => ({ action, ms: T - 3 * DAY, critical: false, heldOut: false })) });
    expect(recommend(all, troubled, T, catalog, bandit(), false)).toEqual({ kind: 'none', why: 'cooling_down' });
    const old = memo({ history: [{ action: 'personal_call', ms: T - 15 * DAY, critical: false, heldOut: false }] });
    expect(recommend(old, troubled, T, catalog, bandit(), false)).toMatchObject({ choice: { action: { id: 'personal_call' } } });
  });

  it('keeps the contact rhythm: no more than maxActions non-critical actions in perDays', () => {
    const two = memo({ history: ['account_review', 'product_training'].map((action, i) => ({ action, ms: T - (i + 1) * DAY, critical: false, heldOut: false })) });
    expect(recommend(two, troubled, T, catalog, bandit(), false)).toEqual({ kind: 'none', why: 'rhythm' });
    // Held-out and critical ones are not contacts that count.
    const notCounted = memo({ history: [{ action: 'account_review', ms: T - DAY, critical: false, heldOut: true }, { action: 'escalate_supervisor', ms: T - DAY, critical: true, heldOut: false }] });
    expect(recommend(notCounted, troubled, T, catalog, bandit(), false).kind).toBe('action');
    const open = { actionId: 'act_1', action: 'personal_call' };
    expect(recommend(memo({ openActionId: 'act_1' }), troubled, T, catalog, bandit(), false, open)).toEqual({ kind: 'none', why: 'open_action' });
  });

  it('lets a stronger action supersede a weaker open one, which then counts neither as a contact nor for its cool-down', () => {
    const faq = { actionId: 'act_faq', action: 'proactive_faq' };
    const twoContacts = memo({ openActionId: 'act_faq', history: [{ action: 'account_review', ms: T - DAY, critical: false, heldOut: false }, { action: 'proactive_faq', ms: T - DAY, critical: false, heldOut: false }] });
    const r = recommend(twoContacts, troubled, T, catalog, bandit(), false, faq);
    expect(r).toMatchObject({ kind: 'action', supersedes: 'act_faq', choice: { action: { id: 'personal_call' } } });
  });

  it('records the pick as held out for a hold-out customer, but never holds out or explores away a critical action', () => {
    expect(recommend(memo(), troubled, T, catalog, bandit(), true)).toMatchObject({ kind: 'action', heldOut: true });
    const explorer = createBandit({ ...catalog.learning, minOutcomes: 0, exploration: 1 }, seededRandom(5));
    const busy = memo({ openActionId: 'a', history: ['account_review', 'product_training'].map((action) => ({ action, ms: T - DAY, critical: false, heldOut: false })) });
    for (let i = 0; i < 50; i++) {
      const r = recommend(busy, liveRisk, T, catalog, explorer, true);
      expect(r).toMatchObject({ kind: 'action', heldOut: false, choice: { chosenBy: 'critical', action: { id: 'escalate_supervisor' } } });
    }
  });

  it('offers nothing to a customer nothing applies to', () => {
    expect(recommend(memo(), { churnProbability: 0.1, contacts30d: 1, live: false }, T, catalog, bandit(), false)).toEqual({ kind: 'none', why: 'not_eligible' });
  });
});

describe('prioritise', () => {
  it('puts critical first, then what is due now, then priority, then the earliest due', () => {
    const list = [
      { id: 'a', critical: false, timing: 'customer' as const, priority: 0.9, dueMs: 5 },
      { id: 'b', critical: true, timing: 'now' as const, priority: 0.5, dueMs: 9 },
      { id: 'c', critical: false, timing: 'now' as const, priority: 0.4, dueMs: 1 },
      { id: 'd', critical: false, timing: 'segment' as const, priority: 0.9, dueMs: 2 },
      { id: 'e', critical: false, timing: 'segment' as const, priority: 0.3, dueMs: 0 },
    ];
    expect(prioritise(list).map((x) => x.id)).toEqual(['b', 'c', 'd', 'a', 'e']);
  });
});
