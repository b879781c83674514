import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/model/backend.ts';
import { loadChurnScorer, profileFeatures, replay, streamFeatures, type ChurnScorer, type CustomerObservation, type CustomerState } from '../../engine/churn/index.ts';
import { ActionClosedError, ActionNotFoundError, createActionEngine, inBusinessHours, loadActionCatalog, type ActionEngineOptions } from '../../engine/actions/index.ts';
import type { ActionRecommendation, BusinessEvent } from '../../engine/event/index.ts';

const DAY = 86_400_000;
const T = Date.UTC(2026, 5, 3, 18); // a Wednesday, 20:00 in Oslo: outside business hours
const catalog = loadActionCatalog();

/** Four contacts in 30 days, all negative lately after a calm quarter, and a late payment (hand-made). */
function history(customer: string): CustomerObservation[] {
  const since = T - 800 * DAY;
  const calm = Array.from({ length: 6 }, (_, i) => ({ kind: 'message' as const, id: `${customer}-old-${i}`, conversationId: `${customer}-old-${i}`, author: 'customer' as const, tsMs: T - (80 - i * 5) * DAY, negative: false, escalated: false, customerSinceMs: since }));
  const recent = [20, 12, 6, 1].map((d, i) => ({ kind: 'message' as const, id: `${customer}-m${i}`, conversationId: `${customer}-c${i}`, author: 'customer' as const, tsMs: T - d * DAY, negative: true, escalated: false }));
  return [...calm, ...recent, { kind: 'business', id: `${customer}-late`, type: 'payment_late', tsMs: T }];
}
const late = (customer: string, meta: Record<string, unknown> = {}): BusinessEvent => ({ id: `${customer}-late`, customerId: customer, type: 'payment_late', tsMs: T, receivedAtMs: T, meta: { daysLate: 12, ...meta } });

let scorer: ChurnScorer;
beforeAll(async () => {
  await initBackend('wasm');
  scorer = await loadChurnScorer();
});
afterAll(() => scorer?.dispose());

function setup(patch: Partial<ActionEngineOptions> = {}) {
  const states = new Map<string, CustomerState>();
  const broadcast: ActionRecommendation[] = [];
  const written: ActionRecommendation[] = [];
  const engine = createActionEngine({
    catalog, holdOutPercent: 0, seed: 1, agentLang: 'en',
    stateOf: async (id) => states.get(id),
    scoreChurn: async (s) => (await scorer.score([{ profile: profileFeatures(s), stream: streamFeatures(s) }]))[0]!,
    outlets: { broadcast: (a) => broadcast.push(a), write: async (list) => void written.push(...list) },
    now: () => T + 3_600_000,
    ...patch,
  });
  const tip = (customer: string, meta?: Record<string, unknown>) => {
    const state = replay(history(customer))!;
    states.set(customer, state);
    engine.observeBusiness([{ event: late(customer, meta), state }]);
  };
  return { engine, broadcast, written, tip };
}

