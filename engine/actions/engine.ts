/**
 * The action engine: keeps a small memo per customer from scored messages and CRM events, runs
 * detect -> assess -> recommend -> prioritise when something changed, times each action, and
 * learns from the outcomes that come back. Recommendations and their outcomes go to the outlets
 * (feed, store) in order; the engine never throws on an event (errors go to `onError`).
 */
import type { ActionOutcome, ActionRecommendation, BusinessEvent, ForgetsCustomers, ScoredEvent } from '../event/index.ts';
import { cueLang, renderTemplate } from '../cues/index.ts';
import type { CustomerState } from '../churn/index.ts';
import { createBatchedWriter, hash32, seededRandom, SIDE_WRITE_LINGER_MS, SIDE_WRITE_MAX_BATCH } from '../util/index.ts';
import { isTimeZone, type ActionCatalog } from './catalog.ts';
import { createBandit, inHoldOut, type ArmStats } from './bandit.ts';
import { buildFacts, emptyMemo, evidenceOf, rememberAction, rememberAgent, rememberTopic, type ChurnView, type CustomerMemo } from './facts.ts';
import { assess, detect, prioritise, recommend, type Trigger } from './stages.ts';
import { addToPattern, dueTime, emptyPattern, type HourPattern } from './timing.ts';
import type { ActionFacts } from './conditions.ts';

const DAY_MS = 86_400_000;
/** A customer answer within this time of the agent's message is a quick reply (weighs double in the pattern). */
const QUICK_REPLY_MS = 3_600_000;
const MAX_META_STRING = 128;
/** A chat or call message is live (the customer is there now) when it reached the engine within this time of being written. */
export const LIVE_WINDOW_MS = 30 * 60_000;
export const DEFAULT_MAX_CUSTOMERS = 100_000;
/** Closed actions kept in memory for GET /v1/actions?status=...; the table keeps all of them. */
export const DEFAULT_MAX_CLOSED = 10_000;

export interface ActionOutlets {
  /** The feed (supervisors): every new state of an offered action. */
  broadcast(action: ActionRecommendation): void;
  /** The store: every state, held-out ones included. */
  write(actions: readonly ActionRecommendation[]): Promise<void>;
  onAction?(action: ActionRecommendation): void;
  onWriteFailed?(err: Error, actions: readonly ActionRecommendation[]): void;
  onError?(err: Error): void;
}

export interface ActionEngineOptions {
  catalog: ActionCatalog;
  /** Share of customers (0..100) who get no recommendation, to measure uplift. */
  holdOutPercent: number;
  /** Seeds the hold-out draw and the bandit. */
  seed: number;
  /** Language of the reasons (the owner's UI, CXPULSE_AGENT_LANG). */
  agentLang: string;
  /** The customer's churn state, read through the churn store's public API. */
  stateOf(customerId: string): Promise<CustomerState | undefined>;
  /** Churn risk for a state changed by a CRM event (no scored message carries it). */
  scoreChurn(state: CustomerState): Promise<ChurnView & { factors?: { text: string }[] }>;
  outlets: ActionOutlets;
  maxCustomers?: number;
  maxClosed?: number;
  /** Wall clock for outcome times; tests pass their own. */
  now?: () => number;
}

export interface ActionFilter {
  status?: ActionRecommendation['status'];
  owner?: string;
  team?: string;
  action?: string;
  customerId?: string;
  dueBeforeMs?: number;
  limit?: number;
}

export class ActionNotFoundError extends Error {
  override name = 'ActionNotFoundError';
}
export class ActionClosedError extends Error {
  override name = 'ActionClosedError';
}

export interface LearningSummary {
  holdOutPercent: number;
  exploration: number;
  minOutcomes: number;
  arms: ArmStats[];
}

