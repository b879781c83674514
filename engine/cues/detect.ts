import type { ScoredEvent } from '../event/types.ts';
// The same slope as the pipeline's conversation trend, so a cue and the feed agree.
import { slope } from '../util/index.ts';
import { jargonFinding } from './clarity.ts';
import { loadReplyTemplates, type ReplyTemplates } from './replies.ts';
import { AGENT_CUE_KINDS, CUE_KINDS, cueLang, renderTemplate, type CueConfig, type CueKind, type CueRules, type EscalationAdvisedRule, type FrustrationRisingRule, type NegativeSpikeRule } from './rules.ts';
import { churnRisk, implicitComplaintFinding, politeIrritation, suggestedReply, urgencyHigh, type SignalFinding, type Unanswered } from './signals.ts';
import type { Cue, ForgetsCustomers } from '../event/index.ts';

/** Rules that are pure functions of the conversation's recent customer turns (sentiment history). */
type CustomerKind = 'frustration_rising' | 'negative_spike' | 'escalation_advised';
/** Rules that read the current customer message's other model outputs (signals.ts). */
type SignalKind = 'polite_irritation' | 'urgency_high' | 'churn_risk' | 'suggested_reply';

/** One customer turn as the rules see it. */
export interface Turn {
  id: string;
  score: number;
  confidence: number;
}

