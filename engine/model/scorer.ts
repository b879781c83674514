/**
 * Loads a model folder and scores texts with one batched TF.js forward pass:
 * mean of each text's embedding rows (sparseSegmentMean) -> (optional ReLU layer) -> dense -> softmax.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { SENTIMENT_LABELS, type SentimentScore } from '../event/types.ts';
import { initBackend } from './backend.ts';
import { featurizeWith } from './featurize.ts';
import { MANIFEST_FILE, sha256, validateManifest, weightsByteLength, type ModelManifest } from './manifest.ts';

export interface TextScorer {
  readonly version: string;
  readonly backend: string;
  /** Hashed feature ids of one text (pure, deterministic). */
  featurize(text: string, lang?: string): Int32Array;
  /** One batched forward pass; [] for an empty batch. */
  predict(features: readonly Int32Array[]): Promise<SentimentScore[]>;
  score(texts: readonly string[], langs?: readonly (string | undefined)[]): Promise<SentimentScore[]>;
  dispose(): void;
}

/** <repo>/models/sentiment, found from this file's location rather than the working directory. */
export const DEFAULT_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../models/sentiment');

function readOrThrow(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot load sentiment model: ${what} ${path} ${code === 'ENOENT' ? 'does not exist' : `is unreadable (${code ?? String(err)})`}`);
  }
}

/** Reads and checks manifest.json and weights.bin; returns the manifest and decoded tensors. */
export function readModelFolder(modelDir: string): { manifest: ModelManifest; weights: tf.NamedTensorMap } {
  const manifestPath = join(modelDir, MANIFEST_FILE);
  const text = readOrThrow(manifestPath, 'manifest').toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid model manifest ${manifestPath}: not valid JSON (${(err as Error).message})`);
  }
  const manifest = validateManifest(raw, manifestPath);
  const weightsPath = join(modelDir, manifest.weightsFile);
  const bytes = readOrThrow(weightsPath, 'weights file');
  const expected = weightsByteLength(manifest.weightSpecs);
  if (bytes.byteLength !== expected) {
    throw new Error(`invalid weights file ${weightsPath}: ${bytes.byteLength} bytes, manifest ${manifestPath} describes ${expected}`);
  }
  if (sha256(bytes) !== manifest.weightsSha256) {
    throw new Error(`invalid weights file ${weightsPath}: SHA-256 does not match ${manifestPath} (corrupt or from another model)`);
  }
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { manifest, weights: tf.io.decodeWeights(buf, manifest.weightSpecs) };
}

class EmbeddingBagScorer implements TextScorer {
  readonly version: string;
  private disposed = false;

  constructor(
    private readonly manifest: ModelManifest,
    private readonly w: tf.NamedTensorMap,
    readonly backend: string,
  ) {
    this.version = manifest.version;
  }

  featurize(text: string, lang?: string): Int32Array {
    return featurizeWith(this.manifest.featurizer, text, lang);
  }

  async predict(features: readonly Int32Array[]): Promise<SentimentScore[]> {
    if (this.disposed) throw new Error(`sentiment model ${this.version} was disposed`);
    const n = features.length;
    if (n === 0) return [];
    // Flat ids + segment ids: tf.sparse.sparseSegmentMean gathers and averages each text's rows
    // in one kernel, with no padding to the longest text of the batch. An empty text uses the
    // padding row 0 (all zeros), which keeps every text's segment present.
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
    const probs = tf.tidy(() => {
      const emb = this.w['embedding'] as tf.Tensor2D;
      let h = tf.sparse.sparseSegmentMean(emb, tf.tensor1d(ids, 'int32'), tf.tensor1d(segments, 'int32')) as tf.Tensor2D;
      if (this.w['hidden/kernel']) h = tf.relu(tf.add(tf.matMul(h, this.w['hidden/kernel'] as tf.Tensor2D), this.w['hidden/bias']!)) as tf.Tensor2D;
      return tf.softmax(tf.add(tf.matMul(h, this.w['output/kernel'] as tf.Tensor2D), this.w['output/bias']!));
    });
    try {
      const p = await probs.data();
      const out: SentimentScore[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const neg = p[i * 3]!, neu = p[i * 3 + 1]!, pos = p[i * 3 + 2]!;
        const best = neg >= neu && neg >= pos ? 0 : pos >= neu ? 2 : 1;
        out[i] = { label: SENTIMENT_LABELS[best]!, score: pos - neg, confidence: p[i * 3 + best]! };
      }
      return out;
    } finally {
      probs.dispose();
    }
  }

  score(texts: readonly string[], langs?: readonly (string | undefined)[]): Promise<SentimentScore[]> {
    return this.predict(texts.map((t, i) => this.featurize(t, langs?.[i])));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of Object.values(this.w)) t.dispose();
  }
}

/**
 * Loads the model in `modelDir` (default DEFAULT_MODEL_DIR) on the backend chosen by
 * initBackend (called here if nobody did). Throws an Error naming the offending file.
 */
export async function loadTextScorer(modelDir: string = DEFAULT_MODEL_DIR): Promise<TextScorer> {
  const backend = await initBackend();
  const { manifest, weights } = readModelFolder(modelDir);
  return new EmbeddingBagScorer(manifest, weights, backend);
}