describe('the action engine', () => {
  it('turns the tipping event into a ranked action with reason, evidence, explanation and a due time in business hours', async () => {
    const { engine, broadcast, written, tip } = setup();
    tip('cust-1', { owner: 'anna', team: 'nordic', tz: 'Europe/Oslo', segment: 'smb' });
    await engine.flush();
    const [a] = engine.list();
    expect(a).toMatchObject({ customerId: 'cust-1', owner: 'anna', team: 'nordic', segment: 'smb', status: 'open', heldOut: false, chosenBy: 'rule', tz: 'Europe/Oslo', triggerId: 'cust-1-late' });
    expect(['personal_call', 'credit_or_price_review']).toContain(a!.action);
    expect(a!.churnProbability).toBeGreaterThanOrEqual(0.3);
    expect(a!.reason).toMatch(/^(Call cust-1 this week|Review the price)/);
    expect(a!.reason).toContain(`${Math.round(a!.churnProbability! * 100)}%`);
    expect(a!.explanation.length).toBeGreaterThan(40);
    expect(a!.evidence.map((e) => e.value)).toContain('payment_late');
    expect(a!.evidence.find((e) => e.field === 'churnProbability')?.text).toMatch(/^churn risk \d+%$/);
    expect(a!.dueMs).toBeGreaterThan(T);
    expect(inBusinessHours(a!.dueMs, 'Europe/Oslo', catalog.timing.businessHours)).toBe(true);
    expect(a!.timing).toBe('business_hours');
    expect(broadcast).toEqual([a]);
    expect(written).toEqual([a]);
  });

  it('applies a redelivered trigger once, and does not nag while an action is open', async () => {
    const { engine, written, tip } = setup();
    tip('cust-2');
    tip('cust-2');
    await engine.flush();
    expect(written).toHaveLength(1);
  });

  it('records outcomes once, learns from them, and refuses unknown or closed actions with clear errors', async () => {
    const { engine, broadcast, written, tip } = setup();
    tip('cust-3', { segment: 'smb' });
    await engine.flush();
    const [a] = engine.list();
    const done = await engine.outcome(a!.actionId, 'done', 'anna', 'offered a free review');
    expect(done).toMatchObject({ status: 'done', outcome: 'done', outcomeBy: 'anna', note: 'offered a free review', stateMs: T + 3_600_000 });
    expect(engine.list()).toEqual([]);
    expect(engine.list({ status: 'done' })).toEqual([done]);
    await expect(engine.outcome(a!.actionId, 'declined')).rejects.toThrow(ActionClosedError);
    await expect(engine.outcome('act_nope', 'done')).rejects.toThrow(ActionNotFoundError);
    expect(engine.learning().arms).toEqual([{ segment: 'smb', action: a!.action, successes: 1, failures: 0 }]);
    await engine.flush();
    expect(written.map((w) => w.status)).toEqual(['open', 'done']);
    expect(broadcast.map((w) => w.status)).toEqual(['open', 'done']);

    // A cancellation within the learning window turns the success into a failure and is recorded.
    const state = replay([...history('cust-3'), { kind: 'business', id: 'cust-3-cancel', type: 'cancellation', tsMs: T + 5 * DAY }])!;
    engine.observeBusiness([{ event: { id: 'cust-3-cancel', customerId: 'cust-3', type: 'cancellation', tsMs: T + 5 * DAY, receivedAtMs: T + 5 * DAY }, state }]);
    await engine.flush();
    expect(engine.learning().arms).toEqual([{ segment: 'smb', action: a!.action, successes: 0, failures: 1 }]);
    expect(written.find((w) => w.churnedAfter)).toMatchObject({ actionId: a!.actionId, status: 'done', churnedAfter: true });
  });

  it('replaces a weaker open action when a stronger one becomes eligible, and says so on the feed', async () => {
    const { engine, broadcast } = setup();
    const state = replay(history('cust-s'))!;
    // A message first: few facts, a technical question -> the FAQ e-mail.
    engine.observeScored([{ id: 'q-1', channel: 'email', conversationId: 'q', customerId: 'cust-s', author: 'customer', tsMs: T - 2 * DAY, text: 'x', lang: 'en', langConfidence: 1, sentiment: { label: 'negative', score: -0.5, confidence: 0.9 }, topic: { label: 'technical', confidence: 0.9 }, churn: { probability: 0.35, band: 'medium', factors: [], modelVersion: 'v' }, conversation: { turns: 1, recent: [-0.5], trend: 0 }, modelVersion: 'v', latencyMs: 1, receivedAtMs: T - 2 * DAY }]);
    await engine.flush();
    expect(engine.list().map((a) => a.action)).toEqual([]);
    // The state store knows the contacts: stateOf is read on the next message.
    const s2 = setup({ stateOf: async () => replay(history('cust-s').slice(0, -1)) });
    s2.engine.observeScored([{ id: 'q-1', channel: 'email', conversationId: 'q', customerId: 'cust-s', author: 'customer', tsMs: T - DAY, text: 'x', lang: 'en', langConfidence: 1, sentiment: { label: 'negative', score: -0.5, confidence: 0.9 }, topic: { label: 'technical', confidence: 0.9 }, churn: { probability: 0.35, band: 'medium', factors: [], modelVersion: 'v' }, conversation: { turns: 1, recent: [-0.5], trend: 0 }, modelVersion: 'v', latencyMs: 1, receivedAtMs: T - DAY }]);
    await s2.engine.flush();
    const [faq] = s2.engine.list();
    expect(faq?.action).toBe('proactive_faq');
    s2.engine.observeBusiness([{ event: late('cust-s'), state }]);
    await s2.engine.flush();
    const [now] = s2.engine.list();
    expect(now?.action).toBe('personal_call');
    expect(s2.engine.list({ status: 'superseded' })).toMatchObject([{ actionId: faq!.actionId, supersededBy: now!.actionId }]);
    expect(s2.broadcast.map((a) => `${a.action}:${a.status}`)).toEqual(['proactive_faq:open', 'proactive_faq:superseded', 'personal_call:open']);
    expect(broadcast).toEqual([]);
  });

  it('records a hold-out customer\'s pick without offering it', async () => {
    const { engine, broadcast, written, tip } = setup({ holdOutPercent: 100 });
    tip('cust-4');
    await engine.flush();
    expect(engine.list()).toEqual([]);
    expect(broadcast).toEqual([]);
    expect(written).toMatchObject([{ customerId: 'cust-4', status: 'held_out', heldOut: true }]);
    await expect(engine.outcome(written[0]!.actionId, 'done')).rejects.toThrow(/hold-out/);
  });

  it('filters the worklist by owner, team, action and due time, and expires what nobody closed', async () => {
    const { engine, tip } = setup();
    tip('c-a', { owner: 'anna', team: 'nordic' });
    tip('c-b', { owner: 'bo', team: 'dach' });
    await engine.flush();
    expect(engine.list().map((a) => a.customerId).sort()).toEqual(['c-a', 'c-b']);
    expect(engine.list({ owner: 'anna' }).map((a) => a.customerId)).toEqual(['c-a']);
    expect(engine.list({ team: 'dach' }).map((a) => a.customerId)).toEqual(['c-b']);
    expect(engine.list({ action: 'no_such_action' })).toEqual([]);
    expect(engine.list({ dueBeforeMs: T })).toEqual([]);
    expect(engine.list({ dueBeforeMs: T + 7 * DAY })).toHaveLength(2);
    engine.expire(T + (catalog.openDays + 1) * DAY);
    expect(engine.list()).toEqual([]);
    expect(engine.list({ status: 'expired' })).toHaveLength(2);
  });

  it('takes back what the store kept: the worklist, cool-downs and the bandit\'s counts', async () => {
    const first = setup();
    first.tip('r-1', { segment: 'smb' });
    first.tip('r-2', { segment: 'smb' });
    await first.engine.flush();
    const [x] = first.engine.list({ customerId: 'r-1' });
    await first.engine.outcome(x!.actionId, 'declined');
    await first.engine.flush();
    const kept = new Map(first.written.map((a) => [a.actionId, a])); // latest state per action, as the store gives it

    const second = setup();
    second.engine.restore([...kept.values()]);
    expect(second.engine.list().map((a) => a.customerId)).toEqual(['r-2']);
    expect(second.engine.list({ status: 'declined' }).map((a) => a.actionId)).toEqual([x!.actionId]);
    expect(second.engine.learning().arms).toEqual([{ segment: 'smb', action: x!.action, successes: 0, failures: 1 }]);
    // r-1's action is in its cool-down and r-2 still has one open: the same events bring nothing new.
    second.tip('r-1', { segment: 'smb' });
    second.tip('r-2', { segment: 'smb' });
    await second.engine.flush();
    expect(second.written.filter((a) => a.action === x!.action)).toEqual([]);
  });

  it('never throws on a bad event: errors go to onError and the next events still count', async () => {
    const errors: Error[] = [];
    const { engine, tip, written } = setup({ stateOf: async () => { throw new Error('state store down'); } });
    const e2 = createActionEngine({ catalog, holdOutPercent: 0, seed: 1, agentLang: 'xx', stateOf: async () => { throw new Error('state store down'); }, scoreChurn: async () => ({ probability: 0.9, band: 'high' }), outlets: { broadcast() {}, write: async () => undefined, onError: (e) => errors.push(e) } });
    e2.observeScored([{ id: 'm', channel: 'chat', conversationId: 'c', customerId: 'x', author: 'customer', tsMs: T, text: 'hi', lang: 'en', langConfidence: 1, sentiment: { label: 'negative', score: -0.9, confidence: 0.9 }, churn: { probability: 0.9, band: 'high', factors: [], modelVersion: 'v' }, conversation: { turns: 1, recent: [-0.9], trend: 0 }, modelVersion: 'v', latencyMs: 1, receivedAtMs: T }]);
    await e2.flush();
    expect(errors.map((e) => e.message)).toEqual(['state store down']);
    tip('cust-5'); // business path does not read stateOf
    await engine.flush();
    expect(written).toHaveLength(1);
  });
});
