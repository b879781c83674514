/**
 * Trains the embedding-bag classifier. The dense head (optional hidden layer + softmax) runs in
 * TF.js: tf.grads gives the loss gradients and tf.train.adam updates the head. The embedding
 * table itself is updated here with a row-sparse ("lazy") Adam, because TF.js cannot do it at
 * any useful speed: the gather gradient (UnsortedSegmentSum) is missing on the wasm backend and
 * is O(rows x batch elements) on the cpu backend (minutes per step for our table), and a dense
 * Adam step would touch all rows although a batch only touches a few thousand.
 *
 * Multi-label (`multiLabel: true`, the emotion head): independent sigmoid outputs trained with
 * binary cross-entropy against each item's `targets`; everything else is shared.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../../engine/util/index.ts';

export interface TrainConfig {
  buckets: number;
  dim: number;
  /** Hidden ReLU units between pooling and softmax; 0 = linear head (fastText). */
  hidden: number;
  numClasses: number;
  batchSize: number;
  /** Adam learning rate of the head. */
  lr: number;
  /** Adam learning rate of the embedding rows. */
  embLr: number;
  /** Chance of dropping each feature of a training text (regularises towards robust cues). */
  featureDropout: number;
  /** Decoupled weight decay of embedding rows (AdamW style, applied to the rows a step touches). */
  weightDecay: number;
  /** Embedding learning rate decays linearly over this many steps, to 2% of its start (as fastText decays to ~0); 0 = constant. */
  decaySteps: number;
  seed: number;
  /** Sigmoid outputs + binary cross-entropy over `TrainItem.targets` instead of softmax over `label`. Default false. */
  multiLabel?: boolean;
}

/** `targets` (0/1 per class, length numClasses; NaN: unknown, left out of the loss) is required when the config is multi-label; `label` is then ignored. */
export interface TrainItem {
  features: Int32Array; label: number; weight: number; targets?: Float32Array;
  /** Linear trainer only: the classes this text's set can label (a negative/positive-only set: [0, 2]); default all. */
  classes?: readonly number[];
}

/** Small seeded PRNG (mulberry32, the engine's one): reproducible shuffles and dropout. */
export const rng: (seed: number) => () => number = seededRandom;

export interface HeadWeights { name: string; shape: number[]; values: Float32Array }

export class EmbeddingBagTrainer {
  readonly emb: Float32Array;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly grad: Float32Array;
  private readonly touched: Int32Array;
  private readonly head: tf.Variable[];
  private readonly opt: tf.AdamOptimizer;
  private readonly rand: () => number;
  private step = 0;

  constructor(private readonly cfg: TrainConfig) {
    const { buckets, dim, hidden, numClasses, seed } = cfg;
    this.rand = rng(seed);
    this.emb = new Float32Array(buckets * dim);
    // A ReLU hidden layer needs non-zero inputs to start learning; a linear head does not, and
    // zero rows keep never-seen buckets silent at inference.
    if (hidden > 0) for (let i = dim; i < this.emb.length; i++) this.emb[i] = (this.rand() * 2 - 1) / dim;
    this.m = new Float32Array(this.emb.length);
    this.v = new Float32Array(this.emb.length);
    this.grad = new Float32Array(this.emb.length);
    this.touched = new Int32Array(buckets).fill(-1);
    const glorot = (a: number, b: number, s: number): tf.Tensor => tf.randomUniform([a, b], -Math.sqrt(6 / (a + b)), Math.sqrt(6 / (a + b)), 'float32', s);
    this.head = hidden > 0
      ? [tf.variable(glorot(dim, hidden, seed + 1), true, 'hidden/kernel'), tf.variable(tf.zeros([hidden]), true, 'hidden/bias'),
        tf.variable(glorot(hidden, numClasses, seed + 2), true, 'output/kernel'), tf.variable(tf.zeros([numClasses]), true, 'output/bias')]
      : [tf.variable(glorot(dim, numClasses, seed + 1), true, 'output/kernel'), tf.variable(tf.zeros([numClasses]), true, 'output/bias')];
    this.opt = tf.train.adam(cfg.lr);
  }

  /** Mean of the embedding rows of each text: the pooled [B, dim] input of the head. */
  private pool(batch: readonly Int32Array[], kept: Int32Array[]): Float32Array {
    const d = this.cfg.dim;
    const h = new Float32Array(batch.length * d);
    batch.forEach((f, i) => {
      const ids = kept[i] ?? f;
      if (ids.length === 0) return;
      const inv = 1 / ids.length;
      for (const id of ids) {
        const row = id * d;
        for (let k = 0; k < d; k++) h[i * d + k]! += this.emb[row + k]! * inv;
      }
    });
    return h;
  }

  private logits(h: tf.Tensor2D, params: tf.Tensor[]): tf.Tensor2D {
    if (params.length === 4) {
      const z = tf.relu(tf.add(tf.matMul(h, params[0] as tf.Tensor2D), params[1]!));
      return tf.add(tf.matMul(z, params[2] as tf.Tensor2D), params[3]!);
    }
    return tf.add(tf.matMul(h, params[0] as tf.Tensor2D), params[1]!);
  }

