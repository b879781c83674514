/**
 * Probability metrics for a binary risk score: ROC-AUC (rank statistic), Brier score, expected
 * calibration error with its reliability table, and Platt scaling.
 */

function check(labels: readonly number[], probs: ArrayLike<number>, what: string): void {
  if (labels.length !== probs.length) throw new Error(`${what}: ${labels.length} labels vs ${probs.length} scores`);
}

/**
 * ROC-AUC as the Mann-Whitney rank statistic: the chance that a random positive scores above a
 * random negative, ties counting one half (average ranks). NaN when a class is absent.
 */
export function rocAuc(labels: readonly number[], scores: ArrayLike<number>): number {
  check(labels, scores, 'rocAuc');
  const idx = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0, pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1; // 1-based ranks, averaged over the tie group
    for (let k = i; k <= j; k++) if (labels[idx[k]!] === 1) { rankSumPos += avgRank; pos++; }
    i = j + 1;
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Standard error of an AUC (Hanley & McNeil 1982), to say how precise a held-out figure is. */
export function hanleyMcNeil(auc: number, positives: number, negatives: number): number {
  const q1 = auc / (2 - auc), q2 = (2 * auc * auc) / (1 + auc);
  const v = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) / (positives * negatives);
  return Math.sqrt(Math.max(0, v));
}

export function brier(labels: readonly number[], probs: ArrayLike<number>): number {
  check(labels, probs, 'brier');
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += (probs[i]! - labels[i]!) ** 2;
  return labels.length === 0 ? NaN : s / labels.length;
}

export function accuracyAt(labels: readonly number[], probs: ArrayLike<number>, threshold = 0.5): number {
  check(labels, probs, 'accuracyAt');
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if ((probs[i]! >= threshold ? 1 : 0) === labels[i]) ok++;
  return labels.length === 0 ? NaN : ok / labels.length;
}

export interface ReliabilityBin {
  /** Bin range [lo, hi) of predicted probability (the last bin includes 1). */
  lo: number;
  hi: number;
  n: number;
  meanPredicted: number;
  observedRate: number;
}

/** Equal-width bins over [0, 1]; empty bins are kept (n = 0) so tables line up across runs. */
export function reliability(labels: readonly number[], probs: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  check(labels, probs, 'reliability');
  const n = new Array<number>(bins).fill(0), sp = new Array<number>(bins).fill(0), sy = new Array<number>(bins).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(probs[i]! * bins)));
    n[b]!++; sp[b]! += probs[i]!; sy[b]! += labels[i]!;
  }
  return n.map((c, b) => ({ lo: b / bins, hi: (b + 1) / bins, n: c, meanPredicted: c ? sp[b]! / c : 0, observedRate: c ? sy[b]! / c : 0 }));
}

/** Expected calibration error: the bin-size-weighted mean |predicted - observed|. */
export function ece(labels: readonly number[], probs: ArrayLike<number>, bins = 10): number {
  const table = reliability(labels, probs, bins);
  const total = labels.length;
  return total === 0 ? NaN : table.reduce((a, b) => a + (b.n / total) * Math.abs(b.meanPredicted - b.observedRate), 0);
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/**
 * Platt scaling: p = sigmoid(a * logit + b) fitted by Newton's method on log-loss. A tiny ridge
 * keeps it defined on separable data; a = 1, b = 0 is the identity.
 */
export function fitPlatt(labels: readonly number[], logits: ArrayLike<number>, iterations = 50): { a: number; b: number } {
  check(labels, logits, 'fitPlatt');
  let a = 1, b = 0;
  const ridge = 1e-6;
  for (let it = 0; it < iterations; it++) {
    let ga = 0, gb = 0, haa = ridge, hab = 0, hbb = ridge;
    for (let i = 0; i < labels.length; i++) {
      const z = logits[i]!;
      const p = sigmoid(a * z + b);
      const r = p - labels[i]!, w = p * (1 - p);
      ga += r * z; gb += r;
      haa += w * z * z; hab += w * z; hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-12)) break;
    const da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    a -= da; b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

export function logLoss(labels: readonly number[], probs: ArrayLike<number>): number {
  check(labels, probs, 'logLoss');
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, probs[i]!));
    s -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return labels.length === 0 ? NaN : s / labels.length;
}
