export { scoringPipeline, type PipelineDeps } from './pipeline.ts';
export { fromBus } from './fromBus.ts';
export { toScoredEvent } from './deliver.ts';
export { pipelineHooks, alertHooks, type PipelineHooks } from './hooks.ts';
export type { PipelineModel } from './types.ts';
export { scoreChurn, churnBusinessObserver, type ChurnStage } from './scoreChurn.ts';
export { deadLetterUndeliverable } from './deadLetter.ts';
export { createConversationStates, type ConversationStates } from './trackConversation.ts';
