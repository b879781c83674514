/**
 * Writes a trained model folder: weights.bin in the TF.js weights layout and manifest.json
 * with TF.js weightSpecs. The embedding table is stored with TF.js's own affine uint8
 * quantization (tf.io.decodeWeights dequantizes it), which makes it 4x smaller; the small head
 * stays float32 (written by tf.io.encodeWeights).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MANIFEST_FILE, MODEL_FORMAT, MODEL_FORMAT_VERSION, WEIGHTS_FILE, modelVersion, sha256, type Architecture, type ModelManifest, type FeaturizerSpec } from '../../engine/model/index.ts';
import { SENTIMENT_LABELS } from '../../engine/event/index.ts';
import { writeFileAtomic } from '../../engine/util/index.ts';
import type { HeadWeights } from './trainer.ts';

/**
 * Affine uint8 quantization (value = q * scale + min) with the zero point nudged onto an
 * integer, so untouched (all-zero) embedding rows stay exactly zero after decoding.
 */
export function quantizeUint8(values: Float32Array): { bytes: Uint8Array; min: number; scale: number } {
  let lo = 0, hi = 0; // the range always includes 0
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zero = Math.round(-lo / scale);
  const min = -zero * scale;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.min(255, Math.max(0, Math.round(values[i]! / scale) + zero));
  return { bytes, min, scale };
}

export interface ExportInput {
  outDir: string;
  name: string;
  weights: HeadWeights[];
  featurizer: FeaturizerSpec;
  architecture: Architecture;
  training: Record<string, unknown>;
  /** The word-list counts file already written into outDir (sentiment model with lexCount=1). */
  lexiconCounts?: { file: string; sha256: string };
  /** Store the embedding table as uint8 (default) or float32. */
  quantize?: boolean;
}

/**
 * Encodes named weights into one TF.js weights binary: the embedding table as uint8 (TF.js's own
 * quantization spec) unless `quantize` is false, every other tensor as float32.
 */
export async function encodeWeightsBinary(weights: readonly HeadWeights[], quantize = true): Promise<{ bin: Uint8Array; specs: tf.io.WeightsManifestEntry[] }> {
  const parts: Uint8Array[] = [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  for (const w of weights) {
    if (w.name === 'embedding' && quantize) {
      const q = quantizeUint8(w.values);
      parts.push(q.bytes);
      specs.push({ name: w.name, shape: w.shape, dtype: 'float32', quantization: { dtype: 'uint8', min: q.min, scale: q.scale } });
    } else {
      const t = tf.tensor(w.values, w.shape, 'float32');
      const enc = await tf.io.encodeWeights({ [w.name]: t });
      t.dispose();
      parts.push(new Uint8Array(enc.data));
      specs.push(...enc.specs);
    }
  }
  const bin = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let off = 0;
  for (const p of parts) { bin.set(p, off); off += p.byteLength; }
  return { bin, specs };
}

/** Writes weights.bin then manifest.json; returns the manifest. */
export async function exportModel(input: ExportInput): Promise<ModelManifest> {
  mkdirSync(input.outDir, { recursive: true });
  const { bin, specs } = await encodeWeightsBinary(input.weights, input.quantize !== false);
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    task: 'sentiment',
    version: modelVersion(input.name, bin),
    labels: [...SENTIMENT_LABELS],
    featurizer: input.featurizer,
    architecture: input.architecture,
    weightsFile: WEIGHTS_FILE,
    weightsSha256: sha256(bin),
    weightSpecs: specs,
    ...(input.lexiconCounts ? { lexiconCounts: input.lexiconCounts } : {}),
    training: input.training,
  };
  writeFileAtomic(join(input.outDir, WEIGHTS_FILE), bin);
  writeFileAtomic(join(input.outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
