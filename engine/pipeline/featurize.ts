import { map, type OperatorFunction } from 'rxjs';
import type { Featurized, Languaged, PipelineModel } from './types.ts';

/** Turns text into the model's hashed feature ids (cheap, per event, before batching). */
export function featurize(model: Pick<PipelineModel, 'featurize' | 'version'>): OperatorFunction<Languaged, Featurized> {
  return map((item) => ({ ...item, features: model.featurize(item.text, item.language.lang), featuresVersion: model.version }));
}
