/**
 * Loads a churn model folder and scores customers: standardised/one-hot inputs -> (optional ReLU
 * layer) -> one logit -> sigmoid. Each prediction comes with its top factors, found by occlusion
 * against the average customer: a feature's contribution is how much the logit (log-odds of
 * churn) drops when that feature alone is reset to the training mean. For logistic regression
 * this is exactly weight x standardised value; for an MLP it is the usual occlusion estimate.
 */
import { fromPackageRoot } from '../config/paths.ts';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../model/backend.ts';
import { columnCount, encodeInto, factorText, isKnown, width, type ChurnFeatures, type FeatureRecord } from './features.ts';
import { readChurnFolder, type ChurnManifest } from './manifest.ts';

/** <repo>/models/churn, found from this file's location rather than the working directory. */
export const DEFAULT_CHURN_MODEL_DIR = fromPackageRoot('models', 'churn');

export interface ChurnFactor {
  /** Input feature name (a ChurnFeatures key). */
  feature: string;
  /** Plain words, e.g. "month-to-month contract", "short tenure (3 months)". */
  text: string;
  /** Change in log-odds of churn against the average customer: > 0 raises the risk, < 0 lowers it. */
  contribution: number;
}

export interface ChurnPrediction {
  /** Calibrated probability of churn, 0..1. */
  probability: number;
  /** The k largest contributions by magnitude, largest first (features with no value are skipped). */
  factors: ChurnFactor[];
}

export interface ChurnModel {
  readonly version: string;
  readonly backend: string;
  readonly manifest: ChurnManifest;
  /** One batched pass; `k` factors per customer (default 3). [] for an empty batch. */
  predict(features: readonly (ChurnFeatures | FeatureRecord)[], opts?: { k?: number }): Promise<ChurnPrediction[]>;
  /** The k largest contributions for one customer, in plain words. */
  topFactors(customer: ChurnFeatures | FeatureRecord, k?: number): Promise<ChurnFactor[]>;
  /** Probabilities only (no explanations), e.g. for evaluation. */
  probabilities(features: readonly (ChurnFeatures | FeatureRecord)[]): Promise<Float32Array>;
  dispose(): void;
}

class MlpChurnModel implements ChurnModel {
  readonly version: string;
  private readonly width: number;
  private disposed = false;

  constructor(readonly manifest: ChurnManifest, private readonly w: tf.NamedTensorMap, readonly backend: string) {
    this.version = manifest.version;
    this.width = columnCount(manifest.features);
  }

  /** Logits of already-encoded rows (n x width). */
  private async logits(x: Float32Array, n: number): Promise<Float32Array> {
    if (this.disposed) throw new Error(`churn model ${this.version} was disposed`);
    const out = tf.tidy(() => {
      let h: tf.Tensor = tf.tensor2d(x, [n, this.width]);
      if (this.w['hidden/kernel']) h = tf.relu(tf.add(tf.matMul(h as tf.Tensor2D, this.w['hidden/kernel'] as tf.Tensor2D), this.w['hidden/bias']!));
      return tf.add(tf.matMul(h as tf.Tensor2D, this.w['output/kernel'] as tf.Tensor2D), this.w['output/bias']!).reshape([n]);
    });
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  async probabilities(rows: readonly FeatureRecord[]): Promise<Float32Array> {
    const x = new Float32Array(rows.length * this.width);
    rows.forEach((r, i) => encodeInto(this.manifest.features, r, x, i * this.width));
    const z = rows.length === 0 ? new Float32Array(0) : await this.logits(x, rows.length);
    return z.map((v) => 1 / (1 + Math.exp(-v)));
  }

  async predict(rows: readonly FeatureRecord[], opts: { k?: number } = {}): Promise<ChurnPrediction[]> {
    const k = opts.k ?? 3;
    const defs = this.manifest.features;
    const g = defs.length, d = this.width, n = rows.length;
    if (n === 0) return [];
    // Per customer: the full row, then one copy per feature with that feature's columns zeroed
    // (= the training mean, since every column is centred); all in one forward pass.
    const x = new Float32Array(n * (g + 1) * d);
    rows.forEach((r, i) => {
      const base = i * (g + 1) * d;
      encodeInto(defs, r, x, base);
      let col = 0;
      defs.forEach((def, j) => {
        const at = base + (j + 1) * d;
        x.copyWithin(at, base, base + d);
        x.fill(0, at + col, at + col + width(def));
        col += width(def);
      });
    });
    const z = await this.logits(x, n * (g + 1));
    return rows.map((r, i) => {
      const full = z[i * (g + 1)]!;
      const factors: ChurnFactor[] = [];
      defs.forEach((def, j) => {
        if (!isKnown(def, r)) return;
        factors.push({ feature: def.name, text: factorText(def, r), contribution: full - z[i * (g + 1) + j + 1]! });
      });
      factors.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
      return { probability: 1 / (1 + Math.exp(-full)), factors: factors.slice(0, Math.max(0, k)) };
    });
  }

  async topFactors(customer: FeatureRecord, k = 3): Promise<ChurnFactor[]> {
    const [p] = await this.predict([customer], { k });
    return p?.factors ?? [];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Object.values(this.w).forEach((t) => t.dispose());
  }
}

/**
 * Loads the churn model in `dir` (default DEFAULT_CHURN_MODEL_DIR) on the backend chosen by
 * initBackend (called here if nobody did). Throws an Error naming the offending file.
 */
export async function loadChurnModel(dir: string = DEFAULT_CHURN_MODEL_DIR): Promise<ChurnModel> {
  const backend = await initBackend();
  const { manifest, weights } = readChurnFolder(dir);
  return new MlpChurnModel(manifest, weights, backend);
}
