import type { FormalityLabel, TopicLabel } from './types.ts';

/**
 * Advice derived from scored events: cues for agents, alerts for supervisors. engine/cues makes
 * them; the feed, NATS `cx.alerts`, the sinks and the web pages carry them, so the shapes live
 * beside the event. Field names are a contract with the pages (web/): add optional fields, never
 * rename.
 */

export const CUE_LANGS = ['en', 'sv', 'nb', 'da', 'de'] as const;
export type CueLang = (typeof CUE_LANGS)[number];
export const CUE_PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;
export type CuePriority = (typeof CUE_PRIORITIES)[number];
/** One per rule of the rules file (engine/cues/rules.ts checks the two lists agree). */
export type CueKind =
  | 'frustration_rising'
  | 'negative_spike'
  | 'escalation_advised'
  | 'long_message_jargon'
  | 'polite_irritation'
  | 'urgency_high'
  | 'implicit_complaint'
  | 'churn_risk'
  | 'suggested_reply';

/** A suggested answer for the agent to edit and send; the engine never sends it itself. */
export type SuggestedReply = {
  text: string;
  /** The customer's language (the template's; English when the customer's has no template). */
  lang: CueLang;
  formality: FormalityLabel;
  topic: TopicLabel;
  /** `<topic>.<lang>.<formality>` in the replies file, so a page can say which template it was. */
  templateId: string;
};

/** A type alias (not an interface) so it fits the feed protocol's `cue: Record<string, unknown>`. */
export type Cue = {
  kind: CueKind;
  conversationId: string;
  agentId?: string;
  /** Set on customer-turn cues (the customer whose message raised it). */
  customerId?: string;
  priority: CuePriority;
  /** The advice in the customer's language (detected; English when unknown) and in the agent UI's language. */
  text: { customer: string; agent: string; customerLang: CueLang; agentLang: CueLang };
  evidence: { eventIds: string[]; scores: number[] };
  tsMs: number;
  /** `suggested_reply` only. */
  reply?: SuggestedReply;
};

export const ALERT_KINDS = ['negative_share', 'waiting_too_long', 'dlq_spike', 'latency_spike'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type AlertStatus = 'open' | 'update' | 'resolved';

/** What every alert has: one incident keeps one `alertId` from `open` through `update`s to `resolved`. */
type AlertBase = {
  alertId: string;
  status: AlertStatus;
  openedAtMs: number;
  /** When this state was evaluated. */
  tsMs: number;
  /** One line for a supervisor (English: the wallboard's language). */
  text: string;
};

/** A channel's negative share of customer messages well above its own recent baseline (engine/cues/alerts.ts). */
export type NegativeShareAlert = AlertBase & {
  kind: 'negative_share';
  channel: string;
  share: number;
  baselineShare: number;
  z: number | null;
  n: number;
  baselineN: number;
  windowMinutes: number;
  baselineMinutes: number;
};

/** A conversation whose last customer message has had no agent reply for `thresholdMinutes` (engine/cues/waiting.ts). */
export type WaitingTooLongAlert = AlertBase & {
  kind: 'waiting_too_long';
  channel: string;
  conversationId: string;
  customerId: string;
  agentId?: string;
  /** The customer message that is waiting (the first unanswered one). */
  eventId: string;
  waitingSinceMs: number;
  waitedMinutes: number;
  thresholdMinutes: number;
};

/**
 * An engine-health rate well above its recent baseline (engine/cues/spikes.ts): `value` is the current
 * window's figure (dead-lettered events per minute, or latency p95 in ms), `baseline` the same
 * over the baseline window before it.
 */
export type SpikeAlert = AlertBase & {
  kind: 'dlq_spike' | 'latency_spike';
  value: number;
  baseline: number;
  unit: 'events/min' | 'ms';
  /** Samples in the window (events dead-lettered, or latencies measured). */
  n: number;
  windowMinutes: number;
  baselineMinutes: number;
};

export type Alert = NegativeShareAlert | WaitingTooLongAlert | SpikeAlert;
