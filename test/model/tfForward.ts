/**
 * The TF.js forward pass the scorer used before engine/model/combined.ts evaluated the tables in
 * plain JavaScript (commit a9a1aa2), kept as the reference forward.test.ts compares against:
 * one sparseSegmentMean over a column-wise concat of the plain tables, each part's dense layer(s)
 * on its slice, softmax or sigmoid, one download.
 */
import * as tf from '@tensorflow/tfjs';
import type { PartWeights } from '../../engine/model/combined.ts';


interface Part {
  name: string;
  multiLabel: boolean;
  numClasses: number;
  /** Columns of the shared table, or the part's own table. */
  offset: number;
  dim: number;
  own?: { table: tf.Tensor2D; sqrtn: boolean };
  dense: tf.NamedTensorMap;
}

/** Ids and segment numbers of a batch (an empty text uses the padding row 0), plus each text's feature count. */
function segmentsOf(features: readonly Int32Array[]): { ids: Int32Array; segments: Int32Array; counts: Float32Array } {
  let total = 0;
  for (const f of features) total += Math.max(1, f.length);
  const ids = new Int32Array(total);
  const segments = new Int32Array(total);
  const counts = new Float32Array(features.length);
  let at = 0;
  features.forEach((f, i) => {
    counts[i] = Math.max(1, f.length);
    if (f.length === 0) { segments[at++] = i; return; }
    ids.set(f, at);
    segments.fill(i, at, at + f.length);
    at += f.length;
  });
  return { ids, segments, counts };
}

export class TfCombinedModel {
  private readonly embedding: tf.Tensor2D | undefined;
  private readonly parts: Part[] = [];

  /**
   * Takes ownership of every tensor in `parts` (plain tables are disposed after the concat).
   * `buckets` is the featurizer's id range: ids at or above it are language copies, which only
   * parts with their own table see.
   */
  constructor(parts: readonly PartWeights[], private readonly buckets: number) {
    let offset = 0;
    const tables: tf.Tensor2D[] = [];
    for (const p of parts) {
      const { embedding, ...dense } = p.weights;
      const table = embedding as tf.Tensor2D;
      const base = { name: p.name, multiLabel: p.multiLabel, numClasses: p.numClasses, dim: table.shape[1], dense };
      if (p.pooling === 'sqrtn' || table.shape[0] !== buckets) {
        this.parts.push({ ...base, offset: 0, own: { table, sqrtn: p.pooling === 'sqrtn' } });
        continue;
      }
      tables.push(table);
      this.parts.push({ ...base, offset });
      offset += table.shape[1];
    }
    this.embedding = tables.length === 0 ? undefined : tables.length === 1 ? tables[0]! : tf.concat2d(tables, 1);
    if (tables.length > 1) tables.forEach((t) => t.dispose());
  }

  get partNames(): string[] {
    return this.parts.map((p) => p.name);
  }

  /**
   * Probabilities of the named parts (default: all) for each text, row-major [n, classes] per
   * part. An empty text uses the padding row 0 (all zeros), which keeps every segment present.
   */
  async forward(features: readonly Int32Array[], only?: readonly string[]): Promise<Map<string, Float32Array>> {
    const n = features.length;
    const all = segmentsOf(features);
    const wanted = this.parts.filter((p) => !only || only.includes(p.name));
    const embedding = this.embedding;
    const sharedWanted = embedding !== undefined && wanted.some((p) => !p.own);
    // Plain tables see the base ids only (the language copies sit at or above `buckets`).
    const hasCopies = sharedWanted && all.ids.some((id) => id >= this.buckets);
    const base = hasCopies ? segmentsOf(features.map((f) => f.filter((id) => id < this.buckets))) : all;
    // All parts' probabilities side by side in one [n, sum of classes] tensor: one download.
    const probs = tf.tidy(() => {
      const idsT = tf.tensor1d(all.ids, 'int32');
      const segT = tf.tensor1d(all.segments, 'int32');
      const pooled = sharedWanted
        ? tf.sparse.sparseSegmentMean(embedding, hasCopies ? tf.tensor1d(base.ids, 'int32') : idsT, hasCopies ? tf.tensor1d(base.segments, 'int32') : segT) as tf.Tensor2D
        : undefined;
      const outs = wanted.map((p) => {
        let h: tf.Tensor2D;
        if (p.own) {
          h = tf.sparse.sparseSegmentMean(p.own.table, idsT, segT) as tf.Tensor2D;
          if (p.own.sqrtn) h = tf.mul(h, tf.tensor2d(all.counts.map(Math.sqrt), [n, 1]));
        } else {
          h = pooled!.shape[1] === p.dim ? pooled! : tf.slice(pooled!, [0, p.offset], [n, p.dim]);
        }
        const w = p.dense;
        if (w['hidden/kernel']) h = tf.relu(tf.add(tf.matMul(h, w['hidden/kernel'] as tf.Tensor2D), w['hidden/bias']!)) as tf.Tensor2D;
        const logits = tf.add(tf.matMul(h, w['output/kernel'] as tf.Tensor2D), w['output/bias']!);
        return p.multiLabel ? tf.sigmoid(logits) : tf.softmax(logits);
      });
      return outs.length === 1 ? outs[0]! : tf.concat(outs, 1);
    });
    let flat: Float32Array;
    try {
      flat = (await probs.data()) as Float32Array;
    } finally {
      probs.dispose();
    }
    const width = wanted.reduce((a, p) => a + p.numClasses, 0);
    const out = new Map<string, Float32Array>();
    let col = 0;
    for (const p of wanted) {
      const k = p.numClasses;
      const part = new Float32Array(n * k);
      for (let i = 0; i < n; i++) part.set(flat.subarray(i * width + col, i * width + col + k), i * k);
      out.set(p.name, part);
      col += k;
    }
    return out;
  }

  dispose(): void {
    this.embedding?.dispose();
    for (const p of this.parts) {
      p.own?.table.dispose();
      for (const t of Object.values(p.dense)) t.dispose();
    }
  }
}
