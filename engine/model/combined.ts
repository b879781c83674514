/**
 * The main model and its heads as one network, evaluated in plain JavaScript over the dequantized
 * Float32 tables (a batch of chat texts is a few hundred table rows per text: the TF.js kernels'
 * fixed costs, tensor creation, the download, were more than the arithmetic).
 *
 * Parts with plain tables (`buckets` rows, mean pooling: the heads, and older main models) share
 * one row-major table: their columns side by side, so one pass over a text's base feature ids
 * serves every head. A part without a hidden layer is linear, mean(E[ids]) W + b = mean(E[ids] W)
 * + b, so its columns there are E W (its logits per row, folded in at load time: a head with 16
 * dimensions and 4 classes reads 4 numbers per id instead of 16). A part with language rows or
 * sqrt-n pooling (the wide linear sentiment model) keeps its own table and is pooled over every
 * id, language copies included: sum / sqrt(n), summed in single precision as the TF.js kernel
 * did. The shared table's sums and the small layers are in double precision; probabilities are
 * Float32 as before. Against the TF.js forward pass this replaced (commit a9a1aa2): every
 * probability within 1e-6 (test/model/forward.test.ts), at a third of the time per text.
 */
import * as tf from '@tensorflow/tfjs';

export interface PartWeights {
  name: string;
  /** Default mean. */
  pooling?: 'mean' | 'sqrtn';
  /** Output activation: softmax for single-label parts, sigmoid for multi-label ones. */
  multiLabel: boolean;
  numClasses: number;
  weights: tf.NamedTensorMap;
}

/** A row-major [rows, width] table. */
interface Table {
  values: Float32Array;
  width: number;
}

interface Part {
  name: string;
  multiLabel: boolean;
  numClasses: number;
  /** Pooled over every id in its own table (else over the base ids in the shared one). */
  own?: Table;
  sqrtn: boolean;
  /** Its first column in its table, and how many it reads (numClasses when the output layer is folded in). */
  col: number;
  width: number;
  hidden?: { kernel: Float32Array; bias: Float32Array; units: number };
  /** [width or hidden units, numClasses]; absent when folded into the table. */
  output?: Float32Array;
  bias: Float32Array;
}

/** The values of a tensor (a copy, followed by `pad` zeros) and the tensor disposed. */
function take(t: tf.Tensor, pad = 0): Float32Array {
  try {
    const v = t.dataSync() as Float32Array;
    if (pad === 0) return new Float32Array(v);
    const out = new Float32Array(v.length + pad);
    out.set(v);
    return out;
  } finally {
    t.dispose();
  }
}

/** Zeros after a table: the pooling loops read columns in groups of four. */
const PAD = 3;

export class CombinedModel {
  private shared: Table | undefined;
  private parts: Part[] = [];
  /** Scratch sums, one per table column / per logit. */
  private readonly acc: Float64Array;
  /** Scratch: the row offsets of one text's ids. */
  private rows = new Int32Array(1024);
  private readonly hid: Float64Array;
  private readonly z: Float64Array;

  /**
   * Takes ownership of every tensor in `parts` (read into arrays and disposed here).
   * `buckets` is the featurizer's id range: ids at or above it are language copies, which only
   * parts with their own table see.
   */
  constructor(parts: readonly PartWeights[], private readonly buckets: number) {
    const sharedColumns: tf.Tensor2D[] = [];
    try {
      let col = 0;
      for (const p of parts) {
        const w = p.weights;
        const table = w['embedding'] as tf.Tensor2D;
        const dim = table.shape[1];
        const hidden = w['hidden/kernel'] ? { units: w['hidden/kernel'].shape[1]!, kernel: take(w['hidden/kernel']), bias: take(w['hidden/bias']!) } : undefined;
        // Folding pays when the part reads fewer columns afterwards (a hidden layer is not linear).
        const folded = !hidden && p.numClasses < dim;
        const columns: tf.Tensor2D = folded ? tf.matMul(table, w['output/kernel'] as tf.Tensor2D) : table;
        const width = folded ? p.numClasses : dim;
        const part: Part = {
          name: p.name, multiLabel: p.multiLabel, numClasses: p.numClasses, sqrtn: p.pooling === 'sqrtn', col: 0, width, bias: take(w['output/bias']!),
          ...(hidden ? { hidden } : {}), ...(folded ? {} : { output: take(w['output/kernel']!) }),
        };
        if (p.pooling === 'sqrtn' || table.shape[0] !== buckets) {
          part.own = { values: take(columns, PAD), width };
        } else {
          part.col = col;
          col += width;
          sharedColumns.push(columns);
        }
        this.parts.push(part);
      }
      if (sharedColumns.length > 0) {
        // Side by side (tf.concat2d on the wasm backend copies row by row in JavaScript, slower than this).
        const values = new Float32Array(buckets * col + PAD);
        let at = 0;
        for (const t of sharedColumns) {
          const w = t.shape[1], v = take(t);
          for (let r = 0; r < buckets; r++) for (let c = 0; c < w; c++) values[r * col + at + c] = v[r * w + c]!;
          at += w;
        }
        this.shared = { values, width: col };
      }
    } finally {
      for (const t of [...parts.flatMap((p) => Object.values(p.weights)), ...sharedColumns]) if (!t.isDisposed) t.dispose();
    }
    const widest = Math.max(0, ...this.parts.map((p) => Math.max(p.own?.width ?? 0, p.width, p.hidden?.units ?? 0, p.numClasses)));
    this.acc = new Float64Array(Math.max(widest, this.shared?.width ?? 0) + PAD);
    this.hid = new Float64Array(widest);
    this.z = new Float64Array(widest);
  }

  get partNames(): string[] {
    return this.parts.map((p) => p.name);
  }

