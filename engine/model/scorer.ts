/**
 * Loads a model folder (plus its heads, see heads.ts; weights decoded with TF.js) and scores texts
 * with one batched forward pass in plain JavaScript (combined.ts): each part pools its embedding rows (mean, or sum / sqrt(n) for the
 * wide linear sentiment model with language rows) -> (optional ReLU layer) -> dense -> softmax
 * (sigmoid for multi-label heads). Every shipped model has no hidden layer, so each part is a
 * linear model over hashed n-gram features.
 */
import { fromPackageRoot } from '../config/paths.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { URGENCY_LABELS, type HeadName, type SentimentScore, type TextScores } from '../event/types.ts';
import { initBackend } from './backend.ts';
import { CombinedModel } from './combined.ts';
import { modelFeatures, readLexiconSigns, type LexiconSigns } from './lexCounts.ts';
import { assertSameFeaturizer, combinedVersion, headExpectation, headFolders, type LoadedHead } from './heads.ts';
import { MANIFEST_FILE, sha256, validateManifest, versionWithOffsets, weightsByteLength, type ClassOffsets, type ClassScales, type ManifestExpectation, type ModelManifest } from './manifest.ts';
import { headScoreAt, languageBlockOf, sentimentAt } from './outputs.ts';
import { hiddenSignals, tailClause, type TailClause } from './signals.ts';
import { raisedUrgency } from './complaints.ts';

export interface TextScorer {
  readonly version: string;
  readonly backend: string;
  /** The per-language class offsets applied to sentiment (manifest classOffsets unless turned off); absent: none. */
  readonly classOffsets?: ClassOffsets;
  /** The per-language logit scales applied to sentiment (manifest classScales unless turned off); absent: all 1. */
  readonly classScales?: ClassScales;
  /** Hashed feature ids of one text (pure, deterministic). */
  featurize(text: string, lang?: string): Int32Array;
  /** One batched forward pass; [] for an empty batch. */
  predict(features: readonly Int32Array[]): Promise<SentimentScore[]>;
  /**
   * Sentiment plus every loaded head, one forward pass. With `texts` (the same texts the
   * features came from, already redacted) the clause after a contrast marker is scored too,
   * `signals` (polite but negative, implicit complaint) is set and an implicit complaint raises
   * urgency (complaints.ts); without it `signals` is left out and urgency is the head's.
   */
  predictAll(features: readonly Int32Array[], texts?: readonly string[], langs?: readonly (string | undefined)[]): Promise<TextScores[]>;
  /** Names of the loaded heads, in name order (empty: sentiment only). */
  readonly heads: readonly HeadName[];
  score(texts: readonly string[], langs?: readonly (string | undefined)[]): Promise<SentimentScore[]>;
  dispose(): void;
}

/** <repo>/models/sentiment, found from this file's location rather than the working directory. */
export const DEFAULT_MODEL_DIR = fromPackageRoot('models', 'sentiment');

