/**
 * Trains the wide linear sentiment model: one weight per (feature row, class) and a bias;
 * logits = (sum of the rows of a text's features) / sqrt(number of features) + bias; softmax
 * cross-entropy with the items' weights; per-example AdaGrad (Duchi, Hazan and Singer, JMLR 2011)
 * with a small L2 term, in plain JS because every step touches only a few hundred rows.
 *
 * With language rows (manifest architecture.languageRows) a text's features are its base ids
 * plus their copies in its language's block (featurize.ts withLanguageRows): the shared rows
 * learn what holds in every language, the copies what is particular to one (Daumé III, "Frustratingly
 * easy domain adaptation", ACL 2007). Language-row dropout trains a share of the texts on the base
 * ids alone, so a text of an unknown or misdetected language still gets sensible scores.
 *
 * Exported in the embedding-bag format: `embedding` [rows, classes] with sqrt-n pooling, then an
 * identity `output/kernel` and the bias, so temperature scaling folds into the output layer as for
 * the other models.
 */
import type { HeadWeights, TrainItem } from './trainer.ts';
import { rng } from './trainer.ts';

export interface LinearConfig {
  /** Rows of the table: buckets x (1 + number of language blocks). */
  rows: number;
  /** Feature ids below this are base ids; the rest are language copies. */
  buckets: number;
  numClasses: number;
  /** AdaGrad learning rate of the rows. */
  lr: number;
  /** L2 penalty added to each touched row's gradient. */
  l2: number;
  /** Chance that a training text is seen without its language copies. */
  langDropout: number;
  /** Learning-rate factor of the language copies (1 = as the shared rows). */
  langLrScale?: number;
  seed: number;
  /** Starting values, flattened (row, class, value) triples (lexicon.ts lexiconPrior); default all zero. */
  init?: Float64Array;
  /**
   * Learning-rate factor per (row, class), row-major like the table (nbScale.ts); default 1. Under
   * AdaGrad, training on features scaled by s and exporting w * s (NBSVM) is exactly this factor |s|.
   */
  lrScale?: Float32Array;
  /**
   * Training-only rows (e.g. per-domain copies, dropped at export): ids at or above this do not
   * count in the sqrt-n normaliser, so a text's scale is the one it has when served without them.
   */
  normBelow?: number;
  /** Chance that a training text is seen without its ids at or above normBelow. */
  extraDropout?: number;
  /** Label smoothing: the target is (1 - e) x one-hot + e / classes (default 0). */
  labelSmoothing?: number;
  /** Focal weighting (Lin et al. 2017, gradient form): each text's gradient times (1 - p(label))^gamma (default 0 = off). */
  focalGamma?: number;
  /** Learning-rate factor per class column (default all 1): scales the step (a gradient factor would cancel in AdaGrad). */
  classLr?: readonly number[];
}

const BIAS_LR = 0.01;

export class LinearBagTrainer {
  private readonly w: Float32Array;
  private readonly g2: Float32Array;
  private readonly bias: Float64Array;
  private readonly rand: () => number;

  constructor(private readonly cfg: LinearConfig) {
    this.w = new Float32Array(cfg.rows * cfg.numClasses);
    this.g2 = new Float32Array(this.w.length).fill(1e-8);
    this.bias = new Float64Array(cfg.numClasses);
    const init = cfg.init ?? new Float64Array(0);
    for (let i = 0; i + 2 < init.length; i += 3) this.w[init[i]! * cfg.numClasses + init[i + 1]!] = init[i + 2]!;
    this.rand = rng(cfg.seed);
  }

  /** Number of a text's ids that count in the sqrt-n normaliser. */
  private countOf(f: Int32Array): number {
    const nb = this.cfg.normBelow;
    if (nb === undefined) return f.length;
    let n = 0;
    for (const id of f) if (id < nb) n++;
    return n;
  }

