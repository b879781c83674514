/**
 * Trains one head with the shared EmbeddingBagTrainer: class-balanced (capped) weights, seeded
 * shuffles, the epoch with the best validation score kept. Multi-label heads also get one
 * decision threshold per label, the one that maximises that label's F1 on validation.
 */
import { EmbeddingBagTrainer, rng, type HeadWeights, type TrainConfig, type TrainItem } from '../sentiment/trainer.ts';
import { classificationReport } from '../eval/metrics.ts';
import type { HeadExample } from './data.ts';
import { silentProgress, type Progress } from '../progress.ts';

export interface FitOptions {
  name: string;
  labels: readonly string[];
  multiLabel: boolean;
  buckets: number;
  dim: number;
  epochs: number;
  seed: number;
  /** Weight of hand-written seed examples relative to a data-set example of the same class. */
  seedWeight: number;
  feats: (text: string) => Int32Array;
  /** Steps and per-epoch lines; default silent. */
  progress?: Progress | undefined;
}

export interface FitResult {
  weights: HeadWeights[];
  thresholds?: number[];
  bestEpoch: number;
  validByEpoch: number[];
  trainExamples: number;
}

const CLASS_WEIGHT_CAP = 10;
const BATCH = 128;

/**
 * Class weights balanced within each source (a data set, the rule-labelled texts of one data
 * set, a seed file), capped, then normalised to mean 1. Balancing per source matters: the
 * seed files are balanced per language already, and balancing them against Banking77 would
 * give their seed-only classes (usability, praise …) such weight that any Nordic or German
 * n-gram would pull towards them.
 */
function items(train: readonly HeadExample[], o: FitOptions): TrainItem[] {
  const k = o.labels.length;
  const groups = new Map<string, { n: number; counts: number[] }>();
  for (const ex of train) {
    const g = groups.get(ex.source) ?? { n: 0, counts: new Array<number>(k).fill(0) };
    groups.set(ex.source, g);
    g.n++;
    if (o.multiLabel) ex.targets!.forEach((v, j) => { if (v > 0) g.counts[j]! += v; });
    else g.counts[ex.label]!++;
  }
  const classWeight = (source: string, j: number): number => {
    const g = groups.get(source)!;
    const present = g.counts.filter((c) => c > 0).length;
    return Math.min(CLASS_WEIGHT_CAP, g.n / (present * Math.max(1, g.counts[j]!)));
  };
  const out = train.map((ex) => {
    // Multi-label: BCE already treats labels independently; weight an item by its rarest label.
    const w = o.multiLabel
      ? Math.max(1, ...[...ex.targets!].map((v, j) => (v > 0 ? Math.sqrt(classWeight(ex.source, j)) : 1)))
      : classWeight(ex.source, ex.label);
    return { features: o.feats(ex.text), label: Math.max(0, ex.label), targets: ex.targets, weight: w * (ex.source.startsWith('seed/') ? o.seedWeight : 1) };
  });
  const mean = out.reduce((a, it) => a + it.weight, 0) / Math.max(1, out.length);
  for (const it of out) it.weight /= mean;
  return out;
}

/** Per-label threshold maximising F1 on validation (grid 0.05..0.95). */
export function chooseThresholds(probs: Float32Array, targets: readonly Float32Array[], k: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < k; j++) {
    let best = { f1: -1, t: 0.5 };
    for (let t = 0.05; t < 0.951; t += 0.05) {
      let tp = 0, fp = 0, fn = 0;
      targets.forEach((y, i) => {
        if (Number.isNaN(y[j]!)) return; // unknown (a partial label): no evidence either way
        const pos = probs[i * k + j]! >= t;
        if (pos && y[j]! > 0) tp++; else if (pos) fp++; else if (y[j]! > 0) fn++;
      });
      const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
      if (f1 > best.f1) best = { f1, t: Number(t.toFixed(2)) };
    }
    out.push(best.t);
  }
  return out;
}

/** Multi-label: mean per-label F1 at the chosen thresholds. Single-label: macro-F1 of the argmax. */
function validScore(probs: Float32Array, valid: readonly HeadExample[], o: FitOptions): { score: number; thresholds?: number[] } {
  const k = o.labels.length;
  if (o.multiLabel) {
    const targets = valid.map((e) => e.targets!);
    const thresholds = chooseThresholds(probs, targets, k);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const known = targets.flatMap((y, i) => (Number.isNaN(y[j]!) ? [] : [i]));
      const truth = known.map((i) => (targets[i]![j]! > 0 ? 1 : 0));
      const pred = known.map((i) => (probs[i * k + j]! >= thresholds[j]! ? 1 : 0));
      sum += classificationReport(truth, pred, ['no', 'yes']).perClass[1]!.f1;
    }
    return { score: sum / k, thresholds };
  }
  const pred = valid.map((_, i) => {
    let b = 0;
    for (let j = 1; j < k; j++) if (probs[i * k + j]! > probs[i * k + b]!) b = j;
    return b;
  });
  return { score: classificationReport(valid.map((e) => e.label), pred, o.labels).macroF1 };
}

export function fitHead(train: readonly HeadExample[], valid: readonly HeadExample[], o: FitOptions): FitResult {
  const data = items(train, o);
  const validFeats = valid.map((e) => o.feats(e.text));
  const steps = Math.ceil(data.length / BATCH);
  const cfg: TrainConfig = {
    buckets: o.buckets, dim: o.dim, hidden: 0, numClasses: o.labels.length, batchSize: BATCH, lr: 0.005, embLr: 0.004,
    featureDropout: 0.1, weightDecay: 0, decaySteps: steps * o.epochs, seed: o.seed, multiLabel: o.multiLabel,
  };
  const progress = o.progress ?? silentProgress;
  const trainer = new EmbeddingBagTrainer(cfg);
  const shuffle = rng(o.seed ^ 0x5eed);
  const byEpoch: number[] = [];
  let best: { score: number; epoch: number; weights: HeadWeights[]; thresholds?: number[] | undefined } = { score: -1, epoch: 0, weights: [] };
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      for (let i = data.length - 1; i > 0; i--) {
        const j = Math.floor(shuffle() * (i + 1));
        [data[i], data[j]] = [data[j]!, data[i]!];
      }
      let loss = 0;
      for (let b = 0; b < steps; b++) {
        loss += trainer.trainBatch(data.slice(b * BATCH, (b + 1) * BATCH));
        if (b % 25 === 0 || b === steps - 1) progress.step((epoch - 1) * steps + b + 1, o.epochs * steps, { epoch: `${epoch}/${o.epochs}`, loss: loss / (b + 1) });
      }
      const v = validScore(trainer.predict(validFeats), valid, o);
      byEpoch.push(Number(v.score.toFixed(4)));
      progress.line(`${o.name} epoch ${epoch}: loss ${(loss / steps).toFixed(4)}, validation ${o.multiLabel ? 'mean label F1' : 'macro-F1'} ${v.score.toFixed(4)}`);
      if (v.score > best.score) best = { score: v.score, epoch, weights: trainer.snapshot(), thresholds: v.thresholds };
    }
  } finally {
    trainer.dispose();
  }
  return { weights: best.weights, bestEpoch: best.epoch, validByEpoch: byEpoch, trainExamples: data.length, ...(best.thresholds ? { thresholds: best.thresholds } : {}) };
}
