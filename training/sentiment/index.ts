/**
 * Sentiment training, the public face of training/sentiment: training (train.ts), the ablation
 * runs, the held-out export and the quality gate.
 */
export { classificationReport, confusionMatrix, perClassMetrics, macroF1, reportFromConfusion } from '../eval/metrics.ts';
export type { ClassificationReport, ClassMetrics } from '../eval/metrics.ts';
export { loadOwnSet, loadSentimentSets, OUT_OF_DOMAIN_SETS, SENTIMENT_SETS } from './data.ts';
export type { LabelledSet, Example } from './data.ts';
export { DEFAULT_HYPER, parseHyper, resolveHyper } from './config.ts';
export { exportHeldOut, HELD_OUT_PARTS, type HeldOutPart } from './heldout.ts';
export type { Hyper } from './config.ts';
export type { SetReport, TrainReport } from './report.ts';
export { buildGate, checkGate, gateParts, CUSTOMER_PART, type GateFile, type GatePart, type Figures } from './gate.ts';
export { runAblation, renderAblation, type AblationRun } from './ablation.ts';
export { trainSentiment, type TrainOptions } from './train.ts';
export { fitOffsetsOnFolder, type RefitOptions } from './refitOffsets.ts';
