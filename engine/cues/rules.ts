import { readFileSync } from 'node:fs';
import { CUE_LANGS, CUE_PRIORITIES, type CueKind, type CueLang, type CuePriority } from '../event/index.ts';
import { parseWaitingAndSpikeRules, type WaitingAndSpikeRules } from './alertRules.ts';
import { CueRulesError, DEFAULT_CUES_FILE, isObj, num, shippedRulesDoc } from './rulesFile.ts';

/**
 * Cue rules and alert thresholds are data (`rules.default.json`, or the file in
 * CXPULSE_CUES_FILE) so a deployment can tune thresholds and rewrite the sentences without a
 * code change.
 */
export { CUE_LANGS, CUE_PRIORITIES, CueRulesError, DEFAULT_CUES_FILE, type CueKind, type CueLang, type CuePriority };

interface RuleBase {
  enabled: boolean;
  priority: CuePriority;
  /** The same kind does not fire again for a conversation within this time unless it got worse. */
  cooldownMs: number;
  templates: Record<CueLang, string>;
}
export type FrustrationRisingRule = RuleBase & { minTurns: number; maxTrend: number; maxLastScore: number };
export type NegativeSpikeRule = RuleBase & { maxScore: number; minConfidence: number };
export type EscalationAdvisedRule = RuleBase & { consecutive: number; negativeBelow: number; veryNegative: number };
export type LongMessageJargonRule = RuleBase & { minWords: number; maxWordsPerSentence: number; longWordChars: number; maxLongWordShare: number };
/** Fires on `signals.politeNegative`, unless the sentiment is clearly positive (above `maxScore`). */
export type PoliteIrritationRule = RuleBase & { maxScore: number };
/** Fires on urgency `high` or `critical` with at least `minConfidence`. */
export type UrgencyHighRule = RuleBase & { minConfidence: number };
/**
 * Fires on a customer message carrying `signals.implicitComplaint` (score at most `maxScore`), or
 * when `minUnanswered` customer messages in a row got no agent answer and the first of them is at
 * least `minUnansweredMinutes` old (0 turns the conversation part off).
 */
export type ImplicitComplaintRule = RuleBase & { maxScore: number; minUnanswered: number; minUnansweredMinutes: number };
/** Fires on churn band `high` or probability >= `minProbability`; names up to `maxReasons` factors. Cooldown is per customer. */
export type ChurnRiskRule = RuleBase & { minProbability: number; maxReasons: number };
/** Fires when a topic (other than `other`) is detected with `minConfidence`; once per topic per conversation per cooldown. */
export type SuggestedReplyRule = RuleBase & { minConfidence: number };

export interface CueRules {
  frustration_rising: FrustrationRisingRule;
  negative_spike: NegativeSpikeRule;
  escalation_advised: EscalationAdvisedRule;
  long_message_jargon: LongMessageJargonRule;
  polite_irritation: PoliteIrritationRule;
  urgency_high: UrgencyHighRule;
  implicit_complaint: ImplicitComplaintRule;
  churn_risk: ChurnRiskRule;
  suggested_reply: SuggestedReplyRule;
}
// CueKind (engine/event, where Cue is) and the rules here must name the same kinds.
const cueKindsMatch: [keyof CueRules] extends [CueKind] ? ([CueKind] extends [keyof CueRules] ? true : never) : never = true;
void cueKindsMatch;
/** In the order they are checked (and sent) for one message: most urgent first. */
export const CUE_KINDS: readonly CueKind[] = [
  'escalation_advised',
  'urgency_high',
  'implicit_complaint',
  'negative_spike',
  'churn_risk',
  'frustration_rising',
  'polite_irritation',
  'suggested_reply',
  'long_message_jargon',
];
/**
 * Kinds a rules file may leave out: it gets the shipped defaults for them, so a customer's tuned
 * file from before these kinds existed still loads.
 */
export const OPTIONAL_CUE_KINDS: readonly CueKind[] = ['polite_irritation', 'urgency_high', 'implicit_complaint', 'churn_risk', 'suggested_reply'];
/** Rules about the agent's own replies; the others read customer turns. */
export const AGENT_CUE_KINDS: readonly CueKind[] = ['long_message_jargon'];

