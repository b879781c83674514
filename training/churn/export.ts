/**
 * Writes a churn model folder (manifest.json + weights.bin) in the format engine/churn/manifest.ts
 * reads and checks. Only training writes model folders; the engine only reads them.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MANIFEST_FILE, WEIGHTS_FILE, modelVersion, sha256 } from '../../engine/model/index.ts';
import { CHURN_FORMAT, CHURN_FORMAT_VERSION, type ChurnArchitecture, type ChurnManifest, type NamedWeights, type FeatureDef } from '../../engine/churn/index.ts';
import { writeFileAtomic } from '../../engine/util/index.ts';

export interface ChurnExport {
  outDir: string;
  name: string;
  features: FeatureDef[];
  architecture: ChurnArchitecture;
  calibration: ChurnManifest['calibration'];
  weights: NamedWeights[];
  training: Record<string, unknown>;
}

/** Writes weights.bin, then manifest.json (so a reader never sees a manifest without its weights). */
export async function writeChurnFolder(e: ChurnExport): Promise<ChurnManifest> {
  mkdirSync(e.outDir, { recursive: true });
  const map: tf.NamedTensorMap = {};
  for (const w of e.weights) map[w.name] = tf.tensor(w.values, w.shape, 'float32');
  const enc = await tf.io.encodeWeights(map);
  Object.values(map).forEach((t) => t.dispose());
  const bin = new Uint8Array(enc.data);
  const manifest: ChurnManifest = {
    format: CHURN_FORMAT,
    formatVersion: CHURN_FORMAT_VERSION,
    task: 'churn',
    version: modelVersion(e.name, bin),
    features: e.features,
    architecture: e.architecture,
    calibration: e.calibration,
    weightsFile: WEIGHTS_FILE,
    weightsSha256: sha256(bin),
    weightSpecs: enc.specs,
    training: e.training,
  };
  writeFileAtomic(join(e.outDir, WEIGHTS_FILE), bin);
  writeFileAtomic(join(e.outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
