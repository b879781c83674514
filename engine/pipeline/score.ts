import { concatMap, type OperatorFunction } from 'rxjs';
import { eventError } from '../event/errors.ts';
import type { TextScores } from '../event/types.ts';
import type { Failed, Featurized, ModelLease, PipelineModel, Scored, ScoredBatch } from './types.ts';

export interface ScoreHooks {
  onBatch?(size: number): void;
}

/**
 * Scores each micro-batch with one forward pass of the model: sentiment plus whichever heads
 * the model has, and the hidden signals from the redacted texts. When a batch fails, each item is
 * retried alone so one poisonous input cannot hold back the others; the items that fail alone too
 * are emitted as `failed` for the DLQ stage.
 *
 * A model that supports hot reload (acquire) is pinned for the whole batch. Features are made
 * before batching for throughput; an item featurized by another version (a reload happened in
 * between) is re-featurized here from its text, because two models' hashed feature spaces need
 * not match and mixing them would silently give wrong scores.
 *
 * @example source.pipe(batchBy(64, 5), score(model), deadLetterFailed(dlq))
 */
export function score(model: PipelineModel, hooks: ScoreHooks = {}): OperatorFunction<Featurized[], ScoredBatch> {
  return concatMap(async (batch) => {
    hooks.onBatch?.(batch.length);
    const lease: ModelLease = model.acquire?.() ?? { model, release: () => undefined };
    try {
      const m = lease.model;
      const items = batch.map((b) => (b.featuresVersion === m.version ? b : { ...b, features: m.featurize(b.text, b.language.lang), featuresVersion: m.version }));
      const predict = (part: readonly Featurized[]): Promise<TextScores[]> =>
        m.predictAll(part.map((b) => b.features), part.map((b) => b.text), part.map((b) => b.language.lang));
      const withScores = (part: Featurized[], scores: TextScores[]): Scored[] => {
        const scoredAtMs = Date.now();
        // Spread only the heads the model produced, so a sentiment-only model adds no undefined keys.
        return part.map((item, i) => ({ ...item, ...scores[i]!, modelVersion: m.version, scoredAtMs }));
      };
      const out: ScoredBatch = { scored: [], failed: [] };
      try {
        out.scored = withScores(items, await predict(items));
      } catch {
        for (const item of items) {
          try {
            out.scored.push(...withScores([item], await predict([item])));
          } catch (e) {
            out.failed.push(failure(item, e as Error));
          }
        }
      }
      if (lease.compare && out.scored.length > 0) {
        await lease.compare(out.scored.map((s) => ({ text: s.text, lang: s.language.lang })), out.scored.map((s) => s.sentiment));
      }
      return out;
    } finally {
      lease.release();
    }
  });
}

function failure(item: Featurized, error: Error): Failed {
  return { env: item.env, error: eventError('CX_ERR_SCORING_FAILED', `model failed: ${error.message}`) };
}
