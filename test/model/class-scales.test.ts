import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, initBackend, LEXICON_FILE, loadTextScorer, validateManifest, versionWithOffsets, type ClassScales, type ModelManifest, type TextScorer } from '../../engine/model/index.ts';
import { sentimentAt } from '../../engine/model/outputs.ts';

const manifest = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8')) as ModelManifest;
const dirs: string[] = [];

/** A copy of the committed model (main model only) whose manifest holds `scales` (undefined: no field at all). */
function withScales(scales: ClassScales | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'cxpulse-scales-'));
  dirs.push(dir);
  copyFileSync(join(DEFAULT_MODEL_DIR, 'weights.bin'), join(dir, 'weights.bin'));
  copyFileSync(join(DEFAULT_MODEL_DIR, LEXICON_FILE), join(dir, LEXICON_FILE));
  const { classScales: _s, ...rest } = manifest;
  const version = versionWithOffsets('sentiment-v1', manifest.weightsSha256, manifest.classOffsets, scales);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...rest, version, ...(scales ? { classScales: scales } : {}) }));
  return dir;
}

describe('sentiment output with a logit scale', () => {
  const p = [0.35, 0.45, 0.2];

  it('is softmax(s * logits): p^s renormalised; the label stays, the confidence moves', () => {
    for (const s of [0.5, 0.8, 1.3, 2.5]) {
      const out = sentimentAt(p, 0, 0, undefined, s);
      const w = p.map((x) => x ** s), z = w[0]! + w[1]! + w[2]!;
      expect(out.label).toBe('neutral');
      expect(out.confidence).toBeCloseTo(w[1]! / z, 12);
      expect(out.score).toBeCloseTo((w[2]! - w[0]!) / z, 12);
    }
    expect(sentimentAt(p, 0, 0, undefined, 2).confidence).toBeGreaterThan(0.45);
    expect(sentimentAt(p, 0, 0, undefined, 0.5).confidence).toBeLessThan(0.45);
  });

  it('scale 1 changes nothing; the scale comes before the offsets and the negative bias', () => {
    expect(sentimentAt(p, 0, 0, undefined, 1)).toEqual(sentimentAt(p, 0));
    const s = 2, out = sentimentAt(p, 0, 0.3, [0.2, 0, -0.1], s);
    const neg = 0.35 ** s * Math.exp(0.5), neu = 0.45 ** s, pos = 0.2 ** s * Math.exp(-0.1), z = neg + neu + pos;
    expect(out.confidence).toBeCloseTo(Math.max(neg, neu, pos) / z, 12);
    expect(out.score).toBeCloseTo((pos - neg) / z, 12);
  });

  it('does not underflow on a saturated row', () => {
    const out = sentimentAt([1e-300, 1 - 1e-300, 1e-300], 0, 0, undefined, 2.5);
    expect(out.label).toBe('neutral');
    expect(out.confidence).toBe(1);
    expect(Number.isFinite(out.score)).toBe(true);
  });
});

describe('the manifest field', () => {
  const { classScales: _s, ...bare } = manifest;

  it('is optional (absent: 1 for every language) and checked when present', () => {
    expect(validateManifest(bare, 'm.json').classScales).toBeUndefined();
    expect(validateManifest({ ...bare, classScales: { nb: 0.8 } }, 'm.json').classScales).toEqual({ nb: 0.8 });
    expect(() => validateManifest({ ...bare, classScales: { fr: 0.8 } }, 'm.json')).toThrow(/"fr", which is not one of architecture.languageRows/);
    expect(() => validateManifest({ ...bare, classScales: { nb: 0 } }, 'm.json')).toThrow(/classScales.nb must be a number in \[0.1, 10\]/);
    expect(() => validateManifest({ ...bare, classScales: { nb: [1] } }, 'm.json')).toThrow(/classScales.nb/);
  });

  it('names the version only when a scale is not 1; without scales the version is as before', () => {
    const weights = `sentiment-v1-${manifest.weightsSha256.slice(0, 8)}`;
    expect(versionWithOffsets('sentiment-v1', manifest.weightsSha256, undefined, { nb: 1 })).toBe(weights);
    expect(versionWithOffsets('sentiment-v1', manifest.weightsSha256, { sv: [-0.4, 0, 0] }, undefined))
      .toBe(versionWithOffsets('sentiment-v1', manifest.weightsSha256, { sv: [-0.4, 0, 0] }));
    const a = versionWithOffsets('sentiment-v1', manifest.weightsSha256, undefined, { nb: 0.8 });
    expect(a).not.toBe(weights);
    expect(versionWithOffsets('sentiment-v1', manifest.weightsSha256, undefined, { nb: 0.9 })).not.toBe(a);
  });
});

describe('loadTextScorer applies the scale of the text\'s language', () => {
  // A Swedish and a Danish line; scaling Swedish by 2 makes Swedish texts surer and leaves Danish as it was.
  const texts = ['Tack, det löste sig!', 'Leveringen var forsinket og ingen svarede.', 'Jeg har modtaget pakken.'];
  const langs = ['sv', 'da', 'da'];
  let none: TextScorer, scaled: TextScorer, off: TextScorer;
  beforeAll(async () => {
    await initBackend('wasm');
    none = await loadTextScorer(withScales(undefined), { heads: false });
    const dir = withScales({ sv: 2 });
    scaled = await loadTextScorer(dir, { heads: false });
    off = await loadTextScorer(dir, { heads: false, classScales: false });
  });
  afterAll(() => {
    for (const s of [none, scaled, off]) s?.dispose();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('labels unchanged, the Swedish confidence changed as softmax(2 * logits), other languages untouched', async () => {
    const base = await none.score(texts, langs);
    const got = await scaled.score(texts, langs);
    expect(got.map((s) => s.label)).toEqual(base.map((s) => s.label));
    // p^2 renormalised is surer than p whenever the top class is below 1.
    expect(got[0]!.confidence).toBeGreaterThan(base[0]!.confidence);
    expect(got[1]).toEqual(base[1]);
    expect(got[2]).toEqual(base[2]);
    // The same Swedish text as Danish gets no Swedish scale.
    expect((await scaled.score([texts[0]!], ['da']))[0]).toEqual((await none.score([texts[0]!], ['da']))[0]);
  });

  it('predictAll (the pipeline path) scores as predict; classScales: false scores as the unscaled folder', async () => {
    const f = texts.map((t, i) => scaled.featurize(t, langs[i]));
    const all = await scaled.predictAll(f, texts, langs);
    expect(all.map((a) => a.sentiment)).toEqual(await scaled.predict(f));
    expect(await off.score(texts, langs)).toEqual(await none.score(texts, langs));
  });

  it('reports the scales it applies and a version that names them', () => {
    expect(scaled.classScales).toEqual({ sv: 2 });
    expect(off.classScales).toBeUndefined();
    expect(none.classScales).toBeUndefined();
    expect(scaled.version).not.toBe(off.version);
    expect(off.version).toBe(none.version);
  });
});
