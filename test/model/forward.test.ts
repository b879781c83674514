/**
 * The plain-JavaScript forward pass (engine/model/combined.ts) against the TF.js one it replaced
 * (tfForward.ts, the code of commit a9a1aa2): every probability of every part within 1e-6, the
 * same argmax, the same multi-label decisions. On the shipped model over the repo's labelled
 * texts with their languages (language rows and word-list counts included) and without, and on
 * small random models for what the shipped one does not use: a hidden layer, a plain-table part
 * that is not folded, a mean-pooled own table, empty texts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromPackageRoot } from '../../engine/config/paths.ts';
import { CombinedModel, type PartWeights } from '../../engine/model/combined.ts';
import { headExpectation, headFolders } from '../../engine/model/heads.ts';
import { DEFAULT_MODEL_DIR, initBackend, modelFeatures, readLexiconSigns, readModelFolder, type ModelManifest } from '../../engine/model/index.ts';
import { TfCombinedModel } from './tfForward.ts';
import { seededRandom } from '../../engine/util/random.ts';

const TOLERANCE = 1e-6;

/** The repo's labelled texts with their languages. */
function labelledTexts(): { text: string; lang?: string }[] {
  const out: { text: string; lang?: string }[] = [];
  for (const d of ['eval', 'heads', 'sentiment']) {
    for (const f of readdirSync(fromPackageRoot('data', d)).filter((x) => x.endsWith('.jsonl')).sort()) {
      for (const l of readFileSync(fromPackageRoot('data', d, f), 'utf8').split('\n')) if (l) out.push(JSON.parse(l) as { text: string; lang?: string });
    }
  }
  return out;
}

/** Every part's probabilities from both forward passes, batch by batch (64, as the engine batches). */
async function compare(js: CombinedModel, ref: TfCombinedModel, features: readonly Int32Array[], thresholds: ReadonlyMap<string, readonly number[]> = new Map()) {
  let maxDiff = 0, values = 0;
  const argmaxDiffers: string[] = [];
  const decisionsDiffer: string[] = [];
  for (let i = 0; i < features.length; i += 64) {
    const batch = features.slice(i, i + 64);
    const a = await js.forward(batch), b = await ref.forward(batch);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, p] of b) {
      const q = a.get(name)!;
      expect(q.length).toBe(p.length);
      const k = p.length / batch.length;
      for (let r = 0; r < batch.length; r++) {
        let bestP = 0, bestQ = 0;
        for (let c = 0; c < k; c++) {
          const x = p[r * k + c]!, y = q[r * k + c]!;
          maxDiff = Math.max(maxDiff, Math.abs(x - y));
          values++;
          if (x > p[r * k + bestP]!) bestP = c;
          if (y > q[r * k + bestQ]!) bestQ = c;
          const t = thresholds.get(name)?.[c];
          if (t !== undefined && (x >= t) !== (y >= t)) decisionsDiffer.push(`${name} row ${i + r} label ${c}`);
        }
        if (bestP !== bestQ) argmaxDiffers.push(`${name} row ${i + r}`);
      }
    }
  }
  return { maxDiff, values, argmaxDiffers, decisionsDiffer };
}

/** The shipped model's parts as loadTextScorer builds them (fresh tensors: each forward pass owns its own). */
function shippedParts(): { manifest: ModelManifest; parts: PartWeights[]; thresholds: Map<string, readonly number[]> } {
  const { manifest, weights } = readModelFolder(DEFAULT_MODEL_DIR);
  const thresholds = new Map<string, readonly number[]>();
  const parts: PartWeights[] = [{ name: 'sentiment', pooling: manifest.architecture.pooling, multiLabel: false, numClasses: manifest.labels.length, weights }];
  for (const { name, dir } of headFolders(DEFAULT_MODEL_DIR)) {
    const h = readModelFolder(dir, headExpectation(name));
    if (h.manifest.thresholds) thresholds.set(name, h.manifest.thresholds);
    parts.push({ name, pooling: h.manifest.architecture.pooling, multiLabel: h.manifest.multiLabel === true, numClasses: h.manifest.labels.length, weights: h.weights });
  }
  return { manifest, parts, thresholds };
}

beforeAll(async () => {
  await initBackend('wasm');
}, 60_000);

