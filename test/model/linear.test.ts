import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMOTION_LABELS } from '../../engine/event/types.ts';
import { defaultFeaturizerSpec, featurizeWith, initBackend, loadTextScorer, rowLanguage, withLanguageRows } from '../../engine/model/index.ts';
import { validateManifest } from '../../engine/model/manifest.ts';
import { forwardLogits } from '../../training/sentiment/calibrate.ts';
import { exportModel } from '../../training/sentiment/export.ts';
import { exportHead } from '../../training/heads/export.ts';
import { LinearBagTrainer } from '../../training/sentiment/linear.ts';
import type { TrainItem } from '../../training/sentiment/trainer.ts';

const dirs: string[] = [];
beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const SPEC = defaultFeaturizerSpec(4096, 64);
const LANGS = ['en', 'sv'];
const feats = (text: string, lang?: string): Int32Array => withLanguageRows(featurizeWith(SPEC, text), SPEC.buckets, LANGS, lang);

describe('language rows', () => {
  it('append each base id shifted into the block of the text language, and nothing for other languages', () => {
    const base = featurizeWith(SPEC, 'bra jobbat');
    const sv = feats('bra jobbat', 'sv');
    expect(sv.length).toBe(base.length * 2);
    expect([...sv.subarray(0, base.length)]).toEqual([...base]);
    expect([...sv.subarray(base.length)]).toEqual([...base].map((id) => id + 2 * SPEC.buckets));
    expect([...feats('bra jobbat', 'EN-gb').subarray(base.length)]).toEqual([...base].map((id) => id + SPEC.buckets));
    expect(feats('bra jobbat', 'fi')).toEqual(base);
    expect(feats('bra jobbat')).toEqual(base);
    expect(feats('', 'sv').length).toBe(0);
  });

  it('Norwegian variants share the Bokmål block', () => {
    expect(rowLanguage('no')).toBe('nb');
    expect(rowLanguage('nn-NO')).toBe('nb');
    expect(rowLanguage('da')).toBe('da');
    expect(rowLanguage(undefined)).toBeUndefined();
  });
});

/**
 * A task where one word means opposite things in two languages ("bra": good in Swedish; here,
 * by construction, bad in English): only the language blocks can tell them apart.
 */
function toyItems(): TrainItem[] {
  const items: TrainItem[] = [];
  for (let i = 0; i < 40; i++) {
    items.push({ features: feats(`bra ${i % 7}`, 'sv'), label: 2, weight: 1 });
    items.push({ features: feats(`bra ${i % 7}`, 'en'), label: 0, weight: 1 });
    items.push({ features: feats(`okay ${i % 5}`, i % 2 ? 'en' : 'sv'), label: 1, weight: 1 });
  }
  return items;
}

