/**
 * The event contract (SPEC, "The event"): what connectors publish on `cx.events.<channel>`
 * and what the engine turns into a {@link ScoredEvent}.
 */
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

/** Emotion head (issue 3): multi-label, GoEmotions-derived for English. */
export const EMOTION_LABELS = ['anger', 'frustration', 'disappointment', 'confusion', 'joy', 'enthusiasm', 'gratitude', 'neutral'] as const;
export type EmotionLabel = (typeof EMOTION_LABELS)[number];
export const INTENSITY_LABELS = ['mild', 'moderate', 'strong'] as const;
export type IntensityLabel = (typeof INTENSITY_LABELS)[number];
export const URGENCY_LABELS = ['low', 'normal', 'high', 'critical'] as const;
export type UrgencyLabel = (typeof URGENCY_LABELS)[number];
/**
 * Topic head: billing and pricing, delivery, technical fault, usability ("confusing"), account and
 * access, cancellation, communication and response time, praise, other.
 */
export const TOPIC_LABELS = ['billing', 'delivery', 'technical', 'usability', 'account', 'cancellation', 'communication', 'praise', 'other'] as const;
export type TopicLabel = (typeof TOPIC_LABELS)[number];
export const FORMALITY_LABELS = ['formal', 'informal'] as const;
export type FormalityLabel = (typeof FORMALITY_LABELS)[number];

/** A single-label head's output: the most probable class and its (calibrated where stated) probability. */
export interface ClassScore<L extends string> {
  label: L;
  confidence: number;
}

export interface EmotionScore {
  /** Labels whose probability passed the head's threshold, most probable first (at least one). */
  labels: EmotionLabel[];
  /** Independent (sigmoid) probability of each label, 0..1. */
  probs: Record<EmotionLabel, number>;
  /** How strongly the dominant non-neutral emotion is expressed. */
  intensity: IntensityLabel;
  /** 0..1 behind `intensity`. */
  intensityScore: number;
}

/** Signals a single sentiment label hides. */
export interface HiddenSignals {
  /** Polite wording carrying negative content ("works in principle, but sometimes the answers are slow"). */
  politeNegative: boolean;
  /** Why, in words (e.g. the polite marker and the negative clause), when flagged. */
  evidence?: string;
}

/** Everything the text model says about one text: sentiment always, the other heads when the model has them. */
export interface TextScores {
  sentiment: SentimentScore;
  emotion?: EmotionScore;
  urgency?: ClassScore<UrgencyLabel>;
  topic?: ClassScore<TopicLabel>;
  formality?: ClassScore<FormalityLabel>;
  signals?: HiddenSignals;
}

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
 * The text model's other heads (emotion, urgency, topic, formality, signals; see TextScores) are
 * present when the loaded model has them.
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
