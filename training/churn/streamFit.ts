/**
 * Fits the stream part of the churn model (engine/churn/streamModel.ts describes the model) and
 * writes it as stream.json next to the Telco part.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { STREAM_FEATURES, standardise, STREAM_FILE, STREAM_FORMAT, type StreamFeatures, type StreamModelFile } from '../../engine/churn/index.ts';
import { writeFileAtomic } from '../../engine/util/index.ts';

export interface StreamFit { features: StreamModelFile['features']; bias: number; iterations: number }

/** Solves A x = b (small, symmetric positive definite) by Gaussian elimination with pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/**
 * Newton's method (IRLS) for logistic regression with an offset and an L2 penalty on the weights
 * (not the bias). Exact and fast for a dozen features; deterministic.
 */
export function fitStream(rows: readonly StreamFeatures[], offsets: readonly number[], y: readonly number[], l2 = 1): StreamFit {
  const defs = STREAM_FEATURES.map((name) => {
    const xs = rows.map((r) => r[name]).filter((x): x is number => x !== undefined && Number.isFinite(x));
    const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length));
    return { name, mean, std: sd > 1e-9 ? sd : 1 };
  });
  const X = rows.map((r) => [...standardise(defs, r), 1]);
  const d = defs.length + 1;
  let w = new Array<number>(d).fill(0);
  let it = 0;
  for (it = 1; it <= 50; it++) {
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    const g = new Array<number>(d).fill(0);
    X.forEach((x, i) => {
      const z = offsets[i]! + x.reduce((a, v, j) => a + v * w[j]!, 0);
      const p = 1 / (1 + Math.exp(-z));
      const r = p - y[i]!, q = p * (1 - p);
      for (let j = 0; j < d; j++) {
        g[j]! += r * x[j]!;
        for (let k = 0; k <= j; k++) H[j]![k]! += q * x[j]! * x[k]!;
      }
    });
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < j; k++) H[k]![j] = H[j]![k]!;
      if (j < d - 1) { g[j]! += l2 * w[j]!; H[j]![j]! += l2; }
    }
    const step = solve(H, g);
    w = w.map((v, j) => v - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { features: defs.map((def, j) => ({ ...def, weight: w[j]! })), bias: w[d - 1]!, iterations: it };
}

export function streamVersion(fit: Pick<StreamFit, 'features' | 'bias'>): string {
  const h = createHash('sha256').update(JSON.stringify([fit.features, fit.bias])).digest('hex');
  return `stream-${h.slice(0, 8)}`;
}

export function writeStreamModel(dir: string, fit: StreamFit, training: Record<string, unknown>): StreamModelFile {
  const file: StreamModelFile = { format: STREAM_FORMAT, formatVersion: 1, version: streamVersion(fit), features: fit.features, bias: fit.bias, training };
  writeFileAtomic(join(dir, STREAM_FILE), `${JSON.stringify(file, null, 2)}\n`);
  return file;
}
