/**
 * The four stages, each a pure function over the facts, the customer's memo and the catalog:
 * detect (did anything that matters change?), assess (how much does this customer need us now?),
 * recommend (the best eligible action, or why none), prioritise (one ranked worklist).
 */
import type { ActionEvidence, ActionRecommendation } from '../event/index.ts';
import type { ActionCatalog, CatalogAction } from './catalog.ts';
import { eligible, type ActionFacts, type Condition } from './conditions.ts';
import type { CustomerMemo } from './facts.ts';
import type { Bandit, Choice } from './bandit.ts';

const DAY_MS = 86_400_000;
/** An open action is superseded only by one whose prior effect is at least this much larger: no churn on the worklist between near equals. */
export const SUPERSEDE_MARGIN = 0.1;
const BAND_RANK: Record<string, number> = { low: 0, medium: 1, high: 2 };
const URGENCY: Record<string, number> = { low: 0, normal: 0.3, high: 0.75, critical: 1 };
/** Recency decays with this time constant: a customer who wrote today outranks one from last month. */
const RECENCY_TAU_MS = 7 * DAY_MS;

/** What tipped the look: a scored customer message or a CRM event. */
export interface Trigger {
  id: string;
  tsMs: number;
  /** When the engine received it: a late-arriving event is acted on from then, not from its event time. */
  receivedAtMs?: number;
  kind: 'message' | 'business';
  /** The CRM event types, for business triggers (several when one import brought several for the customer). */
  types?: readonly string[];
  /** A plan change towards a smaller plan. */
  downgrade?: boolean;
}

const CRM_SIGNALS = new Set(['payment_late', 'usage_drop', 'cancellation']);

/**
 * Detect: the changes that matter since the last look, as evidence (empty: nothing to do). A CRM
 * event that hurts, a rise of the churn band or of the probability by `riskStep`, the sentiment
 * turning negative, or a live conversation going badly.
 */
export function detect(memo: CustomerMemo, facts: ActionFacts, trigger: Trigger, d: ActionCatalog['detect']): ActionEvidence[] {
  const out: ActionEvidence[] = [];
  for (const type of new Set(trigger.kind === 'business' ? (trigger.types ?? []) : [])) {
    if (CRM_SIGNALS.has(type) || (type === 'plan_change' && trigger.downgrade)) out.push({ field: 'trigger', value: type, text: `CRM event: ${type.replace('_', ' ')}${type === 'plan_change' ? ' (downgrade)' : ''}` });
  }
  const p = facts.churnProbability;
  const band = facts.churnBand;
  if (band !== undefined && (BAND_RANK[band] ?? 0) > (BAND_RANK[memo.lastBand ?? 'low'] ?? 0)) out.push({ field: 'trigger', value: 'risk_band_up', text: `churn risk rose to ${band}` });
  else if (p !== undefined && memo.lastProbability !== undefined && p - memo.lastProbability >= d.riskStep) out.push({ field: 'trigger', value: 'risk_up', text: `churn risk up ${Math.round((p - memo.lastProbability) * 100)} points` });
  const nt = facts.negativeTrend;
  if (nt !== undefined && nt >= d.negativeTurn && (memo.lastNegativeTrend ?? 0) < d.negativeTurn) out.push({ field: 'trigger', value: 'sentiment_turning', text: 'sentiment turning negative' });
  if (facts.live && ((facts.sentimentScore ?? 0) <= -0.6 || facts.urgency === 'high' || facts.urgency === 'critical')) out.push({ field: 'trigger', value: 'live_risk', text: 'upset in a live conversation' });
  return out;
}

export interface Assessment {
  priority: number;
  parts: { churn: number; value: number; urgency: number; recency: number };
}

/** Customer value from the CRM: the plan's value (catalog table) and tenure, averaged over what is known; 0.5 when neither is. */
function valueOf(facts: ActionFacts, a: ActionCatalog['assess']): number {
  const known: number[] = [];
  const plan = facts.plan?.toLowerCase();
  if (plan !== undefined) {
    const k = Object.keys(a.planValues).find((name) => plan.includes(name));
    if (k !== undefined) known.push(a.planValues[k]!);
  }
  if (facts.tenureMonths !== undefined) known.push(Math.min(1, facts.tenureMonths / a.tenureMonthsForFullValue));
  return known.length === 0 ? 0.5 : known.reduce((x, y) => x + y, 0) / known.length;
}

