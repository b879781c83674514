import { identity, type OperatorFunction } from 'rxjs';
import type { ScoredEvent, LanguageGuess } from '../event/types.ts';
import type { Envelope } from '../bus/types.ts';
import type { ScoreStore } from '../sinks/types.ts';
import { decode } from './decode.ts';
import { deadLetterInvalid, type DeadLetterSink } from './deadLetterInvalid.ts';
import { redact, type RedactionCounter } from './redact.ts';
import { guessLanguage } from './guessLanguage.ts';
import { featurize } from './featurize.ts';
import { batchBy } from './batchBy.ts';
import { score, type ScoreHooks } from './score.ts';
import { trackConversation } from './trackConversation.ts';
import { churnBusinessObserver, scoreChurn, type ChurnStage } from './scoreChurn.ts';
import { deliver, type DeliverOptions } from './deliver.ts';
import { storeBusinessEvents, type StoreBusinessOptions } from './storeBusinessEvents.ts';
import type { Accepted, Featurized, PipelineModel } from './types.ts';

export interface PipelineDeps {
  maxTextBytes: number;
  batchSize: number;
  batchLingerMs: number;
  model: PipelineModel;
  detectLanguage(text: string): LanguageGuess;
  dlq: DeadLetterSink;
  scoreHooks: ScoreHooks;
  countRedaction?: RedactionCounter;
  store: ScoreStore;
  sink: Omit<DeliverOptions, 'store'>;
  business?: Pick<StoreBusinessOptions, 'onStored' | 'onRetry' | 'onGaveUp'>;
  /** Customer state and churn risk (engine/runtime/churn.ts); absent = churn off. */
  churn?: ChurnStage;
}

/**
 * Business (CRM) events -> store (-> customer state). Customer messages: validate -> redact PII ->
 * language -> featurize -> micro-batch -> score -> conversation state -> customer state and churn
 * risk -> sinks.
 */
export function scoringPipeline(d: PipelineDeps): OperatorFunction<Envelope, ScoredEvent[]> {
  return (source) =>
    source.pipe(
      storeBusinessEvents({ store: d.store, dlq: d.dlq, batchSize: d.sink.batchSize, lingerMs: d.sink.lingerMs, ...businessHooks(d) }),
      decode({ maxTextBytes: d.maxTextBytes }),
      deadLetterInvalid(d.dlq),
      prepareText(d),
      batchBy(d.batchSize, d.batchLingerMs),
      score(d.model, d.scoreHooks),
      trackConversation(),
      d.churn ? scoreChurn(d.churn) : identity,
      deliver({ store: d.store, ...d.sink }),
    );
}

/** Per event, before batching: redact PII -> language -> featurize. */
function prepareText(d: PipelineDeps): OperatorFunction<Accepted, Featurized> {
  return (source) => source.pipe(redact(d.countRedaction), guessLanguage(d.detectLanguage), featurize(d.model));
}

/** The caller's business hooks, plus the churn stage's state update once rows are stored. */
function businessHooks(d: PipelineDeps): PipelineDeps['business'] {
  if (!d.churn) return d.business;
  const observe = churnBusinessObserver(d.churn);
  return {
    ...d.business,
    onStored: (rows) => {
      d.business?.onStored?.(rows);
      observe(rows);
    },
  };
}
