import type { Envelope } from '../bus/types.ts';
import type { ConversationState, CxEvent, LanguageGuess, SentimentScore } from '../event/types.ts';
import type { Validation } from '../event/validate.ts';

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
}
export interface Scored extends Featurized {
  sentiment: SentimentScore;
  modelVersion: string;
  scoredAtMs: number;
}
export interface Tracked extends Scored {
  conversation: ConversationState;
}

/** The parts of the text model the pipeline uses (engine/model implements it). */
export interface PipelineModel {
  readonly version: string;
  featurize(text: string, lang?: string): Int32Array;
  predict(features: readonly Int32Array[]): Promise<SentimentScore[]>;
}
