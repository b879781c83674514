import type { Envelope } from '../bus/types.ts';
import type { EventError } from '../event/errors.ts';
import type { ChurnRisk, ConversationState, CxEvent, LanguageGuess, SentimentScore, TextScores } from '../event/types.ts';
import type { Validation } from '../event/validate.ts';
import type { ModelLease } from '../model/registry.ts';

export type { ModelLease };

/** The stages' payloads, in pipeline order: each stage adds what it computed. */
export interface Decoded {
  env: Envelope;
  result: Validation;
}
export interface Accepted {
  env: Envelope;
  event: CxEvent;
}
export interface Redacted extends Accepted {
  text: string;
  subject?: string;
}
export interface Languaged extends Redacted {
  language: LanguageGuess;
}
export interface Featurized extends Languaged {
  features: Int32Array;
  /** Version of the model that made `features`; a hot reload can change the model before scoring. */
  featuresVersion: string;
}
/** Sentiment always; the other heads (TextScores) when the model has them. */
export interface Scored extends Featurized, Omit<TextScores, 'sentiment'> {
  sentiment: SentimentScore;
  modelVersion: string;
  scoredAtMs: number;
}
/** A message the model could not score, even alone: the DLQ stage dead-letters it. */
export interface Failed {
  env: Envelope;
  error: EventError;
}
/** What `score` emits per micro-batch: the scored events in batch order, and the ones that failed. */
export interface ScoredBatch {
  scored: Scored[];
  failed: Failed[];
}
export interface Tracked extends Scored {
  conversation: ConversationState;
  /** Set by the churn stage on customer messages when the churn model is on. */
  churn?: ChurnRisk;
}

/** The parts of the text model the pipeline uses (engine/model implements it). */
export interface PipelineModel {
  readonly version: string;
  featurize(text: string, lang?: string): Int32Array;
  predict(features: readonly Int32Array[]): Promise<SentimentScore[]>;
  /**
   * Sentiment plus the heads the model has (emotion, urgency, topic, formality); with the
   * (redacted) texts also the hidden signals, whose tail clause the model featurizes itself.
   */
  predictAll(features: readonly Int32Array[], texts?: readonly string[], langs?: readonly (string | undefined)[]): Promise<TextScores[]>;
  /**
   * Optional (engine/model/registry.ts): pins one model for a whole batch, so a hot reload
   * swaps models between batches and disposes the old one only after the batch released it.
   */
  acquire?(): ModelLease;
}

/**
 * Featurize + forward pass on other threads (engine/model/pool.ts). `score` answers undefined when
 * no thread holds `version` (the pipeline then scores on the main thread) and rejects when the
 * thread failed (the batch is then scored on the main thread, item by item if need be).
 */
export interface BatchScorer {
  score(version: string, texts: readonly string[], langs: readonly (string | undefined)[]): Promise<TextScores[]> | undefined;
}