  private logits(f: Int32Array, out: Float64Array): void {
    const k = this.cfg.numClasses;
    const s = Math.sqrt(Math.max(1, this.countOf(f)));
    for (let c = 0; c < k; c++) out[c] = 0;
    for (const id of f) for (let c = 0; c < k; c++) out[c]! += this.w[id * k + c]!;
    for (let c = 0; c < k; c++) out[c] = out[c]! / s + this.bias[c]!;
  }

  /** In-place softmax of `z`. */
  private static softmax(z: Float64Array): void {
    let max = -Infinity;
    for (const v of z) if (v > max) max = v;
    let sum = 0;
    for (let c = 0; c < z.length; c++) sum += (z[c] = Math.exp(z[c]! - max));
    for (let c = 0; c < z.length; c++) z[c] = z[c]! / sum;
  }

  /** One AdaGrad step per item, in the given order; returns the weighted mean cross-entropy. */
  trainBatch(items: readonly TrainItem[]): number {
    const { numClasses: k, lr, l2, langDropout, buckets } = this.cfg;
    const lrLang = lr * (this.cfg.langLrScale ?? 1);
    const sc = this.cfg.lrScale;
    const p = new Float64Array(k);
    let loss = 0, wsum = 0;
    for (const it of items) {
      let f = it.features;
      if (langDropout > 0 && this.rand() < langDropout) f = f.filter((id) => id < buckets);
      const nb = this.cfg.normBelow, xd = this.cfg.extraDropout ?? 0;
      if (nb !== undefined && xd > 0 && this.rand() < xd) f = f.filter((id) => id < nb);
      this.logits(f, p);
      if (it.classes) {
        // Softmax over the set's own classes only: a binary set says nothing about neutral.
        for (let c = 0; c < k; c++) if (!it.classes.includes(c)) p[c] = -Infinity;
      }
      LinearBagTrainer.softmax(p);
      loss -= it.weight * Math.log(Math.max(1e-12, p[it.label]!));
      wsum += it.weight;
      const s = Math.sqrt(Math.max(1, this.countOf(f)));
      const eps = this.cfg.labelSmoothing ?? 0, gamma = this.cfg.focalGamma ?? 0;
      const fw = gamma > 0 ? (1 - p[it.label]!) ** gamma : 1;
      for (let c = 0; c < k; c++) {
        if (it.classes && !it.classes.includes(c)) continue;
        const g = it.weight * fw * (p[c]! - ((c === it.label ? 1 - eps : 0) + eps / k));
        // AdaGrad steps do not change with a constant gradient factor: the class factor scales the step.
        const cl = this.cfg.classLr?.[c] ?? 1;
        this.bias[c] = this.bias[c]! - BIAS_LR * g;
        const gs = g / s;
        for (const id of f) {
          const j = id * k + c;
          const gg = gs + l2 * this.w[j]!;
          this.g2[j] = this.g2[j]! + gg * gg;
          this.w[j] = this.w[j]! - ((id < buckets ? lr : lrLang) * cl * (sc ? sc[j]! : 1) * gg) / Math.sqrt(this.g2[j]!);
        }
      }
    }
    return wsum > 0 ? loss / wsum : 0;
  }

  /** Class probabilities, row-major [texts, classes]. */
  predict(features: readonly Int32Array[]): Float32Array {
    const k = this.cfg.numClasses;
    const out = new Float32Array(features.length * k);
    const p = new Float64Array(k);
    features.forEach((f, i) => {
      this.logits(f, p);
      LinearBagTrainer.softmax(p);
      for (let c = 0; c < k; c++) out[i * k + c] = p[c]!;
    });
    return out;
  }

  snapshot(): HeadWeights[] {
    const k = this.cfg.numClasses;
    const eye = new Float32Array(k * k);
    for (let c = 0; c < k; c++) eye[c * k + c] = 1;
    return [
      { name: 'embedding', shape: [this.cfg.rows, k], values: this.w.slice() },
      { name: 'output/kernel', shape: [k, k], values: eye },
      { name: 'output/bias', shape: [k], values: Float32Array.from(this.bias) },
    ];
  }

  dispose(): void {}
}
