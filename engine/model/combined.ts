/**
 * The main model and its heads as one network: their embedding tables are concatenated
 * column-wise into one [buckets, sum of dims] tensor at load time, so a batch needs one
 * sparseSegmentMean (the gather that dominates the cost); each part then reads its own columns
 * of the pooled vectors through its small dense layer(s).
 */
import * as tf from '@tensorflow/tfjs';

export interface PartWeights {
  name: string;
  /** Output activation: softmax for single-label parts, sigmoid for multi-label ones. */
  multiLabel: boolean;
  numClasses: number;
  weights: tf.NamedTensorMap;
}

interface Part {
  name: string;
  multiLabel: boolean;
  numClasses: number;
  offset: number;
  dim: number;
  dense: tf.NamedTensorMap;
}

export class CombinedModel {
  private readonly embedding: tf.Tensor2D;
  private readonly parts: Part[] = [];

  /** Takes ownership of every tensor in `parts` (the embedding tables are disposed after the concat). */
  constructor(parts: readonly PartWeights[]) {
    let offset = 0;
    const tables: tf.Tensor2D[] = [];
    for (const p of parts) {
      const { embedding, ...dense } = p.weights;
      const table = embedding as tf.Tensor2D;
      tables.push(table);
      this.parts.push({ name: p.name, multiLabel: p.multiLabel, numClasses: p.numClasses, offset, dim: table.shape[1], dense });
      offset += table.shape[1];
    }
    this.embedding = tables.length === 1 ? tables[0]! : tf.concat2d(tables, 1);
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
    let total = 0;
    for (const f of features) total += Math.max(1, f.length);
    const ids = new Int32Array(total);
    const segments = new Int32Array(total);
    let at = 0;
    features.forEach((f, i) => {
      if (f.length === 0) { segments[at++] = i; return; }
      ids.set(f, at);
      segments.fill(i, at, at + f.length);
      at += f.length;
    });
    const wanted = this.parts.filter((p) => !only || only.includes(p.name));
    // All parts' probabilities side by side in one [n, sum of classes] tensor: one download.
    const probs = tf.tidy(() => {
      const pooled = tf.sparse.sparseSegmentMean(this.embedding, tf.tensor1d(ids, 'int32'), tf.tensor1d(segments, 'int32')) as tf.Tensor2D;
      const outs = wanted.map((p) => {
        let h = this.parts.length === 1 ? pooled : tf.slice(pooled, [0, p.offset], [n, p.dim]);
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
    this.embedding.dispose();
    for (const p of this.parts) for (const t of Object.values(p.dense)) t.dispose();
  }
}
