import { map, type OperatorFunction } from 'rxjs';
import type { Featurized, Languaged, PipelineModel } from './types.ts';

/** Turns text into the model's hashed feature ids (cheap, per event, before batching). */
export function featurize(model: Pick<PipelineModel, 'featurize' | 'version'>): OperatorFunction<Languaged, Featurized> {
  return map((item) => ({ ...item, features: model.featurize(item.text, item.language.lang), featuresVersion: model.version }));
}

const NO_FEATURES = new Int32Array(0);

/**
 * For a pipeline that scores on worker threads: the workers featurize, so the main thread only
 * marks the features as not made (version ''); a batch that falls back to the main thread is
 * featurized there by `score`, which re-featurizes any item whose version is not the model's.
 */
export function featurizeOnWorkers(): OperatorFunction<Languaged, Featurized> {
  return map((item) => ({ ...item, features: NO_FEATURES, featuresVersion: '' }));
}
