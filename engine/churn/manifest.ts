/**
 * The churn model folder: manifest.json (feature encoding, architecture, TF.js weightSpecs,
 * SHA-256 of the weights) + weights.bin (TF.js weights binary). Written by training/churn/export.ts,
 * checked and read here; every error names the offending file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { MANIFEST_FILE, sha256 } from '../model/manifest.ts';
import { columnCount, type FeatureDef } from './features.ts';

export const CHURN_FORMAT = 'cxpulse-churn';
export const CHURN_FORMAT_VERSION = 1;

export interface ChurnArchitecture {
  type: 'mlp';
  /** ReLU units of the one hidden layer; 0 = logistic regression. */
  hidden: number;
}

export interface ChurnManifest {
  format: typeof CHURN_FORMAT;
  formatVersion: number;
  task: 'churn';
  /** Model name plus the first 8 hex digits of the SHA-256 of weights.bin. */
  version: string;
  /** Encoding of each input feature, in column order (means/stds, vocabularies). */
  features: FeatureDef[];
  architecture: ChurnArchitecture;
  /** Platt scaling fitted on the validation slice, already folded into output/kernel and output/bias. */
  calibration: { method: 'platt' | 'none'; a: number; b: number };
  weightsFile: string;
  weightsSha256: string;
  weightSpecs: tf.io.WeightsManifestEntry[];
  training?: Record<string, unknown>;
}

export interface NamedWeights { name: string; shape: number[]; values: Float32Array }

