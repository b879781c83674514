export { scoringPipeline, type PipelineDeps } from './pipeline.ts';
export { fromBus } from './fromBus.ts';
export { toScoredEvent } from './deliver.ts';
export type { PipelineModel } from './types.ts';
export { scoreChurn, churnBusinessObserver, type ChurnStage } from './scoreChurn.ts';
