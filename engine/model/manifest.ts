/**
 * The model folder format: manifest.json (what the model is, how to featurize, TF.js
 * weightSpecs) + weights.bin (TF.js weights binary, as written by tf.io.encodeWeights or with
 * TF.js's own uint8 quantization spec). Shared by the trainer (writes) and the loader (checks).
 */
import { createHash } from 'node:crypto';
import type * as tf from '@tensorflow/tfjs';
import { SENTIMENT_LABELS, type HeadName } from '../event/types.ts';
import type { FeaturizerSpec } from './featurize.ts';
import { TOKENIZER_VERSION } from './tokenize.ts';

export const MANIFEST_FILE = 'manifest.json';
export const WEIGHTS_FILE = 'weights.bin';
export const MODEL_FORMAT = 'cxpulse-embedding-bag';
export const MODEL_FORMAT_VERSION = 1;

export interface Architecture {
  type: 'embedding-bag';
  /**
   * How a text's rows are pooled: `mean` (fastText, the heads) or `sqrtn`, the sum divided by
   * the square root of the number of features (the wide linear sentiment model: a text's evidence
   * adds up instead of being diluted by its many character n-grams).
   */
  pooling: 'mean' | 'sqrtn';
  dim: number;
  /** 0 = linear head. */
  hidden: number;
  /**
   * Languages that have their own copy of every row (feature augmentation by language): the
   * table has buckets x (1 + languageRows.length) rows, and a text in language i also uses row
   * `id + (i + 1) * buckets` of each of its features (featurize.ts withLanguageRows). Absent: one
   * block, language-independent.
   */
  languageRows?: string[];
}

/** What a model folder predicts: the main sentiment model or one of its heads (models/sentiment/heads/<task>). */
export type ModelTask = 'sentiment' | HeadName;

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  task: ModelTask;
  /** Model name plus the first 8 hex digits of the SHA-256 of weights.bin. */
  version: string;
  labels: string[];
  featurizer: FeaturizerSpec;
  architecture: Architecture;
  weightsFile: string;
  weightsSha256: string;
  /** TF.js weight specs, in the order the tensors sit in weights.bin. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** Multi-label heads (emotion): sigmoid outputs, one decision threshold per label (chosen on validation). */
  multiLabel?: boolean;
  thresholds?: number[];
  /**
   * Sentiment only: per-language class offsets (negative, neutral, positive) added to the logits
   * after the temperature and before a deployment's negative bias (outputs.ts), for a text whose
   * features use that language's block (architecture.languageRows). Fitted on the validation
   * parts (training/sentiment/offsets.ts); a language not listed gets none.
   */
  classOffsets?: ClassOffsets;
  /**
   * Sentiment only: per-language logit scale (a temperature per language, 1/T) multiplying the
   * logits after the global temperature and before the class offsets and the negative bias, for a
   * text whose features use that language's block. Fitted on the validation parts
   * (training/sentiment/scales.ts); a language not listed (or the whole field absent) gets 1. A
   * scale never changes which class is most probable: it only moves the confidences.
   */
  classScales?: ClassScales;
  /** Sentiment only: word-list hit counts as features of the language blocks (lexCounts.ts); the file sits beside the manifest. */
  lexiconCounts?: { file: string; sha256: string };
  /** Free-form provenance (data sets, seed, hyper-parameters, epochs). */
  training?: Record<string, unknown>;
}

/** Logit offsets per language block, one number per label. */
export type ClassOffsets = Record<string, number[]>;

/** Logit scale per language block (absent: 1). */
export type ClassScales = Record<string, number>;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function modelVersion(name: string, weights: Uint8Array): string {
  return `${name}-${sha256(weights).slice(0, 8)}`;
}

/** Largest class offset a manifest may hold (e^5 ~ 150 times the odds: anything beyond is a mistake). */
export const MAX_CLASS_OFFSET = 5;

/** Range a manifest's class scale must lie in (the fit searches [0.5, 2.5]; beyond this is a mistake). */
export const CLASS_SCALE_RANGE = [0.1, 10] as const;

/**
 * The version of a model whose weights have SHA-256 `weightsSha256`, with class offsets and class
 * scales: offsets change labels and scales change confidences, so both change the version scored
 * events carry. Without either (offsets all zero, scales all 1) it is the weights' version,
 * `<name>-<8 hex of the weights' SHA-256>`; with offsets only, 8 hex of the SHA-256 over the
 * weights' hash and the offsets as JSON (languages sorted), as before scales existed; with
 * scales, their JSON (languages sorted) is appended to that text.
 */
