/**
 * Fits and measures the stream part (streamModel.ts) on simulated histories (simulate.ts) drawn
 * for the same Telco split the Telco part used: the stream part is fitted on the training rows'
 * simulations with the exported Telco model's logit as offset, and measured once on the held-out
 * rows' simulations (another seed). Every figure here is on SIMULATED streams.
 */
import type { LabelledRow } from './data.ts';
import { brier, ece, rocAuc, reliability, type ReliabilityBin } from './metrics.ts';
import { STREAM_FEATURES, streamLogit, type ChurnModel, type StreamFeatureName, type StreamModelFile } from '../../engine/churn/index.ts';
import { SIMULATION, simulateCustomers } from './simulate.ts';
import { fitStream, writeStreamModel } from './streamFit.ts';

export interface SimulatedHeldOut {
  n: number;
  positives: number;
  /** Telco part alone, on the same held-out customers (their real labels). */
  telcoAuc: number;
  /** Stream part alone (its logit, no profile). */
  streamAuc: number;
  /** What ships: Telco logit + stream logit. */
  combinedAuc: number;
  combinedBrier: number;
  combinedEce: number;
  reliability: ReliabilityBin[];
}

export interface StreamReport {
  version: string;
  seedTrain: number;
  seedTest: number;
  trainRows: number;
  meanEventsPerCustomer: number;
  heldOut: SimulatedHeldOut;
  /** Fitted weights per standardised feature (log-odds per standard deviation), and how often the feature is known. */
  weights: { name: StreamFeatureName; weight: number; mean: number; std: number; known: number }[];
  /** Univariate held-out AUC of each stream feature (unknown counted as the mean), simulated. */
  featureAuc: { name: StreamFeatureName; auc: number }[];
  parameters: typeof SIMULATION;
}

const logit = (p: number): number => Math.log(Math.max(1e-7, p) / Math.max(1e-7, 1 - p));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export async function trainStreamPart(telco: ChurnModel, trainRows: readonly LabelledRow[], testRows: readonly LabelledRow[], outDir: string, seed: number): Promise<{ file: StreamModelFile; report: StreamReport }> {
  const seedTrain = seed + 1000, seedTest = seed + 2000;
  const simTrain = simulateCustomers(trainRows, seedTrain);
  const offsets = Array.from(await telco.probabilities(trainRows.map((r) => r.features)), logit);
  const fit = fitStream(simTrain.map((s) => s.stream), offsets, simTrain.map((s) => s.label));
  const weights = fit.features.map((f) => ({ name: f.name, weight: f.weight, mean: f.mean, std: f.std, known: simTrain.filter((s) => s.stream[f.name] !== undefined).length / simTrain.length }));
  const file = writeStreamModel(outDir, fit, { data: 'simulated histories over churn-telco profiles and labels (training/churn/simulate.ts)', seed: seedTrain, rows: simTrain.length, offset: 'telco logit', l2: 1, iterations: fit.iterations });

  const simTest = simulateCustomers(testRows, seedTest);
  const y = simTest.map((s) => s.label);
  const telcoZ = Array.from(await telco.probabilities(testRows.map((r) => r.features)), logit);
  const streamZ = simTest.map((s) => streamLogit(file, s.stream).logit);
  const combined = telcoZ.map((z, i) => sigmoid(z + streamZ[i]!));
  const heldOut: SimulatedHeldOut = {
    n: y.length,
    positives: y.filter((v) => v === 1).length,
    telcoAuc: rocAuc(y, telcoZ),
    streamAuc: rocAuc(y, streamZ),
    combinedAuc: rocAuc(y, combined),
    combinedBrier: brier(y, combined),
    combinedEce: ece(y, combined),
    reliability: reliability(y, combined),
  };
  const featureAuc = STREAM_FEATURES.map((name) => {
    const f = fit.features.find((d) => d.name === name)!;
    return { name, auc: rocAuc(y, simTest.map((s) => s.stream[name] ?? f.mean)) };
  });
  const meanEventsPerCustomer = simTrain.reduce((a, s) => a + s.observations, 0) / Math.max(1, simTrain.length);
  return { file, report: { version: file.version, seedTrain, seedTest, trainRows: simTrain.length, meanEventsPerCustomer, heldOut, weights, featureAuc, parameters: SIMULATION } };
}
