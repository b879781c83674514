/**
 * How the shipped configuration was chosen: each run differs from the previous shipped default
 * (dim 32, linear head, feature dropout 0.1, 4 epochs) in the overrides shown, trained with seed 42
 * and the UCI Amazon file held out, and is judged only by the mean validation macro-F1 over the
 * training sets (the best epoch's). Held-out and out-of-domain parts played no part in the choice.
 * Reproduce a row: `npx tsx engine/train/main.ts --out /tmp/run --epochs N --hyper OVERRIDES`.
 */
export interface ExperimentRow { overrides: string; epochs: number; bestEpoch: number; validMean: number; validNb: number; note?: string }

export const EXPERIMENTS: readonly ExperimentRow[] = [
  { overrides: '(previous default)', epochs: 4, bestEpoch: 3, validMean: 0.6366, validNb: 0.568 },
  { overrides: '(previous default)', epochs: 8, bestEpoch: 3, validMean: 0.6382, validNb: 0.572, note: 'overfits after epoch 3' },
  { overrides: 'dim=64', epochs: 4, bestEpoch: 3, validMean: 0.6358, validNb: 0.564 },
  { overrides: 'hidden=32', epochs: 4, bestEpoch: 2, validMean: 0.6369, validNb: 0.589 },
  { overrides: 'set.nb-norec-sentence=3', epochs: 4, bestEpoch: 3, validMean: 0.6302, validNb: 0.572 },
  { overrides: 'embLr=0.008,lr=0.01', epochs: 4, bestEpoch: 2, validMean: 0.6342, validNb: 0.557 },
  { overrides: 'featureDropout=0.3', epochs: 4, bestEpoch: 3, validMean: 0.6396, validNb: 0.567, note: 'chosen' },
  { overrides: 'featureDropout=0.5', epochs: 4, bestEpoch: 4, validMean: 0.6311, validNb: 0.564 },
  { overrides: 'tuneClassBias=1', epochs: 4, bestEpoch: 3, validMean: 0.6366, validNb: 0.568, note: 'offsets -> 0.6386 on the same validation data (fitted there, so optimistic); not adopted' },
  { overrides: 'featureDropout=0.3,hidden=32', epochs: 4, bestEpoch: 3, validMean: 0.6327, validNb: 0.572 },
  { overrides: 'featureDropout=0.3,weightDecay=1', epochs: 4, bestEpoch: 3, validMean: 0.6318, validNb: 0.560 },
  { overrides: 'featureDropout=0.3', epochs: 5, bestEpoch: 3, validMean: 0.6382, validNb: 0.564 },
  { overrides: 'featureDropout=0.3,batchSize=64', epochs: 4, bestEpoch: 3, validMean: 0.6396, validNb: 0.562 },
  { overrides: 'featureDropout=0.3,classWeightCap=10', epochs: 4, bestEpoch: 3, validMean: 0.6396, validNb: 0.567, note: 'same as cap 3' },
  { overrides: 'featureDropout=0.3,set.en-goemotions=0.5', epochs: 4, bestEpoch: 3, validMean: 0.6402, validNb: 0.576, note: 'within noise (rule: adopt only above +0.003)' },
  { overrides: 'featureDropout=0.3,dim=64', epochs: 4, bestEpoch: 3, validMean: 0.6410, validNb: 0.560, note: 'within noise, twice the weights' },
];

export function experimentTable(rows: readonly ExperimentRow[] = EXPERIMENTS): string {
  const body = rows.map((r) => `| \`${r.overrides}\` | ${r.epochs} | ${r.bestEpoch} | ${r.validMean.toFixed(4)} | ${r.validNb.toFixed(3)} | ${r.note ?? ''} |`);
  return ['| overrides | epochs | best epoch | validation mean macro-F1 | NoReC validation macro-F1 | note |', '| --- | --- | --- | --- | --- | --- |', ...body].join('\n');
}
