/**
 * Writes one head folder (manifest.json + weights.bin) in the main model's format, with the
 * head's task and labels, the embedding table uint8-quantized as the main model's is
 * (quantizeUint8 keeps untouched rows exactly zero), the dense layer float32.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, MODEL_FORMAT, MODEL_FORMAT_VERSION, WEIGHTS_FILE, modelVersion, sha256, type ModelManifest, type FeaturizerSpec, type HeadName } from '../../engine/model/index.ts';
import { writeFileAtomic } from '../../engine/util/index.ts';
import { encodeWeightsBinary } from '../sentiment/export.ts';
import type { HeadWeights } from '../sentiment/trainer.ts';

export interface HeadExport {
  outDir: string;
  head: HeadName;
  labels: readonly string[];
  weights: HeadWeights[];
  featurizer: FeaturizerSpec;
  dim: number;
  thresholds?: number[] | undefined;
  training: Record<string, unknown>;
}

export async function exportHead(x: HeadExport): Promise<ModelManifest> {
  mkdirSync(x.outDir, { recursive: true });
  const { bin, specs } = await encodeWeightsBinary(x.weights);
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    task: x.head,
    version: modelVersion(`${x.head}-v1`, bin),
    labels: [...x.labels],
    featurizer: x.featurizer,
    architecture: { type: 'embedding-bag', pooling: 'mean', dim: x.dim, hidden: 0 },
    weightsFile: WEIGHTS_FILE,
    weightsSha256: sha256(bin),
    weightSpecs: specs,
    ...(x.thresholds ? { multiLabel: true, thresholds: x.thresholds } : {}),
    training: x.training,
  };
  writeFileAtomic(join(x.outDir, WEIGHTS_FILE), bin);
  writeFileAtomic(join(x.outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