export interface ActionEngine extends ForgetsCustomers {
  /** Durable scored rows, in order (after the feed saw them). */
  observeScored(rows: readonly ScoredEvent[]): void;
  /** Stored CRM events with their customers' states right after each. */
  observeBusiness(rows: readonly { event: BusinessEvent; state: CustomerState }[]): void;
  list(filter?: ActionFilter): ActionRecommendation[];
  get(actionId: string): ActionRecommendation | undefined;
  /** Records an outcome; throws ActionNotFoundError or ActionClosedError. */
  outcome(actionId: string, outcome: ActionOutcome, by?: string, note?: string): Promise<ActionRecommendation>;
  /** Open actions older than the catalog's `openDays` at `nowMs` become `expired`. */
  expire(nowMs: number): void;
  learning(): LearningSummary;
  /**
   * Takes back what a store kept (the latest state of each action): open actions return to the
   * worklist, cool-downs and the contact rhythm count past actions again, and outcomes count for
   * the bandit again. Call once at start, before events flow.
   */
  restore(states: readonly ActionRecommendation[]): void;
  /** Settles once queued evaluations and writes are done. */
  flush(): Promise<void>;
}

const metaString = (meta: Record<string, unknown> | undefined, key: string): string | undefined => {
  const v = meta?.[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, MAX_META_STRING) : undefined;
};

/** Numbers for reason templates: whole counts and months as integers, the rest with two decimals. */
function templateVars(customerId: string, facts: ActionFacts): Record<string, string | number> {
  const vars: Record<string, string | number> = { customer: customerId };
  for (const [k, v] of Object.entries(facts)) {
    if (typeof v === 'number') vars[k] = /^(contacts|escalations|latePayments|usageDrops|downgrades)|tenureMonths/.test(k) ? Math.round(v) : Math.round(v * 100) / 100;
    else if (typeof v === 'string') vars[k] = v;
    else if (typeof v === 'boolean') vars[k] = v ? 'yes' : 'no';
  }
  if (facts.churnProbability !== undefined) vars.percent = Math.round(facts.churnProbability * 100);
  return vars;
}

