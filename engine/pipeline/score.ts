import { concatMap, map, type OperatorFunction } from 'rxjs';
import { eventError } from '../event/errors.ts';
import type { TextScores } from '../event/types.ts';
import type { BatchScorer, Failed, Featurized, ModelLease, PipelineModel, Scored, ScoredBatch } from './types.ts';

export interface ScoreHooks {
  onBatch?(size: number): void;
  /** A batch sent to a worker thread failed there and is scored on the main thread instead. */
  onWorkerError?(error: Error): void;
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
 * With `workers`, featurize + forward pass run on a worker thread holding the pinned version, and
 * several batches are scored at once; batches are still emitted in the order they came, so the
 * stages after (conversation and customer state) see events in order. A batch no worker can take
 * (a reload in progress) or that fails on one is scored here on the main thread.
 *
 * @example source.pipe(batchBy(64, 5), score(model), deadLetterFailed(dlq))
 */
export function score(model: PipelineModel, hooks: ScoreHooks = {}, workers?: BatchScorer): OperatorFunction<Featurized[], ScoredBatch> {
  const one = (batch: Featurized[]) => scoreBatch(model, hooks, workers, batch);
  if (!workers) return concatMap(one);
  // Started as they come, emitted in order. Never rejects (a promise waiting its turn must not fail unobserved).
  return (source) => source.pipe(map((batch) => one(batch).catch((e: Error) => ({ scored: [], failed: batch.map((b) => failure(b, e)) }))), concatMap((p) => p));
}

async function scoreBatch(model: PipelineModel, hooks: ScoreHooks, workers: BatchScorer | undefined, batch: Featurized[]): Promise<ScoredBatch> {
  hooks.onBatch?.(batch.length);
  const lease: ModelLease = model.acquire?.() ?? { model, release: () => undefined };
  try {
    const m = lease.model;
    const withScores = (part: Featurized[], scores: TextScores[]): Scored[] => {
      const scoredAtMs = Date.now();
      // Spread only the heads the model produced, so a sentiment-only model adds no undefined keys.
      return part.map((item, i) => ({ ...item, ...scores[i]!, modelVersion: m.version, scoredAtMs }));
    };
    let out: ScoredBatch | undefined;
    const remote = workers?.score(m.version, batch.map((b) => b.text), batch.map((b) => b.language.lang));
    if (remote) {
      try {
        out = { scored: withScores(batch, await remote), failed: [] };
      } catch (e) {
        hooks.onWorkerError?.(e as Error);
      }
    }
    out ??= await onThisThread(m, batch, withScores);
    if (lease.compare && out.scored.length > 0) {
      await lease.compare(out.scored.map((s) => ({ text: s.text, lang: s.language.lang })), out.scored.map((s) => s.sentiment));
    }
    return out;
  } finally {
    lease.release();
  }
}

/** The whole batch in one forward pass; when that fails, each item alone, the failing ones kept for the DLQ. */
async function onThisThread(m: ModelLease['model'], batch: Featurized[], withScores: (part: Featurized[], scores: TextScores[]) => Scored[]): Promise<ScoredBatch> {
  const items = batch.map((b) => (b.featuresVersion === m.version ? b : { ...b, features: m.featurize(b.text, b.language.lang), featuresVersion: m.version }));
  const predict = (part: readonly Featurized[]): Promise<TextScores[]> =>
    m.predictAll(part.map((b) => b.features), part.map((b) => b.text), part.map((b) => b.language.lang));
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
  return out;
}

function failure(item: Featurized, error: Error): Failed {
  return { env: item.env, error: eventError('CX_ERR_SCORING_FAILED', `model failed: ${error.message}`) };
}
