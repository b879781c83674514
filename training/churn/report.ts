/**
 * The figures churn training reports: metrics.json holds them and the model card (card.ts,
 * streamCard.ts) is rendered from them.
 */
import type { ChurnFactor } from '../../engine/churn/index.ts';
import type { ReliabilityBin } from './metrics.ts';
import type { StreamReport } from './trainStream.ts';

export interface HeldOut {
  n: number;
  positives: number;
  auc: number;
  /** Hanley & McNeil (1982) standard error of the AUC at this n. */
  aucStdError: number;
  accuracy: number;
  brier: number;
  ece: number;
  /** ECE of the same model before Platt scaling. */
  eceUncalibrated: number;
  reliability: ReliabilityBin[];
}

export interface Candidate { name: string; hidden: number; valAuc: number; valLogLoss: number; bestEpoch: number; epochsRun: number }

export interface DatasetReport {
  name: string;
  rows: number;
  churnRate: number;
  split: { train: number; validation: number; test: number };
  candidates: Candidate[];
  chosen: string;
  calibration: { a: number; b: number };
  heldOut: HeldOut;
  /** BigML only: churn rate of all its rows with at most 3 vs at least 4 customer-service calls (descriptive). */
  churnRateByServiceCalls?: { upTo3: number; from4: number };
  /** BigML only: mean and variance of customer-service calls per class (all rows): grounds the simulated contact rates. */
  serviceCallsByClass?: { stayers: { mean: number; variance: number }; churners: { mean: number; variance: number } };
}

export interface ChurnTrainReport {
  modelVersion: string;
  backend: string;
  seed: number;
  wallSec: number;
  telco: DatasetReport;
  /** Evaluation-only model on churn-bigml (not shipped); absent when the folder is missing. */
  bigml?: DatasetReport;
  /** Held-out figures of the same recipe on other seeds' splits (not shipped). */
  stability: { seed: number; chosen: string; auc: number; ece: number; brier: number }[];
  examples: { name: string; probability: number; factors: ChurnFactor[] }[];
  /** The stream part, fitted and measured on SIMULATED histories (trainStream.ts). */
  stream: StreamReport;
  /** Hand-made customers scored by the whole shipped model (Telco + stream part). */
  streamExamples: { name: string; probability: number; band: string; factors: ChurnFactor[] }[];
  unmappedStreamFeatures: readonly string[];
}
