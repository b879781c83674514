/**
 * NBSVM-style feature scaling for the wide linear model (Wang and Manning, "Baselines and
 * Bigrams", ACL 2012): each binary feature of a class's column is scaled by its naive-Bayes
 * log-count ratio r = log((p / |p|1) / (q / |q|1)), p the smoothed counts of the feature in the
 * class's training texts and q in the other classes' (one-vs-rest per class). Wang and Manning
 * interpolate the result with the unscaled model; here a factor (1 - beta) + beta * |r| / mean|r|.
 *
 * Under per-coordinate AdaGrad, training on features scaled by s and exporting w * s gives
 * exactly the model trained on the plain features with s's magnitude as a per-weight learning-rate
 * factor (the gradient and its running square scale together), so the scaling is applied as
 * LinearConfig.lrScale and the exported table, the featurizer and serving are unchanged.
 *
 * Counts use the training items' weights (class-balanced within each set); a language copy's row
 * counts only its language's texts and is normalised within its block of rows.
 */
import type { TrainItem } from './trainer.ts';

/** One-vs-rest log-count ratio per (row, class), row-major [rows, classes]; 0 for a class with no texts in the block. */
export function nbRatios(items: readonly TrainItem[], rows: number, buckets: number, numClasses: number, alpha = 1): Float32Array {
  const k = numClasses;
  const cnt = new Float64Array(rows * k);
  for (const it of items) for (const id of it.features) cnt[id * k + it.label]! += it.weight;
  const r = new Float32Array(rows * k);
  for (let lo = 0; lo < rows; lo += buckets) {
    const hi = Math.min(rows, lo + buckets);
    const tot = new Float64Array(k);
    for (let i = lo; i < hi; i++) for (let c = 0; c < k; c++) tot[c]! += cnt[i * k + c]!;
    const all = tot.reduce((a, b) => a + b, 0);
    const norm = alpha * (hi - lo);
    for (let i = lo; i < hi; i++) {
      let ti = 0;
      for (let c = 0; c < k; c++) ti += cnt[i * k + c]!;
      for (let c = 0; c < k; c++) {
        if (tot[c] === 0 || all === tot[c]) continue;
        const p = (alpha + cnt[i * k + c]!) / (norm + tot[c]!);
        const q = (alpha + ti - cnt[i * k + c]!) / (norm + all - tot[c]!);
        r[i * k + c] = Math.log(p / q);
      }
    }
  }
  return r;
}

/**
 * Learning-rate factors (1 - beta) + beta * |r| / m per (row, class), m the mean |r| over the
 * training texts' feature occurrences (so the overall learning rate keeps its meaning).
 * With `blocks`, only those blocks of `buckets` rows get the factors (0 = the shared rows, b = the
 * b-th language block); every other row keeps factor 1 and learns as without NB scaling.
 */
export function nbLrScale(items: readonly TrainItem[], rows: number, buckets: number, numClasses: number, beta: number, blocks?: readonly number[]): Float32Array {
  const k = numClasses;
  const r = nbRatios(items, rows, buckets, numClasses);
  let sum = 0, n = 0;
  for (const it of items) for (const id of it.features) for (let c = 0; c < k; c++) { sum += Math.abs(r[id * k + c]!); n++; }
  const m = n > 0 && sum > 0 ? sum / n : 1;
  const out = new Float32Array(r.length);
  for (let j = 0; j < r.length; j++) out[j] = 1 - beta + (beta * Math.abs(r[j]!)) / m;
  if (blocks) {
    const keep = new Set(blocks);
    for (let b = 0; b * buckets < rows; b++) if (!keep.has(b)) out.fill(1, b * buckets * k, Math.min(rows, (b + 1) * buckets) * k);
  }
  return out;
}