describe('LinearBagTrainer', () => {
  it('learns what a word means per language, and the exported model scores as the trainer does', async () => {
    const t = new LinearBagTrainer({ rows: SPEC.buckets * 3, buckets: SPEC.buckets, numClasses: 3, lr: 0.3, l2: 0, langDropout: 0, seed: 3 });
    const items = toyItems();
    const first = t.trainBatch(items);
    let last = first;
    for (let e = 0; e < 20; e++) last = t.trainBatch(items);
    expect(last).toBeLessThan(first / 4);
    const probe = [feats('bra', 'sv'), feats('bra', 'en'), feats('okay', 'sv')];
    const p = t.predict(probe);
    const argmax = (i: number) => [0, 1, 2].reduce((b, c) => (p[i * 3 + c]! > p[i * 3 + b]! ? c : b), 0);
    expect([argmax(0), argmax(1), argmax(2)]).toEqual([2, 0, 1]);

    // The plain-JS forward of the snapshot (used for calibration) matches the trainer.
    const w = t.snapshot();
    const z = forwardLogits(w, probe, 'sqrtn');
    const soft = (i: number) => { const e = [0, 1, 2].map((c) => Math.exp(z[i * 3 + c]!)); const s = e[0]! + e[1]! + e[2]!; return e.map((v) => v / s); };
    for (let i = 0; i < probe.length; i++) for (let c = 0; c < 3; c++) expect(soft(i)[c]).toBeCloseTo(p[i * 3 + c]!, 5);

    // Through the real loader (uint8 weights, TF.js sqrt-n pooling over the language rows).
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-linear-'));
    dirs.push(dir);
    await exportModel({ outDir: dir, name: 'sentiment-toy', featurizer: SPEC, weights: w, training: {},
      architecture: { type: 'embedding-bag', pooling: 'sqrtn', dim: 3, hidden: 0, languageRows: LANGS } });
    const s = await loadTextScorer(dir);
    expect(s.featurize('bra', 'sv')).toEqual(feats('bra', 'sv'));
    const scores = await s.score(['bra', 'bra', 'okay'], ['sv', 'en', 'sv']);
    expect(scores.map((x) => x.label)).toEqual(['positive', 'negative', 'neutral']);
    const probs = await s.predict(probe);
    for (let i = 0; i < probe.length; i++) expect(probs[i]!.score).toBeCloseTo(p[i * 3 + 2]! - p[i * 3]!, 1);
    s.dispose();
  });

  it('language-row dropout keeps a text of an unknown language scored by the shared rows', () => {
    const t = new LinearBagTrainer({ rows: SPEC.buckets * 3, buckets: SPEC.buckets, numClasses: 3, lr: 0.3, l2: 0, langDropout: 0.5, seed: 5 });
    const items: TrainItem[] = [];
    for (let i = 0; i < 60; i++) {
      items.push({ features: feats(`great ${i % 4}`, i % 2 ? 'en' : 'sv'), label: 2, weight: 1 });
      items.push({ features: feats(`awful ${i % 4}`, i % 2 ? 'en' : 'sv'), label: 0, weight: 1 });
    }
    for (let e = 0; e < 10; e++) t.trainBatch(items);
    const p = t.predict([feats('great', 'fi'), feats('awful')]);
    expect(p[2]!).toBeGreaterThan(p[0]!);
    expect(p[3]!).toBeGreaterThan(p[5]!);
  });

  it('training-only options: a binary text leaves the neutral column alone; rows from normBelow do not change the served scale', () => {
    const cfg = { rows: SPEC.buckets * 3 + 8, buckets: SPEC.buckets, numClasses: 3, lr: 0.3, l2: 0, langDropout: 0, seed: 5 };
    const f = feats('great service', 'en');
    const t = new LinearBagTrainer(cfg);
    t.trainBatch([{ features: f, label: 2, weight: 1, classes: [0, 2] }]);
    const w = t.snapshot()[0]!.values;
    for (const id of f) {
      expect(w[id * 3 + 1]).toBe(0);
      expect(w[id * 3 + 2]!).toBeGreaterThan(0);
    }
    // An extra training-only id (normBelow) gets weight but does not count in sqrt(n): the served ids learn as without it.
    const extra = SPEC.buckets * 3;
    const a = new LinearBagTrainer({ ...cfg, normBelow: extra });
    const b = new LinearBagTrainer(cfg);
    a.trainBatch([{ features: Int32Array.from([...f, extra]), label: 0, weight: 1 }]);
    b.trainBatch([{ features: f, label: 0, weight: 1 }]);
    const wa = a.snapshot()[0]!.values, wb = b.snapshot()[0]!.values;
    for (const id of f) expect(wa[id * 3]).toBeCloseTo(wb[id * 3]!, 6);
    expect(wa[extra * 3]!).toBeGreaterThan(0);
    // Label smoothing 0 and focal gamma 0 are the plain loss.
    const c = new LinearBagTrainer({ ...cfg, labelSmoothing: 0, focalGamma: 0, classLr: [1, 1, 1] });
    c.trainBatch([{ features: f, label: 0, weight: 1 }]);
    expect([...c.snapshot()[0]!.values]).toEqual([...wb]);
  });
});