/** The negative-share alert's thresholds (flat in the `alerts` object) and the other alerts' sections. */
export interface AlertRules extends WaitingAndSpikeRules {
  enabled: boolean;
  windowMinutes: number;
  baselineMinutes: number;
  minVolume: number;
  minZ: number;
  minLift: number;
  /** An open alert resolves when z falls below this (hysteresis: it does not flap around minZ). */
  resolveZ: number;
  /** An open alert sends an `update` when the window's share moved by at least this much. */
  updateStep: number;
}

export interface CueConfig {
  /** How much worse (in score units) a signal must get to re-fire inside the cooldown. */
  worsenMargin: number;
  /** Customer turns kept per conversation. */
  historySize: number;
  rules: CueRules;
  alerts: AlertRules;
}

/** Placeholders each rule's templates may use; anything else is a load error (a typo would print `{sccore}` to agents). */
export const PLACEHOLDERS: Record<CueKind, readonly string[]> = {
  frustration_rising: ['turns', 'trend', 'score'],
  negative_spike: ['score', 'confidence'],
  escalation_advised: ['count', 'mean', 'score'],
  long_message_jargon: ['words', 'longShare'],
  polite_irritation: ['score', 'evidence'],
  urgency_high: ['urgency', 'confidence'],
  implicit_complaint: ['phrase', 'count'],
  churn_risk: ['probability', 'percent', 'reasons'],
  suggested_reply: ['topic', 'confidence'],
};

const NUMBERS: Record<CueKind, readonly string[]> = {
  frustration_rising: ['minTurns', 'maxTrend', 'maxLastScore'],
  negative_spike: ['maxScore', 'minConfidence'],
  escalation_advised: ['consecutive', 'negativeBelow', 'veryNegative'],
  long_message_jargon: ['minWords', 'maxWordsPerSentence', 'longWordChars', 'maxLongWordShare'],
  polite_irritation: ['maxScore'],
  urgency_high: ['minConfidence'],
  implicit_complaint: ['maxScore', 'minUnanswered', 'minUnansweredMinutes'],
  churn_risk: ['minProbability', 'maxReasons'],
  suggested_reply: ['minConfidence'],
};
const ALERT_NUMBERS = ['windowMinutes', 'baselineMinutes', 'minVolume', 'minZ', 'minLift', 'resolveZ', 'updateStep'] as const;

function parseRule(kind: CueKind, raw: unknown): RuleBase & Record<string, unknown> {
  const where = `rules.${kind}`;
  if (!isObj(raw)) throw new CueRulesError(`${where}: missing or not an object`);
  if (typeof raw.enabled !== 'boolean') throw new CueRulesError(`${where}.enabled: expected true or false`);
  if (!CUE_PRIORITIES.includes(raw.priority as CuePriority)) throw new CueRulesError(`${where}.priority: expected one of ${CUE_PRIORITIES.join(', ')}, got ${JSON.stringify(raw.priority)}`);
  const out: Record<string, unknown> = { enabled: raw.enabled, priority: raw.priority, cooldownMs: num(raw, 'cooldownMs', where, 0) };
  for (const k of NUMBERS[kind]) out[k] = num(raw, k, where);
  if (!isObj(raw.templates)) throw new CueRulesError(`${where}.templates: missing or not an object`);
  const templates: Record<string, string> = {};
  for (const lang of CUE_LANGS) {
    const t = raw.templates[lang];
    if (typeof t !== 'string' || t.trim() === '') throw new CueRulesError(`${where}.templates.${lang}: missing or empty`);
    for (const m of t.matchAll(/\{([^{}]*)\}/g)) {
      if (!PLACEHOLDERS[kind].includes(m[1] ?? '')) throw new CueRulesError(`${where}.templates.${lang}: unknown placeholder {${m[1]}} (allowed: ${PLACEHOLDERS[kind].map((p) => `{${p}}`).join(', ')})`);
    }
    templates[lang] = t;
  }
  out.templates = templates;
  return out as RuleBase & Record<string, unknown>;
}