/** What a rule found: `severity` is lower when worse (a score-like number), used for the "got worse" re-fire. */
export interface Finding {
  severity: number;
  vars: Record<string, number>;
  evidence: Turn[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** `history` is this conversation's customer turns, oldest first, ending with the current one. */
export function frustrationRising(history: readonly Turn[], r: FrustrationRisingRule): Finding | null {
  if (history.length < r.minTurns) return null;
  const last = history[history.length - 1];
  if (!last || last.score > r.maxLastScore) return null;
  const window = history.slice(-Math.max(r.minTurns, Math.min(history.length, 5)));
  const t = slope(window.map((h) => h.score));
  if (t > r.maxTrend) return null;
  return { severity: t, vars: { turns: window.length, trend: t, score: last.score }, evidence: window };
}

export function negativeSpike(history: readonly Turn[], r: NegativeSpikeRule): Finding | null {
  const last = history[history.length - 1];
  if (!last || last.score > r.maxScore || last.confidence < r.minConfidence) return null;
  return { severity: last.score, vars: { score: last.score, confidence: last.confidence }, evidence: [last] };
}

/**
 * K negative customer turns in a row, or one very negative turn that is worse than the one before.
 * `count` is the whole trailing run of negative turns, so the sentence reads right in both cases.
 */
export function escalationAdvised(history: readonly Turn[], r: EscalationAdvisedRule): Finding | null {
  const last = history[history.length - 1];
  if (!last) return null;
  let runStart = history.length;
  while (runStart > 0 && (history[runStart - 1]?.score ?? 0) <= r.negativeBelow) runStart--;
  const run = history.slice(runStart);
  const vars = { count: run.length, mean: run.length > 0 ? mean(run.map((h) => h.score)) : last.score, score: last.score };
  if (run.length >= r.consecutive) {
    const lastK = run.slice(-r.consecutive);
    return { severity: mean(lastK.map((h) => h.score)), vars, evidence: lastK };
  }
  const prev = history[history.length - 2];
  if (prev && last.score <= r.veryNegative && last.score < prev.score) return { severity: last.score, vars, evidence: [prev, last] };
  return null;
}

const RULES: { [K in CustomerKind]: (h: readonly Turn[], r: CueRules[K]) => Finding | null } = {
  frustration_rising: frustrationRising,
  negative_spike: negativeSpike,
  escalation_advised: escalationAdvised,
};

const SIGNAL_RULES: { [K in SignalKind]: (e: ScoredEvent, r: CueRules[K], replies: ReplyTemplates) => SignalFinding | null } = {
  polite_irritation: politeIrritation,
  urgency_high: urgencyHigh,
  churn_risk: churnRisk,
  suggested_reply: suggestedReply,
};
const isSignalKind = (k: CueKind): k is SignalKind => k in SIGNAL_RULES;

interface Fired {
  atMs: number;
  severity: number;
}

interface ConvState {
  turns: Turn[];
  /** Whose conversation it is (for erasure). */
  customerId?: string;
  /** Customer messages since the last agent message. */
  unanswered: Unanswered;
  agentId?: string;
  /** Keyed by kind; `suggested_reply:<topic>` so a new topic gets its own suggestion at once. */
  fired: Map<string, Fired>;
}

export interface CueEngine extends ForgetsCustomers {
  /** Feed every delivered row, in order; returns the cues it raises (usually none). */
  observe(e: ScoredEvent): Cue[];
  readonly conversations: number;
}

export const DEFAULT_MAX_CONVERSATIONS = 50_000;
/** Customers whose last churn cue is remembered (for its per-customer cooldown). */
export const DEFAULT_MAX_CUSTOMERS = 100_000;

export interface CueEngineOptions {
  agentLang?: string;
  maxConversations?: number;
  maxCustomers?: number;
  /** Suggested-reply templates; default: the shipped replies.default.json. */
  replies?: ReplyTemplates;
}

/** Touches `key` in an insertion-ordered map used as an LRU, evicting the oldest past `max`. */
function touch<V>(m: Map<string, V>, key: string, v: V, max: number): void {
  m.delete(key);
  m.set(key, v);
  if (m.size > max) {
    const oldest = m.keys().next().value;
    if (oldest !== undefined) m.delete(oldest);
  }
}

/**
 * Keeps a bounded history per conversation (the last `historySize` customer turns, at most
 * `maxConversations` conversations, least recently active forgotten first) and runs each enabled
 * customer rule on every customer turn; agent turns teach it the assigned agent, end the run of
 * unanswered customer messages (implicit_complaint) and run the clarity rule on the reply.
 */
export function createCueEngine(cfg: CueConfig, opts: CueEngineOptions = {}): CueEngine {
  const agentLang = cueLang(opts.agentLang);
  const max = opts.maxConversations ?? DEFAULT_MAX_CONVERSATIONS;
  const maxCustomers = opts.maxCustomers ?? DEFAULT_MAX_CUSTOMERS;
  const replies = opts.replies ?? loadReplyTemplates();
  const convs = new Map<string, ConvState>();
  /** Churn risk is about the customer, not the conversation: one cue per customer per cooldown, across conversations. */
  const churnFired = new Map<string, Fired>();

  const stateOf = (id: string): ConvState => {
    let s = convs.get(id);
    if (s) convs.delete(id);
    else s = { turns: [], unanswered: { count: 0, sinceMs: 0 }, fired: new Map() };
    convs.set(id, s);
    if (convs.size > max) {
      const oldest = convs.keys().next().value;
      if (oldest !== undefined) convs.delete(oldest);
    }
    return s;
  };

  return {
    observe(e) {
      const s = stateOf(e.conversationId);
      s.customerId = e.customerId;
      if (e.agentId) s.agentId = e.agentId;
      if (e.author === 'system') return [];
      const byAgent = e.author === 'agent';
      const self: Turn = { id: e.id, score: e.sentiment.score, confidence: e.sentiment.confidence };
      if (byAgent) s.unanswered = { count: 0, sinceMs: 0 };
      else {
        if (s.unanswered.count++ === 0) s.unanswered.sinceMs = e.tsMs;
        s.turns.push(self);
        if (s.turns.length > cfg.historySize) s.turns.splice(0, s.turns.length - cfg.historySize);
      }
      const out: Cue[] = [];
      for (const kind of CUE_KINDS) {
        const rule = cfg.rules[kind];
        if (!rule.enabled || AGENT_CUE_KINDS.includes(kind) !== byAgent) continue;
        let f: SignalFinding | null;
        if (kind === 'long_message_jargon') {
          const j = jargonFinding(e.text, cfg.rules.long_message_jargon);
          f = j && { ...j, evidence: [self] };
        } else if (kind === 'implicit_complaint') {
          f = implicitComplaintFinding(e, cfg.rules.implicit_complaint, s.unanswered);
        } else if (isSignalKind(kind)) {
          f = (SIGNAL_RULES[kind] as (e: ScoredEvent, r: CueRules[SignalKind], replies: ReplyTemplates) => SignalFinding | null)(e, cfg.rules[kind], replies);
        } else {
          f = (RULES[kind] as (h: readonly Turn[], r: CueRules[CustomerKind]) => Finding | null)(s.turns, cfg.rules[kind]);
        }
        if (!f) continue;
        if (kind === 'churn_risk') {
          // Strict: at most once per customer per cooldown, even if the risk climbs (the agent already knows).
          const prev = churnFired.get(e.customerId);
          if (prev && e.tsMs - prev.atMs < rule.cooldownMs) continue;
          touch(churnFired, e.customerId, { atMs: e.tsMs, severity: f.severity }, maxCustomers);
        } else {
          const key = kind === 'suggested_reply' && f.reply ? `${kind}:${f.reply.topic}` : kind;
          const prev = s.fired.get(key);
          if (prev && e.tsMs - prev.atMs < rule.cooldownMs && f.severity > prev.severity - cfg.worsenMargin) continue;
          s.fired.set(key, { atMs: e.tsMs, severity: f.severity });
        }
        const customerLang = cueLang(e.lang);
        const cue: Cue = {
          kind,
          conversationId: e.conversationId,
          priority: f.priority ?? rule.priority,
          text: {
            customer: renderTemplate(rule.templates[customerLang], f.vars),
            agent: renderTemplate(rule.templates[agentLang], f.vars),
            customerLang,
            agentLang,
          },
          evidence: { eventIds: f.evidence.map((t) => t.id), scores: f.evidence.map((t) => Math.round(t.score * 1000) / 1000) },
          tsMs: e.tsMs,
        };
        if (s.agentId !== undefined) cue.agentId = s.agentId;
        if (!byAgent) cue.customerId = e.customerId;
        if (f.reply) cue.reply = f.reply;
        out.push(cue);
      }
      return out;
    },
    forgetCustomer(target) {
      let removed = 0;
      for (const [id, s] of convs) if (s.customerId !== undefined && target.matches(s.customerId) && convs.delete(id)) removed++;
      for (const id of [...churnFired.keys()]) if (target.matches(id) && churnFired.delete(id)) removed++;
      return [{ place: 'memory', what: 'cue history', removed }];
    },
    get conversations() {
      return convs.size;
    },
  };
}
