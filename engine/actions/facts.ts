/**
 * What the engine knows about a customer when it considers an action: the churn state's public
 * view (stream and profile features, plan, cancellation), the churn risk, and what this module
 * remembers from scored messages (topics, urgency, sentiment, time zone, hour-of-week pattern).
 */
import { profileFeatures, streamFactorText, streamFeatures, STREAM_FEATURES, type CustomerState, type StreamFeatureName } from '../churn/index.ts';
import type { ActionEvidence } from '../event/index.ts';
import type { ActionFacts, Condition, FactField } from './conditions.ts';
import { emptyPattern, type HourPattern } from './timing.ts';

const DAY_MS = 86_400_000;
const MAX_TOPICS = 64;
const MAX_HISTORY = 32;
const MAX_CONVERSATIONS = 8;

/** One past recommendation, for cool-downs and the contact rhythm. */
export interface PastAction {
  action: string;
  ms: number;
  critical: boolean;
  heldOut: boolean;
}

/** Per customer, kept by the action engine (bounded: a few KB). */
export interface CustomerMemo {
  segment?: string;
  owner?: string;
  team?: string;
  tz?: string;
  lang?: string;
  topics: { topic: string; ms: number }[];
  lastTopic?: string;
  urgency?: string;
  sentimentScore?: number;
  sentimentTrend?: number;
  lastMessageMs?: number;
  /** Last agent message per conversation: a customer answer soon after is a quick reply. */
  agentAt: { c: string; ms: number }[];
  hours: HourPattern;
  /** Risk and trend at the last look, so detect can tell what changed. */
  lastProbability?: number;
  lastBand?: string;
  lastNegativeTrend?: number;
  history: PastAction[];
  openActionId?: string;
}

export const emptyMemo = (): CustomerMemo => ({ topics: [], agentAt: [], hours: emptyPattern(), history: [] });

export function rememberTopic(m: CustomerMemo, topic: string, ms: number): void {
  m.topics = [...m.topics, { topic, ms }].slice(-MAX_TOPICS);
  m.lastTopic = topic;
}

export function rememberAgent(m: CustomerMemo, conversationId: string, ms: number): void {
  m.agentAt = [...m.agentAt.filter((x) => x.c !== conversationId), { c: conversationId, ms }].slice(-MAX_CONVERSATIONS);
}

export function rememberAction(m: CustomerMemo, a: PastAction): void {
  m.history = [...m.history, a].slice(-MAX_HISTORY);
}

export interface ChurnView {
  probability: number;
  band: string;
}

/** The customer state's contribution: stream features, tenure, contract, plan, cancellation. */
function stateFacts(s: CustomerState | undefined): ActionFacts {
  if (!s) return {};
  const out: ActionFacts = { ...streamFeatures(s) };
  const p = profileFeatures(s);
  if (p.tenureMonths !== undefined) out.tenureMonths = p.tenureMonths;
  if (p.contract !== undefined) out.contract = p.contract;
  if (s.plan !== undefined) out.plan = s.plan;
  out.cancelled = s.cancelledMs !== undefined;
  return out;
}

export function buildFacts(m: CustomerMemo, state: CustomerState | undefined, churn: ChurnView | undefined, live: boolean, nowMs: number): ActionFacts {
  const facts: ActionFacts = { ...stateFacts(state), live, topics30d: [...new Set(m.topics.filter((t) => t.ms > nowMs - 30 * DAY_MS && t.ms <= nowMs).map((t) => t.topic))] };
  if (churn) {
    facts.churnProbability = churn.probability;
    facts.churnBand = churn.band;
  }
  if (m.segment !== undefined) facts.segment = m.segment;
  if (m.lastTopic !== undefined) facts.lastTopic = m.lastTopic;
  if (m.urgency !== undefined) facts.urgency = m.urgency;
  if (m.sentimentScore !== undefined) facts.sentimentScore = m.sentimentScore;
  if (m.sentimentTrend !== undefined) facts.sentimentTrend = m.sentimentTrend;
  return facts;
}

const isStream = (f: string): f is StreamFeatureName => (STREAM_FEATURES as readonly string[]).includes(f);
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Plain words for one fact (English, like the churn factors). */
export function factText(field: FactField, facts: ActionFacts, c?: Condition): string {
  const v = facts[field];
  if (c?.op === 'includes') return `raised "${c.value}" in the last 30 days`;
  if (typeof v === 'number' && isStream(field)) return streamFactorText(field, v, facts);
  switch (field) {
    case 'churnProbability': return `churn risk ${pct(v as number)}`;
    case 'tenureMonths': return `customer for ${Math.round(v as number)} months`;
    case 'sentimentScore': return `latest message sentiment ${(v as number).toFixed(2)}`;
    case 'sentimentTrend': return `sentiment ${(v as number) < 0 ? 'falling' : 'rising'} in the conversation (${(v as number).toFixed(2)} per message)`;
    case 'live': return v ? 'in a conversation now' : 'not in a conversation now';
    case 'cancelled': return v ? 'has cancelled' : 'has not cancelled';
    case 'lastTopic': return `last topic: ${String(v)}`;
    case 'urgency': return `urgency ${String(v)}`;
    case 'churnBand': return `churn band ${String(v)}`;
    default: return `${field}: ${Array.isArray(v) ? v.join(', ') : String(v)}`;
  }
}

/** The clauses that made an action eligible, as evidence. */
export function evidenceOf(matched: readonly Condition[], facts: ActionFacts): ActionEvidence[] {
  const out: ActionEvidence[] = [];
  const seen = new Set<string>();
  for (const c of matched) {
    const v = facts[c.field];
    if (v === undefined) continue;
    const value = Array.isArray(v) ? c.value as string : (v as number | string | boolean);
    const k = `${c.field}=${String(value)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ field: c.field, value: typeof value === 'number' ? Math.round(value * 1000) / 1000 : value, text: factText(c.field, facts, c) });
  }
  return out;
}
