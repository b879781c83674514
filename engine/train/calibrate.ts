/**
 * Temperature scaling (Guo et al., ICML 2017, "On Calibration of Modern Neural Networks"):
 * one scalar T, fitted on validation data, divides the logits so that `confidence` and
 * `score` are less saturated. Argmax labels do not change. T is folded into the output layer
 * (W/T, b/T), so the saved model needs no extra field and inference no extra op.
 */
import type { HeadWeights } from './trainer.ts';

const get = (ws: readonly HeadWeights[], name: string): HeadWeights | undefined => ws.find((w) => w.name === name);

/** Logits of the embedding bag computed in plain JS from a weight snapshot. */
export function forwardLogits(ws: readonly HeadWeights[], features: readonly Int32Array[]): Float32Array {
  const emb = get(ws, 'embedding')!;
  const d = emb.shape[1]!;
  const hid = get(ws, 'hidden/kernel'), hidB = get(ws, 'hidden/bias');
  const out = get(ws, 'output/kernel')!, outB = get(ws, 'output/bias')!;
  const k = out.shape[1]!;
  const logits = new Float32Array(features.length * k);
  features.forEach((f, i) => {
    let h = new Float32Array(d);
    for (const id of f) for (let j = 0; j < d; j++) h[j]! += emb.values[id * d + j]! / f.length;
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