  /** The row offsets of `f`'s ids below `below` into this.rows; their count (the padding row 0 when none). */
  private rowsOf(t: Table, f: Int32Array, below: number): number {
    if (this.rows.length < f.length) this.rows = new Int32Array(Math.max(f.length, 2 * this.rows.length));
    const rows = this.rows, width = t.width;
    let n = 0;
    for (let k = 0; k < f.length; k++) {
      const id = f[k]!;
      if (id < below) rows[n++] = id * width;
    }
    if (n === 0) rows[n++] = 0;
    return n;
  }

  /**
   * The mean of `f`'s rows of `t` (ids at or above `below` skipped) into acc[0, t.width), in
   * double precision. Columns four at a time with the sums in locals (a text's rows lie scattered
   * over the table; sums kept in memory cost twice as much); a last group of fewer than four reads
   * the next row's first columns, or the table's padding, and drops them.
   */
  private poolMean(t: Table, f: Int32Array, below: number): void {
    const n = this.rowsOf(t, f, below), rows = this.rows, values = t.values, acc = this.acc;
    for (let c = 0; c < t.width; c += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < n; k++) {
        const at = rows[k]! + c;
        s0 += values[at]!;
        s1 += values[at + 1]!;
        s2 += values[at + 2]!;
        s3 += values[at + 3]!;
      }
      acc[c] = s0 / n;
      acc[c + 1] = s1 / n;
      acc[c + 2] = s2 / n;
      acc[c + 3] = s3 / n;
    }
  }

  /**
   * poolMean over every id of an own table in single precision, as TF.js's sparseSegmentMean did
   * (a running Float32 sum in id order, divided by n, then times sqrt(n) for sqrt-n pooling): the
   * sentiment score stays what it was to about 1e-7, where exact sums differ from those by up to
   * 1.3e-6 on the labelled texts.
   */
  private poolOwn(t: Table, f: Int32Array, sqrtn: boolean): void {
    const n = this.rowsOf(t, f, Infinity), rows = this.rows, values = t.values, acc = this.acc, r = Math.fround;
    const q = r(Math.sqrt(n));
    for (let c = 0; c < t.width; c += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < n; k++) {
        const at = rows[k]! + c;
        s0 = r(s0 + values[at]!);
        s1 = r(s1 + values[at + 1]!);
        s2 = r(s2 + values[at + 2]!);
        s3 = r(s3 + values[at + 3]!);
      }
      acc[c] = sqrtn ? r(r(s0 / n) * q) : r(s0 / n);
      acc[c + 1] = sqrtn ? r(r(s1 / n) * q) : r(s1 / n);
      acc[c + 2] = sqrtn ? r(r(s2 / n) * q) : r(s2 / n);
      acc[c + 3] = sqrtn ? r(r(s3 / n) * q) : r(s3 / n);
    }
  }

  /** Part `p`'s probabilities from its pooled columns acc[col, col + width), into out[at, at + numClasses). */
  private head(p: Part, out: Float32Array, at: number): void {
    const k = p.numClasses, z = this.z;
    let h: Float64Array = this.acc, from = p.col, dim = p.width;
    if (p.hidden) {
      // ReLU(h W1 + b1) into its own scratch: acc still holds the other parts' columns.
      const { kernel, bias, units } = p.hidden, hid = this.hid;
      for (let u = 0; u < units; u++) {
        let s = bias[u]!;
        for (let j = 0; j < dim; j++) s += h[from + j]! * kernel[j * units + u]!;
        hid[u] = s > 0 ? s : 0;
      }
      h = hid;
      from = 0;
      dim = units;
    }
    if (p.output) {
      const w = p.output;
      for (let c = 0; c < k; c++) {
        let s = p.bias[c]!;
        for (let j = 0; j < dim; j++) s += h[from + j]! * w[j * k + c]!;
        z[c] = s;
      }
    } else {
      for (let c = 0; c < k; c++) z[c] = h[from + c]! + p.bias[c]!;
    }
    if (p.multiLabel) {
      for (let c = 0; c < k; c++) out[at + c] = 1 / (1 + Math.exp(-z[c]!));
      return;
    }
    let m = -Infinity;
    for (let c = 0; c < k; c++) if (z[c]! > m) m = z[c]!;
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(z[c]! - m);
      z[c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) out[at + c] = z[c]! / sum;
  }

  /**
   * Probabilities of the named parts (default: all, in the model's order) for each text,
   * row-major [n, classes] per part. An empty text uses the padding row 0, which keeps every
   * text's row present.
   */
  forward(features: readonly Int32Array[], only?: readonly string[]): Map<string, Float32Array> {
    const n = features.length;
    const wanted = only ? this.parts.filter((p) => only.includes(p.name)) : this.parts;
    const outs = wanted.map((p) => new Float32Array(n * p.numClasses));
    const shared = this.shared && wanted.some((p) => !p.own) ? this.shared : undefined;
    for (let i = 0; i < n; i++) {
      const f = features[i]!;
      for (let w = 0; w < wanted.length; w++) {
        const p = wanted[w]!;
        if (!p.own) continue;
        this.poolOwn(p.own, f, p.sqrtn);
        this.head(p, outs[w]!, i * p.numClasses);
      }
      if (!shared) continue;
      // Plain tables see the base ids only (the language copies sit at or above `buckets`).
      this.poolMean(shared, f, this.buckets);
      for (let w = 0; w < wanted.length; w++) {
        const p = wanted[w]!;
        if (!p.own) this.head(p, outs[w]!, i * p.numClasses);
      }
    }
    const out = new Map<string, Float32Array>();
    wanted.forEach((p, w) => out.set(p.name, outs[w]!));
    return out;
  }

  dispose(): void {
    this.shared = undefined;
    this.parts = [];
  }
}