describe('the shipped model', () => {
  let js: CombinedModel, ref: TfCombinedModel, manifest: ModelManifest, thresholds: Map<string, readonly number[]>;
  beforeAll(() => {
    const a = shippedParts();
    manifest = a.manifest;
    thresholds = a.thresholds;
    js = new CombinedModel(a.parts, manifest.featurizer.buckets);
    ref = new TfCombinedModel(shippedParts().parts, manifest.featurizer.buckets);
  }, 120_000);
  afterAll(() => {
    js?.dispose();
    ref?.dispose();
  });

  it('matches the TF.js forward pass on the labelled texts, with their languages and without', async () => {
    expect(js.partNames).toEqual(ref.partNames);
    expect(js.partNames.length).toBeGreaterThan(1);
    const signs = manifest.lexiconCounts ? readLexiconSigns(DEFAULT_MODEL_DIR, manifest.lexiconCounts) : undefined;
    const texts = labelledTexts();
    expect(texts.length).toBeGreaterThan(2000);
    const f = (text: string, lang: string | undefined) => modelFeatures(manifest.featurizer, manifest.architecture.languageRows, signs, text, lang);
    const features = [...texts.map((t) => f(t.text, t.lang)), ...texts.map((t) => f(t.text, undefined)), new Int32Array(0), f('', 'en')];
    expect(features.some((x) => x.some((id) => id >= manifest.featurizer.buckets))).toBe(true);
    const r = await compare(js, ref, features, thresholds);
    expect(r.values).toBeGreaterThan(features.length * 20);
    expect(r.argmaxDiffers).toEqual([]);
    expect(r.decisionsDiffer).toEqual([]);
    expect(r.maxDiff).toBeLessThanOrEqual(TOLERANCE);
  }, 120_000);

  it('gives one part alone as it gives it among all', async () => {
    const features = labelledTexts().slice(0, 100).map((t) => modelFeatures(manifest.featurizer, manifest.architecture.languageRows, undefined, t.text, t.lang));
    const alone = await js.forward(features, ['sentiment']);
    expect([...alone.keys()]).toEqual(['sentiment']);
    expect(alone.get('sentiment')).toEqual((await js.forward(features)).get('sentiment'));
  });
});

describe('small random models', () => {
  const buckets = 512;
  const blocks = 3; // base rows plus two language blocks for the own tables
  /** The same parts each time for one seed. */
  const parts = (seed: number): PartWeights[] => {
    const r = seededRandom(seed);
    const t = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (r() - 0.5) * 4), shape, 'float32');
    const dense = (dim: number, hidden: number, k: number): tf.NamedTensorMap => hidden > 0
      ? { 'hidden/kernel': t([dim, hidden]), 'hidden/bias': t([hidden]), 'output/kernel': t([hidden, k]), 'output/bias': t([k]) }
      : { 'output/kernel': t([dim, k]), 'output/bias': t([k]) };
    return [
      // Own table, sqrt-n pooling over every id (the wide sentiment model).
      { name: 'wide', pooling: 'sqrtn', multiLabel: false, numClasses: 3, weights: { embedding: t([buckets * blocks, 3]), ...dense(3, 0, 3) } },
      // Plain tables: folded (16 -> 4), multi-label folded, a hidden layer, and more classes than dimensions (not folded).
      { name: 'folded', multiLabel: false, numClasses: 4, weights: { embedding: t([buckets, 16]), ...dense(16, 0, 4) } },
      { name: 'multi', multiLabel: true, numClasses: 5, weights: { embedding: t([buckets, 8]), ...dense(8, 0, 5) } },
      { name: 'hidden', multiLabel: false, numClasses: 3, weights: { embedding: t([buckets, 6]), ...dense(6, 5, 3) } },
      { name: 'wider', multiLabel: true, numClasses: 6, weights: { embedding: t([buckets, 4]), ...dense(4, 0, 6) } },
      // Own table with mean pooling (rows other than buckets) and a hidden layer.
      { name: 'ownMean', pooling: 'mean', multiLabel: false, numClasses: 2, weights: { embedding: t([buckets * blocks, 5]), ...dense(5, 4, 2) } },
    ];
  };

  it('match the TF.js forward pass part by part, empty texts and language copies included', async () => {
    const r = seededRandom(7);
    const features = Array.from({ length: 300 }, (_, i) => {
      if (i % 50 === 0) return new Int32Array(0);
      const n = 1 + Math.floor(r() * 40);
      const base = Array.from({ length: n }, () => 1 + Math.floor(r() * (buckets - 1)));
      // Every third text has copies in a language block, as withLanguageRows makes them.
      const block = i % 3 === 0 ? 1 + Math.floor(r() * (blocks - 1)) : 0;
      return Int32Array.from(block > 0 ? [...base, ...base.map((id) => id + block * buckets)] : base);
    });
    const js = new CombinedModel(parts(1), buckets);
    const ref = new TfCombinedModel(parts(1), buckets);
    try {
      expect(js.partNames).toEqual(['wide', 'folded', 'multi', 'hidden', 'wider', 'ownMean']);
      const c = await compare(js, ref, features);
      expect(c.values).toBe(features.length * (3 + 4 + 5 + 3 + 6 + 2));
      expect(c.argmaxDiffers).toEqual([]);
      expect(c.maxDiff).toBeLessThanOrEqual(TOLERANCE);
      // Some parts only, in the model's order.
      const some = await js.forward(features.slice(0, 10), ['hidden', 'wide']);
      expect([...some.keys()]).toEqual(['wide', 'hidden']);
      expect(some.get('hidden')).toEqual((await js.forward(features.slice(0, 10))).get('hidden'));
    } finally {
      js.dispose();
      ref.dispose();
    }
  });

  it('takes ownership of the tensors it was given', () => {
    const p = parts(2);
    const before = tf.memory().numTensors;
    new CombinedModel(p, buckets).dispose();
    expect(tf.memory().numTensors).toBe(before - p.reduce((a, x) => a + Object.keys(x.weights).length, 0));
  });
});