export function createActionEngine(o: ActionEngineOptions): ActionEngine {
  const { catalog } = o;
  const now = o.now ?? Date.now;
  const maxCustomers = o.maxCustomers ?? DEFAULT_MAX_CUSTOMERS;
  const maxClosed = o.maxClosed ?? DEFAULT_MAX_CLOSED;
  const memos = new Map<string, CustomerMemo>();
  const segmentHours = new Map<string, HourPattern>();
  const actions = new Map<string, ActionRecommendation>();
  const closed: string[] = [];
  const bandit = createBandit(catalog.learning, seededRandom(o.seed));
  const reasonLang = cueLang(o.agentLang);
  let work: Promise<void> = Promise.resolve();
  const writer = createBatchedWriter<ActionRecommendation>({
    write: (rows) => o.outlets.write(rows),
    onError: (e, rows) => o.outlets.onWriteFailed?.(e, rows),
    lingerMs: SIDE_WRITE_LINGER_MS,
    maxBatch: SIDE_WRITE_MAX_BATCH,
  });

  const memoOf = (customerId: string): CustomerMemo => {
    let m = memos.get(customerId);
    if (m) {
      memos.delete(customerId);
    } else {
      m = emptyMemo();
      if (memos.size >= maxCustomers) memos.delete(memos.keys().next().value as string);
    }
    memos.set(customerId, m);
    return m;
  };

  function emit(a: ActionRecommendation): void {
    if (!a.heldOut) o.outlets.broadcast(a);
    o.outlets.onAction?.(a);
    writer.push(a);
  }

  function close(a: ActionRecommendation, patch: Partial<ActionRecommendation>): ActionRecommendation {
    const next: ActionRecommendation = { ...a, ...patch };
    actions.set(a.actionId, next);
    const memo = memos.get(a.customerId);
    if (memo?.openActionId === a.actionId) delete memo.openActionId;
    closed.push(a.actionId);
    while (closed.length > maxClosed) actions.delete(closed.shift()!);
    emit(next);
    return next;
  }

  function expireOpen(memo: CustomerMemo, nowMs: number): void {
    const id = memo.openActionId;
    const a = id === undefined ? undefined : actions.get(id);
    if (a?.status === 'open' && nowMs - a.tsMs >= catalog.openDays * DAY_MS) close(a, { status: 'expired', stateMs: nowMs });
  }

  function updateFromMessage(memo: CustomerMemo, r: ScoredEvent): void {
    const tz = metaString(r.meta, 'tz');
    if (tz !== undefined && isTimeZone(tz)) memo.tz = tz;
    memo.owner = metaString(r.meta, 'owner') ?? memo.owner;
    memo.team = metaString(r.meta, 'team') ?? memo.team;
    memo.segment = metaString(r.meta, 'segment') ?? memo.segment;
    if (r.author === 'agent') {
      rememberAgent(memo, r.conversationId, r.tsMs);
      // Without a CRM owner, the agent who last handled the customer owns the follow-up.
      if (r.agentId && metaString(r.meta, 'owner') === undefined) memo.owner ??= r.agentId;
      return;
    }
    if (r.lang !== 'und') memo.lang = r.lang;
    if (r.topic && r.topic.label !== 'other') rememberTopic(memo, r.topic.label, r.tsMs);
    if (r.urgency) memo.urgency = r.urgency.label;
    memo.sentimentScore = r.sentiment.score;
    memo.sentimentTrend = r.conversation.turns >= 2 ? r.conversation.trend : undefined;
    memo.lastMessageMs = Math.max(memo.lastMessageMs ?? 0, r.tsMs);
    const agentMs = memo.agentAt.find((x) => x.c === r.conversationId)?.ms;
    const quick = agentMs !== undefined && r.tsMs >= agentMs && r.tsMs - agentMs <= QUICK_REPLY_MS;
    const tzNow = memo.tz ?? catalog.timing.defaultTz;
    const seg = memo.segment ?? 'default';
    let sp = segmentHours.get(seg);
    if (!sp) segmentHours.set(seg, (sp = emptyPattern()));
    addToPattern([memo.hours, sp], r.tsMs, tzNow, quick ? 2 : 1);
  }

  function updateFromBusiness(memo: CustomerMemo, e: BusinessEvent, state: CustomerState): void {
    memo.owner = metaString(e.meta, 'owner') ?? memo.owner;
    memo.team = metaString(e.meta, 'team') ?? memo.team;
    memo.segment = metaString(e.meta, 'segment') ?? memo.segment ?? state.plan;
    const tz = metaString(e.meta, 'tz');
    if (tz !== undefined && isTimeZone(tz)) memo.tz = tz;
  }

  /** A cancellation within the learning window after a `done` action: that success was not one. */
  function joinCancellation(customerId: string, tsMs: number): void {
    for (const a of actions.values()) {
      if (a.customerId !== customerId || a.status !== 'done' || a.churnedAfter) continue;
      if (tsMs < a.stateMs - DAY_MS || tsMs - a.stateMs > catalog.learning.churnWindowDays * DAY_MS) continue;
      if (!a.critical) bandit.revise(a.segment, a.action);
      const next = { ...a, churnedAfter: true, stateMs: Math.max(now(), a.stateMs + 1) };
      actions.set(a.actionId, next);
      emit(next);
    }
  }

  function evaluate(customerId: string, memo: CustomerMemo, trigger: Trigger, state: CustomerState | undefined, churn: ChurnView & { factors?: { text: string }[] }, live: boolean): void {
    const nowMs = trigger.tsMs;
    expireOpen(memo, nowMs);
    const facts = buildFacts(memo, state, churn, live, nowMs);
    const changes = detect(memo, facts, trigger, catalog.detect);
    memo.lastProbability = churn.probability;
    memo.lastBand = churn.band;
    if (facts.negativeTrend !== undefined) memo.lastNegativeTrend = facts.negativeTrend;
    if (changes.length === 0) return;
    const assessment = assess(memo, facts, nowMs, catalog.assess);
    if (assessment.priority < catalog.assess.minPriority) return;
    const heldOut = inHoldOut(customerId, o.seed, o.holdOutPercent);
    const openAction = memo.openActionId === undefined ? undefined : actions.get(memo.openActionId);
    const rec = recommend(memo, facts, nowMs, catalog, bandit, heldOut, openAction?.status === 'open' ? { actionId: openAction.actionId, action: openAction.action } : undefined);
    if (rec.kind === 'none') return;
    const action = rec.choice.action;
    const actionId = `act_${hash32(`${customerId}|${action.id}|${trigger.id}`).toString(36)}${trigger.tsMs.toString(36)}`;
    if (actions.has(actionId)) return; // a redelivered trigger
    const tz = memo.tz ?? catalog.timing.defaultTz;
    const due = dueTime({
      fromMs: Math.max(nowMs, trigger.receivedAtMs ?? nowMs), tz, live: action.critical && live, businessHours: catalog.timing.businessHours, horizonDays: catalog.timing.horizonDays,
      minMessages: catalog.timing.minMessages, customer: memo.hours, segment: segmentHours.get(memo.segment ?? 'default'),
    });
    const vars = templateVars(customerId, facts);
    const explanationLang = cueLang(memo.lang);
    const evidence = [...changes, ...evidenceOf(rec.matched, facts)];
    const said = new Set(evidence.map((e) => e.text));
    const factors = (churn.factors ?? []).filter((f) => !said.has(f.text)).slice(0, 3).map((f) => ({ field: 'churnFactor', value: f.text, text: f.text }));
    const a: ActionRecommendation = {
      actionId, action: action.id, customerId, segment: memo.segment ?? 'default',
      ...(memo.owner !== undefined ? { owner: memo.owner } : {}), ...(memo.team !== undefined ? { team: memo.team } : {}),
      status: rec.heldOut ? 'held_out' : 'open', critical: action.critical, heldOut: rec.heldOut, chosenBy: rec.choice.chosenBy,
      priority: assessment.priority, churnProbability: Math.round(churn.probability * 1e4) / 1e4,
      reason: renderTemplate(action.reason[reasonLang], vars), reasonLang,
      explanation: renderTemplate(action.explanation[explanationLang], vars), explanationLang,
      evidence: [...evidence, ...factors],
      dueMs: due.dueMs, timing: due.timing, tz, triggerId: trigger.id, tsMs: trigger.tsMs, stateMs: nowMs,
    };
    if (rec.supersedes !== undefined && !rec.heldOut) {
      const old = actions.get(rec.supersedes);
      if (old) {
        close(old, { status: 'superseded', supersededBy: actionId, stateMs: Math.max(nowMs, old.stateMs + 1) });
        // Never carried out: neither a contact for the rhythm nor a cool-down.
        memo.history = memo.history.filter((h) => !(h.action === old.action && h.ms === old.tsMs));
      }
    }
    rememberAction(memo, { action: action.id, ms: nowMs, critical: action.critical, heldOut: rec.heldOut });
    actions.set(actionId, a);
    if (rec.heldOut) closed.push(actionId);
    else if (!action.critical) memo.openActionId = actionId;
    emit(a);
  }

  const enqueue = (fn: () => Promise<void>) => {
    work = work.then(fn).catch((e: Error) => o.outlets.onError?.(e));
  };

  return {
    forgetCustomer(target) {
      // Erasure: the customer's memo and actions go; the bandit's arm counts and the segments' hour patterns hold no customer.
      let removed = 0;
      for (const id of [...memos.keys()]) if (target.matches(id) && memos.delete(id)) removed++;
      for (const [id, a] of actions) if (target.matches(a.customerId) && actions.delete(id)) removed++;
      // States still waiting for the store write are never written (the erasure's second pass takes one that was already on its way).
      removed += writer.drop((a) => target.matches(a.customerId));
      return [{ place: 'memory', what: 'next best actions', removed }];
    },
    observeScored(rows) {
      if (rows.length === 0) return;
      enqueue(async () => {
        for (const r of rows) {
          const memo = memoOf(r.customerId);
          updateFromMessage(memo, r);
          if (r.author !== 'customer' || !r.churn) continue;
          const state = await o.stateOf(r.customerId);
          evaluate(r.customerId, memo, { id: r.id, tsMs: r.tsMs, receivedAtMs: r.receivedAtMs, kind: 'message' }, state, r.churn, r.channel !== 'email' && r.receivedAtMs - r.tsMs <= LIVE_WINDOW_MS);
        }
      });
    },
    observeBusiness(rows) {
      if (rows.length === 0) return;
      enqueue(async () => {
        // One look per customer and batch, with the state after the last of its events: a CRM import
        // bringing a late payment and a usage drop together is one change, not two recommendations.
        const byCustomer = new Map<string, { event: BusinessEvent; state: CustomerState }[]>();
        for (const r of rows) byCustomer.set(r.event.customerId, [...(byCustomer.get(r.event.customerId) ?? []), r]);
        for (const [customerId, list] of byCustomer) {
          const memo = memoOf(customerId);
          for (const { event, state } of list) {
            updateFromBusiness(memo, event, state);
            if (event.type === 'cancellation') joinCancellation(customerId, event.tsMs);
          }
          const last = list.reduce((a, b) => (b.event.tsMs >= a.event.tsMs ? b : a));
          const churn = await o.scoreChurn(last.state);
          const downgrade = list.some((r) => r.event.type === 'plan_change' && r.event.meta?.['direction'] === 'downgrade');
          const trigger = { id: last.event.id, tsMs: last.event.tsMs, receivedAtMs: last.event.receivedAtMs, kind: 'business' as const, types: list.map((r) => r.event.type), downgrade };
          evaluate(customerId, memo, trigger, last.state, churn, false);
        }
      });
    },
    list(f = {}) {
      const status = f.status ?? 'open';
      const out = [...actions.values()].filter((a) =>
        a.status === status && (f.owner === undefined || a.owner === f.owner) && (f.team === undefined || a.team === f.team) && (f.action === undefined || a.action === f.action) &&
        (f.customerId === undefined || a.customerId === f.customerId) && (f.dueBeforeMs === undefined || a.dueMs <= f.dueBeforeMs));
      return prioritise(out).slice(0, f.limit ?? 100);
    },
    get: (id) => actions.get(id),
    async outcome(actionId, outcome, by, note) {
      const a = actions.get(actionId);
      if (!a) throw new ActionNotFoundError(`no action ${actionId}`);
      if (a.status !== 'open') throw new ActionClosedError(`action ${actionId} is ${a.status === 'held_out' ? 'in the hold-out (it was never offered)' : `already ${a.status}`}`);
      if (!a.critical) bandit.record(a.segment, a.action, outcome === 'done');
      const next = close(a, { status: outcome, outcome, stateMs: Math.max(now(), a.stateMs + 1), ...(by ? { outcomeBy: by } : {}), ...(note ? { note } : {}) });
      return next;
    },
    expire(nowMs) {
      for (const a of [...actions.values()]) if (a.status === 'open' && nowMs - a.tsMs >= catalog.openDays * DAY_MS) close(a, { status: 'expired', stateMs: nowMs });
    },
    restore(states) {
      for (const a of [...states].sort((x, y) => x.tsMs - y.tsMs)) {
        if (actions.has(a.actionId)) continue;
        actions.set(a.actionId, a);
        const memo = memoOf(a.customerId);
        memo.segment ??= a.segment;
        if (a.owner !== undefined) memo.owner ??= a.owner;
        if (a.team !== undefined) memo.team ??= a.team;
        rememberAction(memo, { action: a.action, ms: a.tsMs, critical: a.critical, heldOut: a.heldOut });
        if (a.status === 'open') {
          if (!a.critical) memo.openActionId = a.actionId;
        } else {
          closed.push(a.actionId);
        }
        if (a.outcome !== undefined && !a.critical) bandit.record(a.segment, a.action, a.outcome === 'done' && a.churnedAfter !== true);
      }
      while (closed.length > maxClosed) actions.delete(closed.shift()!);
    },
    learning: () => ({ holdOutPercent: o.holdOutPercent, exploration: catalog.learning.exploration, minOutcomes: catalog.learning.minOutcomes, arms: bandit.stats() }),
    flush: async () => {
      await work;
      await writer.flush();
    },
  };
}
