/**
 * The stream part of the churn model: a logistic regression over the stream features, fitted with
 * the Telco part's logit as a fixed offset, so it learns only what the stream adds on top of the
 * profile. The shipped log-odds are telco logit + stream logit; a stream feature's contribution is
 * exactly weight x standardised value, and an unknown feature contributes 0 (the average customer).
 *
 * Stored as `stream.json` next to the Telco model's manifest/weights (the Telco files keep their
 * format, so the Telco part loads and measures exactly as before).
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STREAM_FEATURES, type StreamFeatureName, type StreamFeatures } from './streamFeatures.ts';

export const STREAM_FILE = 'stream.json';
export const STREAM_FORMAT = 'cxpulse-churn-stream';

export interface StreamModelFile {
  format: typeof STREAM_FORMAT;
  formatVersion: 1;
  /** `stream-` + first 8 hex digits of the SHA-256 of the weights. */
  version: string;
  features: { name: StreamFeatureName; mean: number; std: number; weight: number }[];
  /**
   * Intercept of the stream part (applied when at least one stream feature is known): it offsets the
   * spread the stream features add around the Telco logit.
   */
  bias: number;
  training: Record<string, unknown>;
}

export interface StreamFit { features: StreamModelFile['features']; bias: number; iterations: number }

/** Standardised row: missing -> 0 (the training mean). */
export function standardise(defs: readonly { name: StreamFeatureName; mean: number; std: number }[], f: StreamFeatures): number[] {
  return defs.map((d) => {
    const x = f[d.name];
    return x === undefined || !Number.isFinite(x) ? 0 : (x - d.mean) / d.std;
  });
}

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
  const path = join(dir, STREAM_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return file;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Reads and checks stream.json; every error names the file. */
export function readStreamModel(dir: string): StreamModelFile {
  const path = join(dir, STREAM_FILE);
  const fail = (why: string): never => { throw new Error(`invalid churn stream model ${path}: ${why}`); };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `cannot load churn model: stream part ${path} does not exist (retrain with \`cxpulse train --churn\`)` : `invalid churn stream model ${path}: ${(e as Error).message}`);
  }
  const m = raw as Partial<StreamModelFile>;
  if (typeof m !== 'object' || m === null) fail('not a JSON object');
  if (m.format !== STREAM_FORMAT || m.formatVersion !== 1) fail(`format must be "${STREAM_FORMAT}" version 1`);
  if (typeof m.version !== 'string' || !finite(m.bias)) fail('version and a finite bias are required');
  if (!Array.isArray(m.features)) fail('features must be an array');
  m.features!.forEach((f, i) => {
    if (!(STREAM_FEATURES as readonly string[]).includes(f?.name)) fail(`features[${i}] has an unknown name ${JSON.stringify(f?.name)}`);
    if (!finite(f.mean) || !finite(f.std) || !(f.std > 0) || !finite(f.weight)) fail(`features[${i}] (${f.name}) needs finite mean, std > 0 and weight`);
  });
  return m as StreamModelFile;
}

/** Stream logit and each known feature's contribution (weight x standardised value). */
export function streamLogit(m: Pick<StreamModelFile, 'features' | 'bias'>, f: StreamFeatures): { logit: number; contributions: { name: StreamFeatureName; value: number; contribution: number }[] } {
  const z = standardise(m.features, f);
  const contributions = m.features.flatMap((d, j) => (f[d.name] === undefined || !Number.isFinite(f[d.name]) ? [] : [{ name: d.name, value: f[d.name]!, contribution: d.weight * z[j]! }]));
  // With no stream feature known, the Telco part alone answers (it is calibrated on real data); the
  // bias only corrects for the spread the stream features add, so it applies when some are known.
  if (contributions.length === 0) return { logit: 0, contributions };
  return { logit: m.bias + contributions.reduce((a, c) => a + c.contribution, 0), contributions };
}
