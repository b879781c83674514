/**
 * The event contract (SPEC, "The event"): what connectors publish on `cx.events.<channel>`
 * and what the engine turns into a {@link ScoredEvent}.
 */
import { HEAD_NAMES, type EmotionLabel, type HeadScores, type MultiLabelScore } from './heads.ts';

export const CHANNELS = ['chat', 'email', 'call'] as const;
export type Channel = (typeof CHANNELS)[number];

export const AUTHORS = ['customer', 'agent', 'system'] as const;
export type Author = (typeof AUTHORS)[number];

/** A validated inbound event. `ts` is normalised to epoch milliseconds. */
export interface CxEvent {
  id: string;
  channel: Channel;
  conversationId: string;
  customerId: string;
  author: Author;
  text: string;
  tsMs: number;
  agentId?: string;
  lang?: string;
  subject?: string;
  meta?: Record<string, unknown>;
}

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface SentimentScore {
  label: SentimentLabel;
  /** -1 (very negative) .. 1 (very positive): p(positive) - p(negative). */
  score: number;
  /** Probability of the chosen label, 0..1. */
  confidence: number;
}

export {
  EMOTION_LABELS, FORMALITY_LABELS, INTENSITY_LABELS, TOPIC_LABELS, URGENCY_LABELS, HEADS, HEAD_ENTRIES, HEAD_NAMES, headDef,
} from './heads.ts';
export type {
  ClassScore, EmotionLabel, FormalityLabel, HeadDef, HeadName, HeadScore, HeadScores, IntensityLabel, MultiLabelScore,
  TopicLabel, UrgencyLabel,
} from './heads.ts';

/** The emotion head's output (multi-label, GoEmotions-derived for English). */
export type EmotionScore = MultiLabelScore<EmotionLabel>;

/** What an implicit complaint states: the customer chases, waits, or something is still wrong. */
export const COMPLAINT_KINDS = ['repeated_contact', 'waiting', 'unresolved'] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];

/** A complaint made without complaint words ("third time I ask", "still waiting", "ingen svar"). */
export interface ImplicitComplaint {
  kind: ComplaintKind;
  /** The words that matched, as written (whitespace collapsed). */
  phrase: string;
}

/** Signals a single sentiment label hides. */
export interface HiddenSignals {
  /** Polite wording carrying negative content ("works in principle, but sometimes the answers are slow"). */
  politeNegative: boolean;
  /** Why, in words (e.g. the polite marker and the negative clause), when flagged. */
  evidence?: string;
  /** Present when the text states repeated contact, waiting time or an unresolved state (phrase rules, engine/model/complaints.ts). */
  implicitComplaint?: ImplicitComplaint;
}

/**
 * Everything the text model says about one text: sentiment always, one field per head of
 * engine/event/heads.ts when the model has it, and the rule-based `signals` when the texts were given.
 */
export interface TextScores extends HeadScores {
  sentiment: SentimentScore;
  signals?: HiddenSignals;
}

/** TextScores' optional fields: copied onto a scored event only when present. */
export const OPTIONAL_TEXT_SCORES: readonly Exclude<keyof TextScores, 'sentiment'>[] = [...HEAD_NAMES, 'signals'];

/** The churn model's view of a customer, attached to that customer's scored messages. */
export interface ChurnRisk {
  /** Calibrated probability of churn, 0..1. */
  probability: number;
  band: 'low' | 'medium' | 'high';
  /** Top contributing factors in plain words, largest first. */
  factors: { feature: string; text: string; contribution: number }[];
  modelVersion: string;
}

export interface LanguageGuess {
  /** ISO 639-1 code (`en`, `sv`, `nb`, `da`, `de`) or `und` when unsure. */
  lang: string;
  confidence: number;
}

/** Per-conversation state carried on every scored event. */
export interface ConversationState {
  /** Customer turns scored so far in this conversation (by this engine instance). */
  turns: number;
  /** Sentiment scores of the last customer turns, oldest first. */
  recent: number[];
  /** Least-squares slope of `recent` per turn: > 0 improving, < 0 worsening. */
  trend: number;
}

/**
 * What the engine produces per event: the row in ClickHouse, the feed message, cx.scores.<channel>.
 * The text model's heads (engine/event/heads.ts) and `signals` are present when the loaded
 * model has them (see TextScores).
 */
export interface ScoredEvent extends Omit<TextScores, 'sentiment'> {
  id: string;
  channel: Channel;
  conversationId: string;
  customerId: string;
  author: Author;
  agentId?: string;
  subject?: string;
  tsMs: number;
  /** The text after PII redaction: the only form of the text that is ever stored or sent on. */
  text: string;
  lang: string;
  langConfidence: number;
  sentiment: SentimentScore;
  /** Customer messages only, when the churn model is on: the customer's risk after this message. */
  churn?: ChurnRisk;
  conversation: ConversationState;
  modelVersion: string;
  /** Engine latency: from the moment the engine received the event until scoring finished. */
  latencyMs: number;
  /** Epoch ms at which the engine received the event. */
  receivedAtMs: number;
  /** The source's metadata, as sent (e.g. call duration, hold time, transfers). */
  meta?: Record<string, unknown>;
  /**
   * Set when the bus delivered this event before (JetStream delivery count above 1): a copy may
   * already be stored, so the ClickHouse store looks it up and keeps it out of the rollups; feed
   * clients keep the latest message per event id anyway.
   */
  redelivered?: true;
}

/** Business (CRM) events that feed the churn model's customer state, on `cx.events.crm` (SPEC). */
export const BUSINESS_EVENT_TYPES = ['payment_late', 'order_placed', 'usage_drop', 'plan_change', 'cancellation'] as const;
export type BusinessEventType = (typeof BUSINESS_EVENT_TYPES)[number];

export interface BusinessEvent {
  id: string;
  customerId: string;
  type: BusinessEventType;
  tsMs: number;
  /** Type-specific fields (daysLate, amount, fromPlan ...), as validated by the CRM connector. */
  meta?: Record<string, unknown>;
  /** Epoch ms at which the engine received the event. */
  receivedAtMs: number;
}
