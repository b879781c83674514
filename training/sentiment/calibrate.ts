/**
 * Temperature scaling (Guo et al., ICML 2017, "On Calibration of Modern Neural Networks"):
 * one scalar T, fitted on validation data, divides the logits so that `confidence` and
 * `score` are less saturated. Argmax labels do not change. T is folded into the output layer
 * (W/T, b/T), so the saved model needs no extra field and inference no extra op.
 */
import type { HeadWeights } from './trainer.ts';

const get = (ws: readonly HeadWeights[], name: string): HeadWeights | undefined => ws.find((w) => w.name === name);

/** Logits of the embedding bag computed in plain JS from a weight snapshot (pooling as in the manifest). */
export function forwardLogits(ws: readonly HeadWeights[], features: readonly Int32Array[], pooling: 'mean' | 'sqrtn' = 'mean'): Float32Array {
  const emb = get(ws, 'embedding')!;
  const d = emb.shape[1]!;
  const hid = get(ws, 'hidden/kernel'), hidB = get(ws, 'hidden/bias');
  const out = get(ws, 'output/kernel')!, outB = get(ws, 'output/bias')!;
  const k = out.shape[1]!;
  const logits = new Float32Array(features.length * k);
  features.forEach((f, i) => {
    let h = new Float32Array(d);
    const div = pooling === 'mean' ? f.length : Math.sqrt(f.length);
    for (const id of f) for (let j = 0; j < d; j++) h[j]! += emb.values[id * d + j]! / div;
    if (hid && hidB) {
      const units = hid.shape[1]!;
      const z = new Float32Array(units);
      for (let u = 0; u < units; u++) {
        let s = hidB.values[u]!;
        for (let j = 0; j < d; j++) s += h[j]! * hid.values[j * units + u]!;
        z[u] = Math.max(0, s);
      }
      h = z;
    }
    for (let c = 0; c < k; c++) {
      let s = outB.values[c]!;
      for (let j = 0; j < h.length; j++) s += h[j]! * out.values[j * k + c]!;
      logits[i * k + c] = s;
    }
  });
  return logits;
}

/** Mean negative log-likelihood of labels under softmax(logits / t). */
function nll(logits: Float32Array, labels: readonly number[], k: number, t: number): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]! / t);
    let z = 0;
    for (let c = 0; c < k; c++) z += Math.exp(logits[i * k + c]! / t - max);
    total += Math.log(z) + max - logits[i * k + labels[i]!]! / t;
  }
  return total / Math.max(1, labels.length);
}

/** The temperature in [0.25, 20] minimising validation NLL (golden-section search on log T). */
export function fitTemperature(logits: Float32Array, labels: readonly number[], k = 3): number {
  let lo = Math.log(0.25), hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo), b = lo + g * (hi - lo);
  let fa = nll(logits, labels, k, Math.exp(a)), fb = nll(logits, labels, k, Math.exp(b));
  for (let it = 0; it < 40; it++) {
    if (fa < fb) { hi = b; b = a; fb = fa; a = hi - g * (hi - lo); fa = nll(logits, labels, k, Math.exp(a)); }
    else { lo = a; a = b; fa = fb; b = lo + g * (hi - lo); fb = nll(logits, labels, k, Math.exp(b)); }
  }
  return Math.exp((lo + hi) / 2);
}

/** A copy of the weights with the output layer divided by t. */
export function foldTemperature(ws: readonly HeadWeights[], t: number): HeadWeights[] {
  return ws.map((w) => (w.name.startsWith('output/') ? { ...w, values: w.values.map((v) => v / t) } : w));
}

/** A labelled group of validation logits (one set): macro-F1 is computed per group, then averaged. */
export interface BiasGroup { logits: Float32Array; labels: readonly number[]; binary: boolean }

function groupMacroF1(g: BiasGroup, b0: number, b1: number): number {
  const conf = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < g.labels.length; i++) {
    const neg = g.logits[i * 3]! + b0, neu = g.logits[i * 3 + 1]! + b1, pos = g.logits[i * 3 + 2]!;
    const p = g.binary ? (pos >= neg ? 2 : 0) : neg >= neu && neg >= pos ? 0 : pos >= neu ? 2 : 1;
    conf[g.labels[i]!]![p]!++;
  }
  const f1 = (k: number): number => {
    const tp = conf[k]![k]!, col = conf[0]![k]! + conf[1]![k]! + conf[2]![k]!, row = conf[k]![0]! + conf[k]![1]! + conf[k]![2]!;
    return tp === 0 ? 0 : (2 * tp) / (col + row);
  };
  return g.binary ? (f1(0) + f1(2)) / 2 : (f1(0) + f1(1) + f1(2)) / 3;
}

/**
 * Class offsets [negative, neutral, 0] added to the logits so that the mean per-set validation
 * macro-F1 (the criterion that picks the epoch) is highest. Class weighting in training already
 * aims at macro-F1 but a mean-pooled linear model still leans to the classes of the biggest sets;
 * two numbers fitted on thousands of validation texts cannot overfit much. Grid search in
 * [-range, range]; ties keep the offsets closest to zero, so "no change" wins when nothing helps.
 */
export function fitClassBias(groups: readonly BiasGroup[], range = 1, step = 0.05): [number, number, number] {
  const score = (b0: number, b1: number): number => groups.reduce((a, g) => a + groupMacroF1(g, b0, b1), 0) / Math.max(1, groups.length);
  let best = { f: score(0, 0), b0: 0, b1: 0 };
  const n = Math.round(range / step);
  for (let i = -n; i <= n; i++) {
    for (let j = -n; j <= n; j++) {
      const b0 = i * step, b1 = j * step;
      const f = score(b0, b1);
      if (f > best.f + 1e-9 || (Math.abs(f - best.f) <= 1e-9 && Math.abs(b0) + Math.abs(b1) < Math.abs(best.b0) + Math.abs(best.b1))) best = { f, b0, b1 };
    }
  }
  return [best.b0, best.b1, 0];
}

/** A copy of the weights with `bias` added to the output bias (after any temperature folding). */
export function foldClassBias(ws: readonly HeadWeights[], bias: readonly number[]): HeadWeights[] {
  return ws.map((w) => (w.name === 'output/bias' ? { ...w, values: w.values.map((v, i) => v + (bias[i] ?? 0)) } : w));
}