export function expectedShapes(inputs: number, a: ChurnArchitecture): Record<string, number[]> {
  if (a.hidden === 0) return { 'output/kernel': [inputs, 1], 'output/bias': [1] };
  return { 'hidden/kernel': [inputs, a.hidden], 'hidden/bias': [a.hidden], 'output/kernel': [a.hidden, 1], 'output/bias': [1] };
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const strings = (x: unknown): x is string[] => Array.isArray(x) && x.length > 0 && x.every((s) => typeof s === 'string');

function checkFeature(d: unknown, i: number, fail: (why: string) => never): void {
  const f = d as Partial<FeatureDef> & Record<string, unknown>;
  const where = `features[${i}]`;
  if (typeof f !== 'object' || f === null || typeof f.name !== 'string' || f.name === '') fail(`${where} has no name`);
  if (f.kind === 'numeric') {
    const cols = f['columns'];
    if (!Array.isArray(cols) || cols.length === 0) fail(`${where} (${f.name}) has no columns`);
    for (const c of cols as Record<string, unknown>[]) {
      if ((c['transform'] !== 'identity' && c['transform'] !== 'log1p') || !finite(c['mean']) || !finite(c['std']) || !((c['std'] as number) > 0)) fail(`${where} (${f.name}) has a malformed column (transform, finite mean, std > 0)`);
    }
    if (!finite(f['rawMean'])) fail(`${where} (${f.name}) rawMean must be a number`);
  } else if (f.kind === 'binary') {
    if (!finite(f['mean'])) fail(`${where} (${f.name}) mean must be a number`);
  } else if (f.kind === 'categorical') {
    const values = f['values'], freq = f['freq'];
    if (!strings(values) || !Array.isArray(freq) || freq.length !== values.length || !freq.every(finite)) fail(`${where} (${f.name}) needs values and one finite freq per value`);
  } else {
    fail(`${where} kind ${JSON.stringify(f.kind)} is not numeric, binary or categorical`);
  }
}

/** Checks a parsed manifest; the error names the file and the first problem found. */
export function validateChurnManifest(raw: unknown, file: string): ChurnManifest {
  const fail = (why: string): never => {
    throw new Error(`invalid churn model manifest ${file}: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('not a JSON object');
  const m = raw as Partial<ChurnManifest>;
  if (m.format !== CHURN_FORMAT) fail(`format is ${JSON.stringify(m.format)}, expected "${CHURN_FORMAT}"`);
  if (m.formatVersion !== CHURN_FORMAT_VERSION) fail(`formatVersion ${JSON.stringify(m.formatVersion)} is not supported (expected ${CHURN_FORMAT_VERSION})`);
  if (m.task !== 'churn') fail(`task is ${JSON.stringify(m.task)}, expected "churn"`);
  if (typeof m.version !== 'string' || m.version === '') fail('missing version');
  if (!Array.isArray(m.features) || m.features.length === 0) fail('features must be a non-empty array');
  m.features!.forEach((d, i) => checkFeature(d, i, fail));
  const a = m.architecture;
  if (!a || a.type !== 'mlp' || !Number.isInteger(a.hidden) || a.hidden < 0) fail('architecture must be {type:"mlp", hidden: integer >= 0}');
  const c = m.calibration;
  if (!c || (c.method !== 'platt' && c.method !== 'none') || !finite(c.a) || !finite(c.b)) fail('calibration must be {method, a, b}');
  if (typeof m.weightsFile !== 'string' || m.weightsFile === '' || /[\\/]/.test(m.weightsFile)) fail('weightsFile must be a plain file name');
  if (typeof m.weightsSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.weightsSha256)) fail('weightsSha256 must be 64 hex digits');
  if (!Array.isArray(m.weightSpecs)) fail('weightSpecs missing');
  const want = expectedShapes(columnCount(m.features!), a!);
  const got = new Map(m.weightSpecs!.map((s) => [s.name, s]));
  for (const [name, shape] of Object.entries(want)) {
    const spec = got.get(name);
    if (!spec) fail(`weight "${name}" missing from weightSpecs`);
    if (JSON.stringify(spec!.shape) !== JSON.stringify(shape)) fail(`weight "${name}" has shape ${JSON.stringify(spec!.shape)}, expected ${JSON.stringify(shape)}`);
    if (spec!.dtype !== 'float32' || spec!.quantization) fail(`weight "${name}" must be plain float32`);
  }
  if (got.size !== Object.keys(want).length) fail(`unexpected weights: ${[...got.keys()].filter((k) => !(k in want)).join(', ')}`);
  return m as ChurnManifest;
}

function readOrThrow(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot load churn model: ${what} ${path} ${code === 'ENOENT' ? 'does not exist' : `is unreadable (${code ?? String(err)})`}`);
  }
}

/** Reads and checks manifest.json and weights.bin; returns the manifest and decoded tensors. */
export function readChurnFolder(dir: string): { manifest: ChurnManifest; weights: tf.NamedTensorMap } {
  const manifestPath = join(dir, MANIFEST_FILE);
  const text = readOrThrow(manifestPath, 'manifest').toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid churn model manifest ${manifestPath}: not valid JSON (${(err as Error).message})`);
  }
  const manifest = validateChurnManifest(raw, manifestPath);
  const weightsPath = join(dir, manifest.weightsFile);
  const bytes = readOrThrow(weightsPath, 'weights file');
  const expected = manifest.weightSpecs.reduce((a, s) => a + 4 * s.shape.reduce((x, y) => x * y, 1), 0);
  if (bytes.byteLength !== expected) throw new Error(`invalid churn weights file ${weightsPath}: ${bytes.byteLength} bytes, manifest ${manifestPath} describes ${expected}`);
  if (sha256(bytes) !== manifest.weightsSha256) throw new Error(`invalid churn weights file ${weightsPath}: SHA-256 does not match ${manifestPath} (corrupt or from another model)`);
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const weights = tf.io.decodeWeights(buf, manifest.weightSpecs);
  for (const [name, t] of Object.entries(weights)) {
    if (!t.dataSync().every(Number.isFinite)) {
      Object.values(weights).forEach((w) => w.dispose());
      throw new Error(`invalid churn weights file ${weightsPath}: weight "${name}" holds NaN or Infinity`);
    }
  }
  return { manifest, weights };
}
