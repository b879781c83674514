import { concatMap, type OperatorFunction } from 'rxjs';
import type { SentimentScore } from '../event/types.ts';
import type { Featurized, PipelineModel, Scored } from './types.ts';

export interface ScoreHooks {
  /** An item the model could not score even on its own: dead-letter it (and ack or nak it). */
  onFailed(item: Featurized, error: Error): Promise<void>;
  onBatch?(size: number): void;
}

/**
 * Scores each micro-batch with one forward pass of the model. When a batch fails, each item is
 * retried alone so one poisonous input cannot hold back the others.
 */
export function score(model: PipelineModel, hooks: ScoreHooks): OperatorFunction<Featurized[], Scored[]> {
  const withScores = (items: Featurized[], scores: SentimentScore[]): Scored[] => {
    const scoredAtMs = Date.now();
    return items.map((item, i) => ({ ...item, sentiment: scores[i]!, modelVersion: model.version, scoredAtMs }));
  };
  return concatMap(async (batch) => {
    hooks.onBatch?.(batch.length);
    try {
      return withScores(batch, await model.predict(batch.map((b) => b.features)));
    } catch {
      const out: Scored[] = [];
      for (const item of batch) {
        try {
          out.push(...withScores([item], await model.predict([item.features])));
        } catch (e) {
          await hooks.onFailed(item, e as Error);
        }
      }
      return out;
    }
  });
}
