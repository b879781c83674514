import { concatMap, type OperatorFunction } from 'rxjs';
import type { BusinessEvent, ChurnRisk } from '../event/types.ts';
import { businessObservation, messageObservation, profileFeatures, streamFeatures, type ChurnScorer, type CustomerState, type CustomerTracker } from '../churn/index.ts';
import type { Tracked } from './types.ts';

/** What the churn stage needs (engine/runtime/churn.ts builds it). */
export interface ChurnStage {
  tracker: CustomerTracker;
  scorer: Pick<ChurnScorer, 'score' | 'version'>;
  /** Factors per risk (default 5). */
  factors?: number;
  /** The stage failed on a batch: its events go on without churn. */
  onError?(error: Error, stage: 'score' | 'business'): void;
  onScored?(n: number): void;
}

/**
 * Updates each customer's state from every message of the micro-batch (customer and agent turns:
 * agent turns carry reply times and escalations) and sets `churn` on customer messages, with one
 * model call for the batch. Never fails the pipeline: on any error the batch passes on unchanged
 * (without churn) and the error is reported.
 *
 *   source.pipe(score(model, hooks), trackConversation(), scoreChurn(stage), deliver(...))
 */
export function scoreChurn(stage: ChurnStage): OperatorFunction<Tracked[], Tracked[]> {
  return concatMap(async (batch) => {
    try {
      const states = await stage.tracker.apply(batch.map((item) => ({ customerId: item.event.customerId, observation: messageObservation(item) })));
      const at = batch.flatMap((item, i) => (item.event.author === 'customer' ? [i] : []));
      if (at.length === 0) return batch;
      const results = await stage.scorer.score(at.map((i) => ({ profile: profileFeatures(states[i]!), stream: streamFeatures(states[i]!) })), stage.factors);
      const out = [...batch];
      at.forEach((i, j) => {
        const r = results[j]!;
        const churn: ChurnRisk = { probability: Math.round(r.probability * 1e4) / 1e4, band: r.band, factors: r.factors.map((f) => ({ feature: f.feature, text: f.text, contribution: Math.round(f.contribution * 1000) / 1000 })), modelVersion: r.modelVersion };
        out[i] = { ...batch[i]!, churn };
      });
      stage.onScored?.(at.length);
      return out;
    } catch (e) {
      stage.onError?.(e as Error, 'score');
      return batch;
    }
  });
}

/**
 * The CRM side: stored business events update their customers' states (called after the store
 * write, from storeBusinessEvents' onStored); `onStates` gets each event with its customer's state
 * right after it (the next-best-action engine). Never throws; errors are reported.
 */
export function churnBusinessObserver(stage: ChurnStage, onStates?: (updated: { event: BusinessEvent; state: CustomerState }[]) => void): (rows: readonly BusinessEvent[]) => void {
  return (rows) => {
    stage.tracker
      .apply(rows.map((r) => ({ customerId: r.customerId, observation: businessObservation(r) })))
      .then((states) => onStates?.(rows.map((event, i) => ({ event, state: states[i]! }))))
      .catch((e: Error) => stage.onError?.(e, 'business'));
  };
}