export function versionWithOffsets(name: string, weightsSha256: string, offsets: ClassOffsets | undefined, scales?: ClassScales): string {
  const langs = Object.keys(offsets ?? {}).filter((l) => offsets![l]!.some((x) => x !== 0)).sort();
  const scaled = Object.keys(scales ?? {}).filter((l) => scales![l] !== 1).sort();
  if (langs.length === 0 && scaled.length === 0) return `${name}-${weightsSha256.slice(0, 8)}`;
  const json = JSON.stringify(langs.map((l) => [l, offsets![l]]));
  const scaleJson = scaled.length > 0 ? `\n${JSON.stringify(scaled.map((l) => [l, scales![l]]))}` : '';
  return `${name}-${sha256(new TextEncoder().encode(`${weightsSha256}\n${json}${scaleJson}`)).slice(0, 8)}`;
}

/** The tensor shapes an architecture needs, by weight name. */
export function expectedShapes(a: Architecture, buckets: number, numClasses: number): Record<string, number[]> {
  const out: Record<string, number[]> = { embedding: [buckets * (1 + (a.languageRows?.length ?? 0)), a.dim] };
  if (a.hidden > 0) {
    out['hidden/kernel'] = [a.dim, a.hidden];
    out['hidden/bias'] = [a.hidden];
  }
  out['output/kernel'] = [a.hidden > 0 ? a.hidden : a.dim, numClasses];
  out['output/bias'] = [numClasses];
  return out;
}

const isPosInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;

/** What the loader expects of a folder; the main model's default is the sentiment task. */
export interface ManifestExpectation {
  task: ModelTask;
  labels: readonly string[];
  multiLabel?: boolean;
}

const SENTIMENT_EXPECTATION: ManifestExpectation = { task: 'sentiment', labels: SENTIMENT_LABELS };