describe('a main model with language rows beside a mean-pooled head', () => {
  it('the head sees the base ids only, whatever the language', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-linear-head-'));
    dirs.push(dir);
    const rows = SPEC.buckets * 3;
    const emb = new Float32Array(rows * 3);
    // Only the Swedish copy of "tack" carries weight: positive in Swedish, nothing elsewhere.
    for (const id of feats('tack', 'sv').filter((x) => x >= 2 * SPEC.buckets)) emb[id * 3 + 2] = 2;
    const eye = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    await exportModel({ outDir: dir, name: 'sentiment-toy', featurizer: SPEC, training: {},
      architecture: { type: 'embedding-bag', pooling: 'sqrtn', dim: 3, hidden: 0, languageRows: LANGS },
      weights: [{ name: 'embedding', shape: [rows, 3], values: emb }, { name: 'output/kernel', shape: [3, 3], values: eye }, { name: 'output/bias', shape: [3], values: Float32Array.from([0, 0.5, 0]) }] });
    const k = EMOTION_LABELS.length;
    const hemb = new Float32Array(SPEC.buckets * 2);
    for (const id of featurizeWith(SPEC, 'tack')) hemb[id * 2] = 4;
    const kernel = new Float32Array(2 * k);
    kernel[EMOTION_LABELS.indexOf('gratitude')] = 1;
    await exportHead({ outDir: join(dir, 'heads', 'emotion'), head: 'emotion', labels: EMOTION_LABELS, featurizer: SPEC, dim: 2, thresholds: new Array(k).fill(0.5), training: {},
      weights: [{ name: 'embedding', shape: [SPEC.buckets, 2], values: hemb }, { name: 'output/kernel', shape: [2, k], values: kernel }, { name: 'output/bias', shape: [k], values: new Float32Array(k).fill(-2) }] });
    const s = await loadTextScorer(dir);
    const [sv, en] = await s.predictAll([s.featurize('tack', 'sv'), s.featurize('tack', 'en')]);
    expect(sv!.sentiment.label).toBe('positive');
    expect(en!.sentiment.label).toBe('neutral');
    const g = EMOTION_LABELS.indexOf('gratitude');
    expect(sv!.emotion!.probs[EMOTION_LABELS[g]!]).toBeCloseTo(en!.emotion!.probs[EMOTION_LABELS[g]!], 5);
    expect(sv!.emotion!.labels).toContain('gratitude');
    s.dispose();
  });
});

describe('manifest checks for the linear model', () => {
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'cxpulse-linear-manifest-'));
    dirs.push(d);
    return d;
  };

  it('refuses an unknown pooling, malformed language rows and a table without room for them', async () => {
    const d = dir();
    const rows = SPEC.buckets * 3;
    await exportModel({ outDir: d, name: 'sentiment-toy', featurizer: SPEC, training: {},
      architecture: { type: 'embedding-bag', pooling: 'sqrtn', dim: 3, hidden: 0, languageRows: LANGS },
      weights: [{ name: 'embedding', shape: [rows, 3], values: new Float32Array(rows * 3) }, { name: 'output/kernel', shape: [3, 3], values: new Float32Array(9) }, { name: 'output/bias', shape: [3], values: new Float32Array(3) }] });
    const file = join(d, 'manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8'));
    expect(() => validateManifest(m, file)).not.toThrow();
    expect(() => validateManifest({ ...m, architecture: { ...m.architecture, pooling: 'max' } }, file)).toThrow(/pooling "max" is not "mean" or "sqrtn"/);
    expect(() => validateManifest({ ...m, architecture: { ...m.architecture, languageRows: ['en', 'en'] } }, file)).toThrow(/languageRows must be/);
    expect(() => validateManifest({ ...m, architecture: { ...m.architecture, languageRows: ['English'] } }, file)).toThrow(/languageRows must be/);
    expect(() => validateManifest({ ...m, architecture: { ...m.architecture, languageRows: ['en', 'sv', 'de'] } }, file)).toThrow(/"embedding" has shape \[12288,3\], expected \[16384,3\]/);
    // The loader names the file.
    writeFileSync(file, JSON.stringify({ ...m, architecture: { ...m.architecture, languageRows: ['en'] } }));
    await expect(loadTextScorer(d)).rejects.toThrow(/invalid model manifest .*manifest\.json: weight "embedding" has shape/);
  });
});
