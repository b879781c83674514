/**
 * Five weeks of customer traffic ending 2026-11-20 (UTC), 20 customer messages per channel per day:
 * chat (German) jumps from 10% to 40% negative in the last week; email (English) and call
 * (Swedish) stay at 10% throughout. Plus agent turns, which the reports must ignore.
 */
import type { BusinessEvent, Channel, ScoredEvent } from '../../engine/event/types.ts';
import type { ActionRecommendation } from '../../engine/event/actions.ts';

export const REPORT_DATE = '2026-11-20';
const END_MS = Date.UTC(2026, 10, 21);
const DAY_MS = 86_400_000;
export const PER_DAY = 20;
export const LANG: Record<Channel, string> = { chat: 'de', email: 'en', call: 'sv' };

export function reportEvents(): ScoredEvent[] {
  const out: ScoredEvent[] = [];
  const channels: Channel[] = ['chat', 'email', 'call'];
  for (let d = 0; d < 35; d++) {
    const dayStart = END_MS - (35 - d) * DAY_MS;
    const lastWeek = d >= 28;
    for (const channel of channels) {
      for (let i = 0; i < PER_DAY; i++) {
        const spike = lastWeek && channel === 'chat';
        const negative = spike ? i % 10 < 4 : i % 10 === 0;
        const conv = `${channel}-${d}-${i % 5}`;
        const tsMs = dayStart + (i % 24) * 3_600_000 + i * 1000;
        const score = negative ? -0.7 - (i % 3) * 0.1 : 0.2 + (d % 4) * 0.05;
        out.push(event(`${channel}-${d}-${i}`, channel, conv, 'customer', tsMs, negative ? 'negative' : 'positive', score));
        if (i % 5 === 0) out.push(event(`${channel}-${d}-${i}-agent`, channel, conv, 'agent', tsMs + 500, 'negative', -0.9));
      }
    }
  }
  return out;
}

function event(id: string, channel: Channel, conv: string, author: 'customer' | 'agent', tsMs: number, label: 'negative' | 'positive', score: number): ScoredEvent {
  return {
    id,
    channel,
    conversationId: conv,
    customerId: `cust-${conv}`,
    author,
    ...(author === 'agent' ? { agentId: 'agent-1' } : {}),
    tsMs,
    text: `${label} message ${id}`,
    lang: LANG[channel],
    langConfidence: 0.9,
    sentiment: { label, score, confidence: 0.8 },
    conversation: { turns: 1, recent: [score], trend: 0 },
    modelVersion: 'report-test',
    latencyMs: 3,
    receivedAtMs: tsMs + 20,
  };
}

/**
 * Service KPIs and actions around REPORT_DATE, hand-made: cust-a comes back (a repeat contact),
 * cust-b's call is transferred and cust-c's e-mail escalated; personal calls 10 days earlier to
 * four customers and held out from four more, of whom one and three cancel; on the day an
 * escalation (critical), a done price review, a declined FAQ and a superseded one.
 */
export function kpiFixture(): { events: ScoredEvent[]; business: BusinessEvent[]; actions: ActionRecommendation[] } {
  const day = END_MS - DAY_MS;
  const at = (h: number, m = 0) => day + h * 3_600_000 + m * 60_000;
  const msg = (id: string, channel: Channel, conv: string, customer: string, author: 'customer' | 'agent', tsMs: number, meta?: Record<string, unknown>): ScoredEvent => ({
    ...event(id, channel, conv, author, tsMs, 'negative', -0.5), customerId: customer, ...(meta ? { meta } : {}),
  });
  const events = [
    msg('a1-1', 'chat', 'a1', 'cust-a', 'customer', day - 3 * DAY_MS), msg('a1-2', 'chat', 'a1', 'cust-a', 'agent', day - 3 * DAY_MS + 60_000),
    msg('a2-1', 'chat', 'a2', 'cust-a', 'customer', at(9)), msg('a2-2', 'chat', 'a2', 'cust-a', 'agent', at(9, 10)), msg('a2-3', 'chat', 'a2', 'cust-a', 'customer', at(9, 30)),
    msg('b1-1', 'call', 'b1', 'cust-b', 'customer', at(10), { transfers: 2 }), msg('b1-2', 'call', 'b1', 'cust-b', 'agent', at(10, 12), { transfers: 2 }),
    msg('c1-1', 'email', 'c1', 'cust-c', 'customer', at(11), { escalated: true }), msg('c1-2', 'email', 'c1', 'cust-c', 'agent', at(11, 50)),
  ];
  const base = { segment: 'smb', priority: 0.5, churnProbability: 0.6, reason: 'r', reasonLang: 'en', explanation: 'e', explanationLang: 'en', evidence: [], timing: 'business_hours' as const, tz: 'UTC', triggerId: 't' };
  const action = (actionId: string, kind: string, customer: string, tsMs: number, status: ActionRecommendation['status'], over: Partial<ActionRecommendation> = {}): ActionRecommendation => ({
    ...base, actionId, action: kind, customerId: customer, status, critical: false, heldOut: status === 'held_out', chosenBy: 'rule', dueMs: tsMs, tsMs, stateMs: tsMs, ...over,
  });
  const earlier = day - 10 * DAY_MS;
  const actions = [
    ...[1, 2, 3, 4].map((i) => action(`pc-x${i}`, 'personal_call', `cust-x${i}`, earlier, 'done', { outcome: 'done' })),
    ...[1, 2, 3, 4].map((i) => action(`pc-h${i}`, 'personal_call', `cust-h${i}`, earlier, 'held_out')),
    action('esc-b', 'escalate_supervisor', 'cust-b', at(10), 'open', { critical: true, chosenBy: 'critical' }),
    action('cr-a', 'credit_or_price_review', 'cust-a', at(9), 'done', { outcome: 'done' }),
    action('faq-c', 'proactive_faq', 'cust-c', at(11), 'declined', { outcome: 'declined' }),
    action('faq-a', 'proactive_faq', 'cust-a', at(8), 'superseded'),
  ];
  const business: BusinessEvent[] = ['cust-x1', 'cust-h1', 'cust-h2', 'cust-h3'].map((c) => ({ id: `cancel-${c}`, customerId: c, type: 'cancellation', tsMs: day - 5 * DAY_MS, receivedAtMs: day - 5 * DAY_MS }));
  return { events, business, actions };
}