  /**
   * Targets of a batch: one-hot labels, or the items' multi-label targets. A NaN target means
   * "unknown" (a partial label): it is set to 0 and `mask` (returned only when a batch has one)
   * drops it from the loss.
   */
  private targets(items: readonly TrainItem[]): { y: tf.Tensor2D; mask?: tf.Tensor2D } {
    const k = this.cfg.numClasses;
    if (!this.cfg.multiLabel) return { y: tf.oneHot(tf.tensor1d(items.map((it) => it.label), 'int32'), k) as tf.Tensor2D };
    const y = new Float32Array(items.length * k);
    let mask: Float32Array | undefined;
    items.forEach((it, i) => {
      if (!it.targets || it.targets.length !== k) throw new Error(`multi-label training item ${i} needs targets of length ${k}`);
      y.set(it.targets, i * k);
    });
    for (let j = 0; j < y.length; j++) {
      if (!Number.isNaN(y[j]!)) continue;
      mask ??= new Float32Array(y.length).fill(1);
      mask[j] = 0;
      y[j] = 0;
    }
    return { y: tf.tensor2d(y, [items.length, k]), ...(mask ? { mask: tf.tensor2d(mask, [items.length, k]) } : {}) };
  }

  /** Per-item loss [B]: softmax cross-entropy, or binary cross-entropy summed over the (unmasked) labels (numerically stable form). */
  private itemLoss(z: tf.Tensor2D, y: tf.Tensor2D, mask?: tf.Tensor2D): tf.Tensor1D {
    if (!this.cfg.multiLabel) return tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z)), 1)) as tf.Tensor1D;
    const bce = tf.sub(tf.add(tf.relu(z), tf.log1p(tf.exp(tf.neg(tf.abs(z))))), tf.mul(z, y));
    return tf.sum(mask ? tf.mul(bce, mask) : bce, 1);
  }

  /** One Adam step on a batch; returns the weighted mean cross-entropy. */
  trainBatch(items: readonly TrainItem[]): number {
    const { dim: d, featureDropout: p } = this.cfg;
    const kept = items.map((it) => {
      if (p <= 0 || it.features.length < 2) return it.features;
      const k = it.features.filter(() => this.rand() >= p);
      return k.length > 0 ? k : it.features;
    });
    const h = this.pool(items.map((it) => it.features), kept);
    const wsum = items.reduce((a, it) => a + it.weight, 0);
    let loss = 0;
    const dh = tf.tidy(() => {
      const hT = tf.tensor2d(h, [items.length, d]);
      const { y, mask } = this.targets(items);
      const w = tf.tensor1d(items.map((it) => it.weight / wsum));
      const f = (...args: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(this.itemLoss(this.logits(args[0] as tf.Tensor2D, args.slice(1)), y, mask), w)) as tf.Scalar;
      const { value, grads } = tf.valueAndGrads(f)([hT, ...this.head]);
      loss = value.dataSync()[0]!;
      this.opt.applyGradients(this.head.map((v, i) => ({ name: v.name, tensor: grads[i + 1]! })));
      return grads[0]!.dataSync() as Float32Array;
    });
    this.sparseAdam(kept, dh);
    return loss;
  }

  /** Scatter d(loss)/d(pooled) back to the rows used, then a lazy Adam update of those rows. */
  private sparseAdam(kept: readonly Int32Array[], dh: Float32Array): void {
    const d = this.cfg.dim;
    const rows: number[] = [];
    this.step++;
    kept.forEach((ids, i) => {
      const inv = 1 / ids.length;
      for (const id of ids) {
        if (this.touched[id] !== this.step) { this.touched[id] = this.step; rows.push(id); }
        const row = id * d;
        for (let k = 0; k < d; k++) this.grad[row + k]! += dh[i * d + k]! * inv;
      }
    });
    const b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const { decaySteps, weightDecay } = this.cfg;
    const base = this.cfg.embLr * (decaySteps > 0 ? Math.max(0.02, 1 - this.step / decaySteps) : 1);
    const lr = base * Math.sqrt(1 - b2 ** this.step) / (1 - b1 ** this.step);
    const keep = 1 - base * weightDecay;
    for (const id of rows) {
      for (let j = id * d, end = j + d; j < end; j++) {
        const g = this.grad[j]!;
        this.grad[j] = 0;
        const m = (this.m[j] = b1 * this.m[j]! + (1 - b1) * g);
        const v = (this.v[j] = b2 * this.v[j]! + (1 - b2) * g * g);
        this.emb[j] = this.emb[j]! * keep - (lr * m) / (Math.sqrt(v) + eps);
      }
    }
  }

  /** Class probabilities (sigmoid per label when multi-label) for texts (no dropout), in batches. */
  predict(features: readonly Int32Array[], batch = 512): Float32Array {
    const k = this.cfg.numClasses;
    const out = new Float32Array(features.length * k);
    for (let s = 0; s < features.length; s += batch) {
      const part = features.slice(s, s + batch);
      const h = this.pool(part, []);
      const probs = tf.tidy(() => {
        const z = this.logits(tf.tensor2d(h, [part.length, this.cfg.dim]), this.head);
        return (this.cfg.multiLabel ? tf.sigmoid(z) : tf.softmax(z)).dataSync();
      });
      out.set(probs, s * k);
    }
    return out;
  }

  /** A copy of every weight, for keeping the best epoch and for export. */
  snapshot(): HeadWeights[] {
    return [
      { name: 'embedding', shape: [this.cfg.buckets, this.cfg.dim], values: this.emb.slice() },
      ...this.head.map((v) => ({ name: v.name, shape: v.shape, values: v.dataSync().slice() as Float32Array })),
    ];
  }

  dispose(): void {
    this.head.forEach((v) => v.dispose());
    this.opt.dispose();
  }
}