/** Assess: priority 0..1, a weighted mean of churn probability, customer value, urgency and recency. */
export function assess(memo: CustomerMemo, facts: ActionFacts, nowMs: number, a: ActionCatalog['assess']): Assessment {
  const live = facts.live === true && (facts.sentimentScore ?? 0) <= -0.6;
  const urgency = Math.max(live ? 1 : 0, URGENCY[facts.urgency ?? ''] ?? 0, (facts.escalations90d ?? 0) > 0 ? 0.6 : 0);
  const recency = memo.lastMessageMs === undefined ? 0 : Math.exp(-Math.max(0, nowMs - memo.lastMessageMs) / RECENCY_TAU_MS);
  const parts = { churn: facts.churnProbability ?? 0, value: valueOf(facts, a), urgency, recency };
  const w = a.weights;
  const priority = (w.churn * parts.churn + w.value * parts.value + w.urgency * parts.urgency + w.recency * parts.recency) / (w.churn + w.value + w.urgency + w.recency);
  return { priority: Math.round(priority * 1000) / 1000, parts };
}

export type Recommendation =
  | { kind: 'action'; choice: Choice | { action: CatalogAction; chosenBy: 'critical' }; matched: Condition[]; heldOut: boolean; /** The customer's open action this one replaces. */ supersedes?: string }
  | { kind: 'none'; why: 'not_eligible' | 'cooling_down' | 'rhythm' | 'open_action' };

const coolingDown = (memo: CustomerMemo, a: CatalogAction, nowMs: number) => memo.history.some((h) => h.action === a.id && nowMs - h.ms < a.cooldownDays * DAY_MS);

/**
 * Recommend: an eligible critical action whenever there is one (never held out, never explored);
 * otherwise, within the contact rhythm, the bandit's (or the prior's) pick among the eligible ones.
 * While the customer has an action open, only actions whose prior effect is SUPERSEDE_MARGIN
 * larger are considered, and the pick supersedes it (a late payment after a FAQ e-mail was proposed: the
 * price review replaces the e-mail). A customer in the hold-out gets the pick recorded, not offered.
 */
export function recommend(memo: CustomerMemo, facts: ActionFacts, nowMs: number, catalog: ActionCatalog, bandit: Bandit, heldOut: boolean, open?: { actionId: string; action: string }): Recommendation {
  const candidates: { action: CatalogAction; matched: Condition[] }[] = [];
  let cooling = false;
  for (const action of catalog.actions) {
    const matched = eligible(action.when, facts);
    if (!matched) continue;
    if (coolingDown(memo, action, nowMs)) cooling = true;
    else candidates.push({ action, matched });
  }
  const critical = candidates.find((c) => c.action.critical);
  if (critical) return { kind: 'action', choice: { action: critical.action, chosenBy: 'critical' }, matched: critical.matched, heldOut: false };
  let rest = candidates.filter((c) => !c.action.critical);
  if (rest.length === 0) return { kind: 'none', why: cooling ? 'cooling_down' : 'not_eligible' };
  if (open) {
    const openEffect = catalog.actions.find((a) => a.id === open.action)?.effect ?? 1;
    rest = rest.filter((c) => c.action.effect >= openEffect + SUPERSEDE_MARGIN - 1e-9);
    if (rest.length === 0) return { kind: 'none', why: 'open_action' };
  }
  const r = catalog.rhythm;
  // The action being superseded was never carried out: it does not count as a contact.
  const recent = memo.history.filter((h) => !h.critical && !h.heldOut && !(open && h.action === open.action) && nowMs - h.ms < r.perDays * DAY_MS).length;
  if (recent >= r.maxActions) return { kind: 'none', why: 'rhythm' };
  const choice = bandit.choose(memo.segment ?? 'default', rest.map((c) => c.action));
  return { kind: 'action', choice, matched: rest.find((c) => c.action === choice.action)!.matched, heldOut, ...(open ? { supersedes: open.actionId } : {}) };
}

/** Prioritise: critical first, then what is due now, then by priority, then the earliest due. */
export function prioritise<T extends Pick<ActionRecommendation, 'critical' | 'timing' | 'priority' | 'dueMs'>>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => Number(b.critical) - Number(a.critical) || Number(b.timing === 'now') - Number(a.timing === 'now') || b.priority - a.priority || a.dueMs - b.dueMs);
}