function readOrThrow(path: string, what: string, model: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot load ${model}: ${what} ${path} ${code === 'ENOENT' ? 'does not exist' : `is unreadable (${code ?? String(err)})`}`);
  }
}

/** Reads and checks manifest.json and weights.bin; returns the manifest and decoded tensors. */
export function readModelFolder(modelDir: string, expect?: ManifestExpectation): { manifest: ModelManifest; weights: tf.NamedTensorMap } {
  const model = expect && expect.task !== 'sentiment' ? `model head "${expect.task}"` : 'sentiment model';
  const manifestPath = join(modelDir, MANIFEST_FILE);
  const text = readOrThrow(manifestPath, 'manifest', model).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`invalid model manifest ${manifestPath}: not valid JSON (${(err as Error).message})`);
  }
  const manifest = validateManifest(raw, manifestPath, expect);
  const weightsPath = join(modelDir, manifest.weightsFile);
  const bytes = readOrThrow(weightsPath, 'weights file', model);
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

/** The sentiment model and its heads as linear models over one text's hashed n-gram features. */
class LinearTextScorer implements TextScorer {
  readonly version: string;
  readonly heads: readonly HeadName[];
  readonly classOffsets?: ClassOffsets;
  readonly classScales?: ClassScales;
  private disposed = false;
  /** Per-label decision thresholds of the multi-label heads, from their manifests. */
  private readonly thresholds: ReadonlyMap<HeadName, readonly number[]>;
  /** Class offsets by language block (index into architecture.languageRows); undefined: none. */
  private readonly offsets: readonly (readonly number[] | undefined)[];
  /** Logit scale by language block; 1 where none. */
  private readonly scales: readonly number[];

  constructor(
    private readonly manifest: ModelManifest,
    private readonly net: CombinedModel,
    heads: readonly LoadedHead[],
    readonly backend: string,
    private readonly negativeBias: number,
    classOffsets: boolean | ClassOffsets,
    classScales: boolean | ClassScales,
    private readonly lexicon: LexiconSigns | undefined,
  ) {
    const table = classOffsets === true ? manifest.classOffsets : classOffsets === false ? undefined : classOffsets;
    if (table && Object.keys(table).length > 0) this.classOffsets = table;
    const scaleTable = classScales === true ? manifest.classScales : classScales === false ? undefined : classScales;
    if (scaleTable && Object.keys(scaleTable).length > 0) this.classScales = scaleTable;
    // Offsets or scales other than the manifest's (none, or a table of the caller's) score differently: so is the version named.
    const main = classOffsets === true && classScales === true ? manifest.version
      : versionWithOffsets(manifest.version.replace(/-[0-9a-f]{8}$/, ''), manifest.weightsSha256, table, scaleTable);
    this.version = combinedVersion(main, heads);
    this.heads = heads.map((h) => h.name);
    this.thresholds = new Map(heads.map((h) => [h.name, h.manifest.thresholds ?? []]));
    this.offsets = (manifest.architecture.languageRows ?? []).map((l) => table?.[l]);
    this.scales = (manifest.architecture.languageRows ?? []).map((l) => scaleTable?.[l] ?? 1);
  }

  /** The sentiment of row `i` of a forward pass whose row i was `features`: the block's scale, its offsets, then the negative bias. */
  private sentimentOf(p: ArrayLike<number>, i: number, features: Int32Array): SentimentScore {
    const block = languageBlockOf(features, this.manifest.featurizer.buckets);
    return sentimentAt(p, i, this.negativeBias, this.offsets[block], this.scales[block] ?? 1);
  }

  featurize(text: string, lang?: string): Int32Array {
    return modelFeatures(this.manifest.featurizer, this.manifest.architecture.languageRows, this.lexicon, text, lang);
  }

  private alive(): void {
    if (this.disposed) throw new Error(`sentiment model ${this.version} was disposed`);
  }

  async predict(features: readonly Int32Array[]): Promise<SentimentScore[]> {
    this.alive();
    if (features.length === 0) return [];
    const p = this.net.forward(features, ['sentiment']).get('sentiment')!;
    return features.map((f, i) => this.sentimentOf(p, i, f));
  }

  async predictAll(features: readonly Int32Array[], texts?: readonly string[], langs?: readonly (string | undefined)[]): Promise<TextScores[]> {
    this.alive();
    const n = features.length;
    if (n === 0) return [];
    if (texts && texts.length !== n) throw new Error(`predictAll: ${texts.length} texts for ${n} feature arrays`);
    // Tail clauses ride in the same batch, after the whole texts.
    const tails: (TailClause & { row: number })[] = [];
    const extra: Int32Array[] = [];
    texts?.forEach((t, i) => {
      const c = tailClause(t, langs?.[i]);
      if (!c) return;
      tails[i] = { ...c, row: n + extra.length };
      extra.push(this.featurize(c.tail, langs?.[i]));
    });
    const rows = extra.length > 0 ? [...features, ...extra] : features;
    const probs = this.net.forward(rows);
    const at = (i: number): Omit<TextScores, 'signals'> => {
      const out: TextScores = { sentiment: this.sentimentOf(probs.get('sentiment')!, i, rows[i]!) };
      const heads = out as Record<HeadName, unknown>;
      for (const h of this.heads) heads[h] = headScoreAt(h, probs.get(h)!, i, this.thresholds.get(h)!);
      return out;
    };
    const out: TextScores[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const s: TextScores = at(i);
      if (texts) {
        const tc = tails[i];
        const tail = tc ? { ...tc, ...at(tc.row) } : undefined;
        s.signals = hiddenSignals({ text: texts[i]!, lang: langs?.[i], overall: s.sentiment, emotion: s.emotion, tail });
        if (s.urgency) {
          const p = probs.get('urgency')!;
          s.urgency = raisedUrgency(s.urgency, s.signals.implicitComplaint, s.sentiment, (l) => p[i * URGENCY_LABELS.length + URGENCY_LABELS.indexOf(l)]!);
        }
      }
      out[i] = s;
    }
    return out;
  }

  score(texts: readonly string[], langs?: readonly (string | undefined)[]): Promise<SentimentScore[]> {
    return this.predict(texts.map((t, i) => this.featurize(t, langs?.[i])));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.net.dispose();
  }
}

/** Reads every head folder present under `modelDir/heads`; disposes what it read if one is refused. */
function readHeads(modelDir: string, main: ModelManifest): LoadedHead[] {
  const heads: LoadedHead[] = [];
  try {
    for (const { name, dir } of headFolders(modelDir)) {
      const { manifest, weights } = readModelFolder(dir, headExpectation(name));
      heads.push({ name, dir, manifest, weights });
      assertSameFeaturizer(manifest, dir, main, modelDir);
    }
  } catch (err) {
    for (const h of heads) for (const t of Object.values(h.weights)) t.dispose();
    throw err;
  }
  return heads;
}

export interface LoadOptions {
  /** Load the heads under `<modelDir>/heads` (default true); false gives the sentiment-only model. */
  heads?: boolean;
  /** Added to the negative class's logit (outputs.ts sentimentAt); default 0. */
  negativeBias?: number;
  /**
   * Per-language class offsets: the manifest's (true, the default), none (false: `cxpulse eval
   * --no-class-offsets`), or these instead of the manifest's (the card's before/after table).
   */
  classOffsets?: boolean | ClassOffsets;
  /**
   * Per-language logit scales: the manifest's (true, the default), none (false: all 1, the card's
   * before column), or these instead of the manifest's.
   */
  classScales?: boolean | ClassScales;
}

/**
 * Loads the model in `modelDir` (default DEFAULT_MODEL_DIR) on the backend chosen by
 * initBackend (called here if nobody did). Throws an Error naming the offending file.
 */
export async function loadTextScorer(modelDir: string = DEFAULT_MODEL_DIR, opts: LoadOptions = {}): Promise<TextScorer> {
  const backend = await initBackend();
  const { manifest, weights } = readModelFolder(modelDir);
  let heads: LoadedHead[];
  let lexicon: LexiconSigns | undefined;
  try {
    lexicon = manifest.lexiconCounts ? readLexiconSigns(modelDir, manifest.lexiconCounts) : undefined;
    heads = opts.heads === false ? [] : readHeads(modelDir, manifest);
  } catch (err) {
    for (const t of Object.values(weights)) t.dispose();
    throw err;
  }
  const net = new CombinedModel([
    { name: 'sentiment', pooling: manifest.architecture.pooling, multiLabel: false, numClasses: manifest.labels.length, weights },
    ...heads.map((h) => ({ name: h.name, pooling: h.manifest.architecture.pooling, multiLabel: h.manifest.multiLabel === true, numClasses: h.manifest.labels.length, weights: h.weights })),
  ], manifest.featurizer.buckets);
  return new LinearTextScorer(manifest, net, heads, backend, opts.negativeBias ?? 0, opts.classOffsets ?? true, opts.classScales ?? true, lexicon);
}