/** Checks a parsed manifest; the error names the file and the first problem found. */
export function validateManifest(raw: unknown, file: string, expect: ManifestExpectation = SENTIMENT_EXPECTATION): ModelManifest {
  const fail = (why: string): never => {
    throw new Error(`invalid model manifest ${file}: ${why}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('not a JSON object');
  const m = raw as Partial<ModelManifest>;
  if (m.format !== MODEL_FORMAT) fail(`format is ${JSON.stringify(m.format)}, expected "${MODEL_FORMAT}"`);
  if (m.formatVersion !== MODEL_FORMAT_VERSION) fail(`formatVersion ${m.formatVersion} is not supported (expected ${MODEL_FORMAT_VERSION})`);
  if (typeof m.version !== 'string' || m.version === '') fail('missing version');
  // Older sentiment manifests may omit nothing, but a head must say what it is.
  if ((m.task ?? 'sentiment') !== expect.task) fail(`task is ${JSON.stringify(m.task)}, expected "${expect.task}"`);
  if (JSON.stringify(m.labels) !== JSON.stringify(expect.labels)) fail(`labels must be ${JSON.stringify(expect.labels)}`);
  if (expect.multiLabel) {
    const t = m.thresholds;
    if (m.multiLabel !== true) fail('multiLabel must be true for this head');
    if (!Array.isArray(t) || t.length !== expect.labels.length || !t.every((x) => typeof x === 'number' && x > 0 && x < 1)) {
      fail(`thresholds must be ${expect.labels.length} numbers in (0, 1)`);
    }
  }
  const f = m.featurizer;
  if (!f || f.kind !== 'hashed-ngrams' || f.hash !== 'fnv1a32') fail('featurizer must be hashed-ngrams/fnv1a32');
  if (f!.tokenizerVersion !== TOKENIZER_VERSION) fail(`tokenizerVersion ${f!.tokenizerVersion} differs from this code's ${TOKENIZER_VERSION}; retrain the model`);
  if (!isPosInt(f!.buckets) || f!.buckets < 2 || !isPosInt(f!.maxFeatures)) fail('featurizer buckets/maxFeatures must be positive integers');
  if (!Array.isArray(f!.charNgrams) || !f!.charNgrams.every(isPosInt) || !Number.isInteger(f!.negationScope)) fail('featurizer charNgrams/negationScope malformed');
  if (f!.wordNgrams !== undefined && f!.wordNgrams !== 2 && f!.wordNgrams !== 3) fail(`featurizer wordNgrams must be 2 or 3, got ${JSON.stringify(f!.wordNgrams)}`);
  const a = m.architecture;
  if (!a || a.type !== 'embedding-bag' || !isPosInt(a.dim) || !Number.isInteger(a.hidden) || a.hidden < 0) fail('architecture malformed');
  if (a!.pooling !== 'mean' && a!.pooling !== 'sqrtn') fail(`architecture pooling ${JSON.stringify(a!.pooling)} is not "mean" or "sqrtn"`);
  const lr = a!.languageRows;
  if (lr !== undefined && (!Array.isArray(lr) || lr.length > 16 || new Set(lr).size !== lr.length || !lr.every((l) => typeof l === 'string' && /^[a-z]{2,3}$/.test(l)))) {
    fail('architecture languageRows must be at most 16 distinct lower-case language codes');
  }
  const co = m.classOffsets;
  if (co !== undefined) {
    const blocks = a!.languageRows ?? [];
    if (typeof co !== 'object' || co === null || Array.isArray(co)) fail('classOffsets must be an object of language -> offsets');
    for (const [lang, o] of Object.entries(co!)) {
      if (!blocks.includes(lang)) fail(`classOffsets has "${lang}", which is not one of architecture.languageRows`);
      if (!Array.isArray(o) || o.length !== expect.labels.length || !o.every((x) => typeof x === 'number' && Number.isFinite(x) && Math.abs(x) <= MAX_CLASS_OFFSET)) {
        fail(`classOffsets.${lang} must be ${expect.labels.length} numbers in [-${MAX_CLASS_OFFSET}, ${MAX_CLASS_OFFSET}]`);
      }
    }
  }
  const cs = m.classScales;
  if (cs !== undefined) {
    const blocks = a!.languageRows ?? [];
    if (typeof cs !== 'object' || cs === null || Array.isArray(cs)) fail('classScales must be an object of language -> scale');
    for (const [lang, x] of Object.entries(cs!)) {
      if (!blocks.includes(lang)) fail(`classScales has "${lang}", which is not one of architecture.languageRows`);
      if (typeof x !== 'number' || !Number.isFinite(x) || x < CLASS_SCALE_RANGE[0] || x > CLASS_SCALE_RANGE[1]) {
        fail(`classScales.${lang} must be a number in [${CLASS_SCALE_RANGE[0]}, ${CLASS_SCALE_RANGE[1]}]`);
      }
    }
  }
  const lc = m.lexiconCounts;
  if (lc !== undefined) {
    if (typeof lc !== 'object' || lc === null || typeof lc.file !== 'string' || /[\\/]/.test(lc.file) || lc.file === '') fail('lexiconCounts.file must be a plain file name');
    if (typeof lc!.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(lc!.sha256)) fail('lexiconCounts.sha256 must be 64 hex digits');
    if ((a!.languageRows ?? []).length === 0) fail('lexiconCounts needs architecture.languageRows (the counts live in the language blocks)');
  }
  if (typeof m.weightsFile !== 'string' || /[\\/]/.test(m.weightsFile)) fail('weightsFile must be a plain file name');
  if (typeof m.weightsSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.weightsSha256)) fail('weightsSha256 must be 64 hex digits');
  if (!Array.isArray(m.weightSpecs)) fail('weightSpecs missing');
  const want = expectedShapes(a!, f!.buckets, expect.labels.length);
  const got = new Map(m.weightSpecs!.map((s) => [s.name, s]));
  for (const [name, shape] of Object.entries(want)) {
    const spec = got.get(name);
    if (!spec) fail(`weight "${name}" missing from weightSpecs`);
    if (JSON.stringify(spec!.shape) !== JSON.stringify(shape)) fail(`weight "${name}" has shape ${JSON.stringify(spec!.shape)}, expected ${JSON.stringify(shape)}`);
    if (spec!.dtype !== 'float32') fail(`weight "${name}" must be float32 (optionally quantized)`);
  }
  if (got.size !== Object.keys(want).length) fail(`unexpected weights: ${[...got.keys()].filter((k) => !(k in want)).join(', ')}`);
  return m as ModelManifest;
}

/** Bytes weights.bin must have for these specs (TF.js layout: tensors back to back). */
export function weightsByteLength(specs: readonly tf.io.WeightsManifestEntry[]): number {
  const size: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };
  return specs.reduce((acc, s) => acc + s.shape.reduce((a, b) => a * b, 1) * (size[s.quantization?.dtype ?? s.dtype] ?? NaN), 0);
}
