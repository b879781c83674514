import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, detectLanguage, initBackend, LEXICON_FILE, loadTextScorer, validateManifest, versionWithOffsets, type ClassOffsets, type TextScorer } from '../../engine/model/index.ts';
import { languageBlockOf, sentimentAt } from '../../engine/model/outputs.ts';

const manifest = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown> & { version: string; weightsSha256: string; classOffsets?: ClassOffsets; classScales?: Record<string, number> };
const dirs: string[] = [];

/** A copy of the committed model (main model only) whose manifest holds `offsets`. */
function withOffsets(offsets: ClassOffsets): string {
  const dir = mkdtempSync(join(tmpdir(), 'cxpulse-offsets-'));
  dirs.push(dir);
  copyFileSync(join(DEFAULT_MODEL_DIR, 'weights.bin'), join(dir, 'weights.bin'));
  copyFileSync(join(DEFAULT_MODEL_DIR, LEXICON_FILE), join(dir, LEXICON_FILE));
  const version = versionWithOffsets('sentiment-v1', manifest.weightsSha256, offsets, manifest.classScales);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version, classOffsets: offsets }));
  return dir;
}

describe('sentiment output with class offsets', () => {
  const p = [0.35, 0.45, 0.2];

  it('multiplies each class by e^offset, then the negative class by e^bias, and renormalises', () => {
    const s = sentimentAt(p, 0, 0.5, [0.2, 0, -0.3]);
    const neg = 0.35 * Math.exp(0.7), neu = 0.45, pos = 0.2 * Math.exp(-0.3), z = neg + neu + pos;
    expect(s.label).toBe('negative');
    expect(s.confidence).toBeCloseTo(neg / z, 12);
    expect(s.score).toBeCloseTo((pos - neg) / z, 12);
  });

  it('zero offsets change nothing', () => {
    const a = sentimentAt(p, 0, 0, [0, 0, 0]), b = sentimentAt(p, 0);
    expect(a.label).toBe(b.label);
    expect(a.score).toBeCloseTo(b.score, 12);
    expect(a.confidence).toBeCloseTo(b.confidence, 12);
  });

  it('the language block is read off the features: copies after the base ids, or none', () => {
    const buckets = 100;
    expect(languageBlockOf(Int32Array.from([5, 7, 5 + 300, 7 + 300]), buckets)).toBe(2);
    expect(languageBlockOf(Int32Array.from([5, 7]), buckets)).toBe(-1);
    expect(languageBlockOf(new Int32Array(0), buckets)).toBe(-1);
  });
});

describe('the manifest field and the version', () => {
  it('no offsets (or all zero): the weights version; offsets: another 8-hex version', () => {
    expect(versionWithOffsets('sentiment-v1', manifest.weightsSha256, undefined)).toBe(`sentiment-v1-${manifest.weightsSha256.slice(0, 8)}`);
    expect(versionWithOffsets('sentiment-v1', manifest.weightsSha256, { nb: [0, 0, 0] })).toBe(`sentiment-v1-${manifest.weightsSha256.slice(0, 8)}`);
    const v = versionWithOffsets('sentiment-v1', manifest.weightsSha256, { nb: [0, 0, -0.2] });
    expect(v).toMatch(/^sentiment-v1-[0-9a-f]{8}$/);
    expect(v).not.toBe(`sentiment-v1-${manifest.weightsSha256.slice(0, 8)}`);
    expect(versionWithOffsets('sentiment-v1', manifest.weightsSha256, { nb: [0, 0, -0.3] })).not.toBe(v);
  });

  it('refuses offsets for a language without rows, of the wrong length, or out of range', () => {
    expect(() => validateManifest({ ...manifest, classOffsets: { fr: [0, 0, 0.1] } }, 'm.json')).toThrow(/"fr", which is not one of architecture.languageRows/);
    expect(() => validateManifest({ ...manifest, classOffsets: { nb: [0, 0.1] } }, 'm.json')).toThrow(/classOffsets.nb must be 3 numbers/);
    expect(() => validateManifest({ ...manifest, classOffsets: { nb: [0, 0, 9] } }, 'm.json')).toThrow(/classOffsets.nb must be 3 numbers in \[-5, 5\]/);
    expect(validateManifest({ ...manifest, classOffsets: { nb: [0.2, 0, -0.2] } }, 'm.json').classOffsets).toEqual({ nb: [0.2, 0, -0.2] });
  });
});

describe('loadTextScorer applies the offsets of the text\'s language', () => {
  const text = 'Tack, det löste sig!';
  let plain: TextScorer, shifted: TextScorer, off: TextScorer;
  beforeAll(async () => {
    await initBackend('wasm');
    plain = await loadTextScorer(DEFAULT_MODEL_DIR, { heads: false, classOffsets: false });
    // A large negative offset for Swedish only: a clearly positive Swedish line turns negative.
    const dir = withOffsets({ sv: [5, 0, 0] });
    shifted = await loadTextScorer(dir, { heads: false });
    off = await loadTextScorer(dir, { heads: false, classOffsets: false });
  });
  afterAll(() => {
    for (const s of [plain, shifted, off]) s?.dispose();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('a Swedish text gets the Swedish offsets; the same text as Danish, or with no known language, does not', async () => {
    const [base] = await plain.score([text], ['sv']);
    expect(base!.label).toBe('positive');
    const [sv, da, und] = await shifted.score([text, text, text], ['sv', 'da', 'xx']);
    expect(sv!.label).toBe('negative');
    expect(sv!.score).toBeLessThan(base!.score);
    const [daPlain, undPlain] = await plain.score([text, text], ['da', 'xx']);
    expect(da).toEqual(daPlain);
    expect(und).toEqual(undPlain);
  });

  it('no language given to the scorer: shared rows only and no offsets (the pipeline passes the event\'s language or its guess)', async () => {
    const [none] = await shifted.score([text]);
    expect(none).toEqual((await plain.score([text]))[0]);
    const guess = detectLanguage(text).lang;
    expect(guess).toBe('sv');
    expect((await shifted.score([text], [guess]))[0]!.label).toBe('negative');
  });

  it('predictAll (the pipeline path) scores as predict, and classOffsets: false scores as the plain model', async () => {
    const f = [shifted.featurize(text, 'sv'), shifted.featurize(text, 'da')];
    const all = await shifted.predictAll(f, [text, text], ['sv', 'da']);
    expect(all.map((a) => a.sentiment)).toEqual(await shifted.predict(f));
    expect(await off.score([text], ['sv'])).toEqual(await plain.score([text], ['sv']));
  });

  it('reports the offsets it applies and a version that names them', () => {
    expect(shifted.classOffsets).toEqual({ sv: [5, 0, 0] });
    expect(off.classOffsets).toBeUndefined();
    expect(shifted.version).toBe(versionWithOffsets('sentiment-v1', manifest.weightsSha256, { sv: [5, 0, 0] }, manifest.classScales));
    // Turned off, the folder scores as its weights and its class scales: the version names only those.
    expect(off.version).toBe(versionWithOffsets('sentiment-v1', manifest.weightsSha256, undefined, manifest.classScales));
    expect(plain.version).toBe(manifest.version);
  });
});
