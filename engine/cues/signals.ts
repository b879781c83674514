import type { ScoredEvent } from '../event/types.ts';
import type { ReplyTemplates } from './replies.ts';
import { cueLang, type ChurnRiskRule, type CuePriority, type ImplicitComplaintRule, type PoliteIrritationRule, type SuggestedReplyRule, type UrgencyHighRule } from './rules.ts';
import type { SuggestedReply } from '../event/index.ts';

/**
 * Rules that read one customer message's model outputs (the text model's other heads, the churn
 * model) rather than the sentiment history. Each returns null when its field is absent, so an
 * engine whose model lacks a head simply never raises that cue.
 */
export interface SignalFinding {
  /** Lower is worse, like Finding.severity: used for the "got worse" re-fire inside the cooldown. */
  severity: number;
  vars: Record<string, string | number>;
  /** The message and the number the rule read (sentiment, urgency confidence, churn probability, topic confidence). */
  evidence: { id: string; score: number }[];
  /** Overrides the rule's priority (critical urgency). */
  priority?: CuePriority;
  reply?: SuggestedReply;
}

/** Longest quote of the model's evidence put into a sentence, so a cue stays one line. */
export const MAX_QUOTE_CHARS = 120;

const quote = (s: string) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_QUOTE_CHARS ? `${t.slice(0, MAX_QUOTE_CHARS - 1)}…` : t;
};

/** Polite wording over a negative point: the sentiment label alone reads it as fine. */
export function politeIrritation(e: ScoredEvent, r: PoliteIrritationRule): SignalFinding | null {
  if (e.signals?.politeNegative !== true || e.sentiment.score > r.maxScore) return null;
  return {
    severity: e.sentiment.score,
    vars: { score: e.sentiment.score, evidence: quote(e.signals.evidence ?? e.text) },
    evidence: [{ id: e.id, score: e.sentiment.score }],
  };
}

export function urgencyHigh(e: ScoredEvent, r: UrgencyHighRule): SignalFinding | null {
  const u = e.urgency;
  if (!u || (u.label !== 'high' && u.label !== 'critical') || u.confidence < r.minConfidence) return null;
  const critical = u.label === 'critical';
  // -2 for critical, -1 for high: high -> critical inside the cooldown counts as worse and re-fires.
  const f: SignalFinding = { severity: critical ? -2 : -1, vars: { urgency: u.label, confidence: u.confidence }, evidence: [{ id: e.id, score: u.confidence }] };
  if (critical) f.priority = 'critical';
  return f;
}

/** Customer messages since the last agent answer in this conversation, and when the first of them came. */
export interface Unanswered {
  count: number;
  sinceMs: number;
}

/**
 * The customer chases an unresolved issue: the message itself says so (an implicit complaint:
 * repeated contact, waiting time, an unresolved state), or the conversation does (several
 * customer messages over some minutes without an agent answer). A burst of short chat lines in
 * the first minutes is not chasing, hence the minutes.
 */
export function implicitComplaintFinding(e: ScoredEvent, r: ImplicitComplaintRule, unanswered: Unanswered): SignalFinding | null {
  const c = e.signals?.implicitComplaint;
  const said = c !== undefined && e.sentiment.score <= r.maxScore;
  const waited = r.minUnanswered > 0 && unanswered.count >= r.minUnanswered && e.tsMs - unanswered.sinceMs >= r.minUnansweredMinutes * 60_000;
  if (!said && !waited) return null;
  return {
    severity: -1,
    vars: { phrase: quote(said ? c.phrase : e.text), count: unanswered.count },
    evidence: [{ id: e.id, score: e.sentiment.score }],
  };
}

/** Band `high` or probability at the threshold; the sentence names the model's top factors in plain words. */
export function churnRisk(e: ScoredEvent, r: ChurnRiskRule): SignalFinding | null {
  const c = e.churn;
  if (!c || !(c.band === 'high' || c.probability >= r.minProbability)) return null;
  const reasons = c.factors
    .slice(0, r.maxReasons)
    .map((f) => f.text.trim())
    .filter((t) => t !== '');
  return {
    severity: -c.probability,
    vars: { probability: c.probability, percent: Math.round(c.probability * 100), reasons: reasons.length > 0 ? reasons.join('; ') : 'n/a' },
    evidence: [{ id: e.id, score: Math.round(c.probability * 1000) / 1000 }],
  };
}

/**
 * The template for the message's topic in the customer's language and formality (formal when the
 * model did not say: the safer register with a stranger). Null when the topic is unsure or has no
 * template.
 */
export function suggestedReply(e: ScoredEvent, r: SuggestedReplyRule, replies: ReplyTemplates): SignalFinding | null {
  const t = e.topic;
  if (!t || t.confidence < r.minConfidence) return null;
  const byLang = replies[t.label];
  if (!byLang) return null;
  const lang = cueLang(e.lang);
  const formality = e.formality?.label ?? 'formal';
  return {
    severity: 0,
    vars: { topic: t.label, confidence: t.confidence },
    evidence: [{ id: e.id, score: t.confidence }],
    reply: { text: byLang[lang][formality], lang, formality, topic: t.label, templateId: `${t.label}.${lang}.${formality}` },
  };
}
