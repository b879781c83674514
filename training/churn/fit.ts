/**
 * Fits a logistic regression (hidden = 0) or a one-hidden-layer MLP on encoded rows with TF.js
 * core ops: minibatch Adam on (optionally class-weighted) sigmoid cross-entropy plus L2, early
 * stopping on the validation slice's log-loss, keeping the best epoch's weights.
 */
import * as tf from '@tensorflow/tfjs';
import { rng, shuffle } from './data.ts';
import type { NamedWeights } from '../../engine/churn/index.ts';
import { logLoss, rocAuc } from './metrics.ts';

export interface FitConfig {
  hidden: number;
  lr: number;
  l2: number;
  batchSize: number;
  maxEpochs: number;
  /** Stop after this many epochs without a better validation log-loss. */
  patience: number;
  /** Weight of churners relative to stayers (1 = none; keeps probabilities calibrated). */
  positiveWeight: number;
  seed: number;
}

export interface Encoded { x: Float32Array; y: number[]; n: number; d: number }

export interface FitResult {
  weights: NamedWeights[];
  bestEpoch: number;
  epochsRun: number;
  valLogLoss: number;
  valAuc: number;
  /** Validation logits of the kept weights (for Platt scaling). */
  valLogits: Float32Array;
}

function forward(x: tf.Tensor2D, p: tf.Variable[]): tf.Tensor1D {
  const h = p.length === 4 ? tf.relu(tf.add(tf.matMul(x, p[0] as tf.Tensor2D), p[1]!)) : x;
  const out = p.length === 4 ? p.slice(2) : p;
  return tf.add(tf.matMul(h as tf.Tensor2D, out[0] as tf.Tensor2D), out[1]!).reshape([-1]) as tf.Tensor1D;
}

export function fitBinary(train: Encoded, val: Encoded, cfg: FitConfig, onEpoch?: (epoch: number, valLoss: number) => void): FitResult {
  const { d } = train;
  const glorot = (a: number, b: number, seed: number): tf.Tensor => tf.randomUniform([a, b], -Math.sqrt(6 / (a + b)), Math.sqrt(6 / (a + b)), 'float32', seed);
  // Starting the bias at the base-rate log-odds saves epochs and keeps early stopping honest.
  const rate = train.y.reduce((a, b) => a + b, 0) / train.n;
  const bias0 = Math.log((rate * cfg.positiveWeight) / (1 - rate));
  const params: tf.Variable[] = cfg.hidden > 0
    ? [tf.variable(glorot(d, cfg.hidden, cfg.seed + 1), true, 'hidden/kernel'), tf.variable(tf.zeros([cfg.hidden]), true, 'hidden/bias'),
      tf.variable(glorot(cfg.hidden, 1, cfg.seed + 2), true, 'output/kernel'), tf.variable(tf.fill([1], bias0), true, 'output/bias')]
    : [tf.variable(tf.zeros([d, 1]), true, 'output/kernel'), tf.variable(tf.fill([1], bias0), true, 'output/bias')];
  const opt = tf.train.adam(cfg.lr);
  const rand = rng(cfg.seed);
  const order = Array.from({ length: train.n }, (_, i) => i);
  const xVal = tf.tensor2d(val.x, [val.n, d]);
  const kernels = params.filter((v) => v.name.endsWith('kernel'));

  const snapshot = (): NamedWeights[] => params.map((v) => ({ name: v.name, shape: v.shape, values: v.dataSync().slice() as Float32Array }));
  const valLogits = (): Float32Array => tf.tidy(() => forward(xVal, params).dataSync() as Float32Array).slice();

  let best: { loss: number; epoch: number; weights: NamedWeights[]; logits: Float32Array } = { loss: Infinity, epoch: 0, weights: snapshot(), logits: new Float32Array(val.n) };
  let epoch = 0;
  try {
    for (epoch = 1; epoch <= cfg.maxEpochs; epoch++) {
      shuffle(order, rand);
      for (let s = 0; s < train.n; s += cfg.batchSize) {
        const idx = order.slice(s, s + cfg.batchSize);
        const xb = new Float32Array(idx.length * d);
        idx.forEach((r, i) => xb.set(train.x.subarray(r * d, r * d + d), i * d));
        const yb = idx.map((r) => train.y[r]!);
        tf.tidy(() => {
          const xt = tf.tensor2d(xb, [idx.length, d]);
          const yt = tf.tensor1d(yb);
          const wt = tf.tensor1d(yb.map((y) => (y === 1 ? cfg.positiveWeight : 1)));
          opt.minimize(() => {
            const ce = tf.losses.sigmoidCrossEntropy(yt, forward(xt, params), wt);
            const reg = kernels.reduce<tf.Scalar>((a, k) => tf.add(a, tf.sum(tf.square(k))), tf.scalar(0));
            return tf.add(ce, tf.mul(cfg.l2, reg)) as tf.Scalar;
          }, false, params);
        });
      }
      const logits = valLogits();
      const loss = logLoss(val.y, logits.map((z) => 1 / (1 + Math.exp(-z))));
      onEpoch?.(epoch, loss);
      if (loss < best.loss - 1e-5) best = { loss, epoch, weights: snapshot(), logits };
      else if (epoch - best.epoch >= cfg.patience) break;
    }
  } finally {
    params.forEach((v) => v.dispose());
    opt.dispose();
    xVal.dispose();
  }
  return {
    weights: best.weights,
    bestEpoch: best.epoch,
    epochsRun: Math.min(epoch, cfg.maxEpochs),
    valLogLoss: best.loss,
    valAuc: rocAuc(val.y, best.logits),
    valLogits: best.logits,
  };
}

/** Folds Platt scaling (a * logit + b) into the output layer, so the loader needs no extra step. */
export function foldPlatt(weights: NamedWeights[], a: number, b: number): NamedWeights[] {
  return weights.map((w) => {
    if (w.name === 'output/kernel') return { ...w, values: w.values.map((v) => v * a) };
    if (w.name === 'output/bias') return { ...w, values: w.values.map((v) => v * a + b) };
    return w;
  });
}