/** Checks a parsed rules document; throws CueRulesError naming the rule and field at fault. */
export function parseCueRules(doc: unknown): CueConfig {
  if (!isObj(doc)) throw new CueRulesError('rules file: expected a JSON object');
  if (!isObj(doc.rules)) throw new CueRulesError('rules: missing or not an object');
  for (const k of Object.keys(doc.rules)) if (!(CUE_KINDS as readonly string[]).includes(k)) throw new CueRulesError(`rules.${k}: unknown rule (known: ${CUE_KINDS.join(', ')})`);
  const rules = {} as Record<CueKind, unknown>;
  for (const kind of CUE_KINDS) {
    const raw = doc.rules[kind] === undefined && OPTIONAL_CUE_KINDS.includes(kind) ? defaultRuleDoc(kind) : doc.rules[kind];
    rules[kind] = parseRule(kind, raw);
  }
  const r = rules as unknown as CueRules;
  if (r.frustration_rising.minTurns < 2) throw new CueRulesError('rules.frustration_rising.minTurns: must be >= 2 (a trend needs two points)');
  if (r.escalation_advised.consecutive < 1) throw new CueRulesError('rules.escalation_advised.consecutive: must be >= 1');
  const j = r.long_message_jargon;
  for (const k of ['maxWordsPerSentence', 'longWordChars', 'maxLongWordShare'] as const) if (!(j[k] > 0)) throw new CueRulesError(`rules.long_message_jargon.${k}: must be > 0`);
  const unit = (kind: 'urgency_high' | 'churn_risk' | 'suggested_reply', k: string, v: number) => {
    if (v < 0 || v > 1) throw new CueRulesError(`rules.${kind}.${k}: must be between 0 and 1, got ${v}`);
  };
  unit('urgency_high', 'minConfidence', r.urgency_high.minConfidence);
  unit('churn_risk', 'minProbability', r.churn_risk.minProbability);
  unit('suggested_reply', 'minConfidence', r.suggested_reply.minConfidence);
  const ic = r.implicit_complaint;
  if (!Number.isInteger(ic.minUnanswered) || ic.minUnanswered < 0) throw new CueRulesError('rules.implicit_complaint.minUnanswered: must be a whole number >= 0 (0: off)');
  if (ic.minUnansweredMinutes < 0) throw new CueRulesError('rules.implicit_complaint.minUnansweredMinutes: must be >= 0');
  if (!Number.isInteger(r.churn_risk.maxReasons) || r.churn_risk.maxReasons < 0) throw new CueRulesError('rules.churn_risk.maxReasons: must be a whole number >= 0');
  if (!isObj(doc.alerts)) throw new CueRulesError('alerts: missing or not an object');
  const a = doc.alerts;
  if (typeof a.enabled !== 'boolean') throw new CueRulesError('alerts.enabled: expected true or false');
  const alerts = { enabled: a.enabled, ...parseWaitingAndSpikeRules(a) } as AlertRules;
  for (const k of ALERT_NUMBERS) alerts[k] = num(a, k, 'alerts', 0);
  if (alerts.windowMinutes < 1 || alerts.baselineMinutes < 1) throw new CueRulesError('alerts.windowMinutes/baselineMinutes: must be >= 1');
  const historySize = doc.historySize === undefined ? 8 : num(doc, 'historySize', 'rules file', 2);
  const worsenMargin = doc.worsenMargin === undefined ? 0.1 : num(doc, 'worsenMargin', 'rules file', 0);
  if (historySize < r.frustration_rising.minTurns || historySize < r.escalation_advised.consecutive) {
    throw new CueRulesError(`historySize: ${historySize} is smaller than a rule's window (frustration_rising.minTurns, escalation_advised.consecutive)`);
  }
  return { historySize: Math.floor(historySize), worsenMargin, rules: r, alerts };
}

/** The shipped file's rule `kind`, as raw JSON, for rules files that leave it out. */
function defaultRuleDoc(kind: CueKind): unknown {
  return (shippedRulesDoc().rules as Record<string, unknown>)[kind];
}

/** Loads and checks the rules file (default: the one shipped beside this module). */
export function loadCueRules(file: string = DEFAULT_CUES_FILE): CueConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CueRulesError(`cue rules file ${file}: cannot read (${(e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CueRulesError(`cue rules file ${file}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return parseCueRules(doc);
  } catch (e) {
    throw new CueRulesError(`cue rules file ${file}: ${(e as Error).message}`);
  }
}

/** The template's language for a detected language: the customer's when we have it, else English. */
export function cueLang(lang: string | undefined): CueLang {
  return (CUE_LANGS as readonly string[]).includes(lang ?? '') ? (lang as CueLang) : 'en';
}

/** Fills `{name}` placeholders; numbers are shown with two decimals so a cue reads the same everywhere. */
export function renderTemplate(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v;
  });
}
