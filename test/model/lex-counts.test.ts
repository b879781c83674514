import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL_DIR, defaultFeaturizerSpec, featurizeWith, initBackend, lexCountIds, lexiconSigns, loadTextScorer, modelFeatures, tokenize, wordHash,
  type LexiconHashesFile,
} from '../../engine/model/index.ts';

const spec = defaultFeaturizerSpec();
const blocks = ['en', 'sv', 'nb', 'da', 'de', 'mul'];
const file: LexiconHashesFile = { about: 'test', hash: 'fnv1a32', languages: { nb: { positive: [wordHash('bra'), wordHash('flott')], negative: [wordHash('dårlig')] } } };
const signs = lexiconSigns(file);

describe('word-list counts (lexCounts.ts)', () => {
  const ids = (text: string): number[] => lexCountIds(tokenize(text), signs.get('nb')!, spec.buckets, 2);
  const same = (a: string, b: string): boolean => JSON.stringify(ids(a)) === JSON.stringify(ids(b));

  it('counts positive and negative hits, and a negated word for the other side', () => {
    expect(same('bra og flott', 'flott, bra')).toBe(true);
    expect(same('bra', 'flott')).toBe(true);
    expect(same('bra', 'dårlig')).toBe(false);
    // "ikke bra" counts as a negative hit: the same features as "dårlig".
    expect(same('ikke bra', 'dårlig')).toBe(true);
    expect(same('helt ukjent tekst', 'ingenting her')).toBe(true);
  });

  it('the three ids sit in the language block (the heads, reading the base ids, never see them)', () => {
    for (const id of ids('bra')) {
      expect(id).toBeGreaterThanOrEqual(3 * spec.buckets);
      expect(id).toBeLessThan(4 * spec.buckets);
    }
  });

  it('modelFeatures: base ids, the block copies, then the counts, only for a language with a list', () => {
    const text = 'Det var bra';
    const base = featurizeWith(spec, text);
    const nb = modelFeatures(spec, blocks, signs, text, 'nb');
    expect(nb.length).toBe(base.length * 2 + 3);
    expect([...nb.slice(0, base.length)]).toEqual([...base]);
    expect([...nb.slice(base.length, 2 * base.length)]).toEqual([...base].map((x) => x + 3 * spec.buckets));
    expect(modelFeatures(spec, blocks, signs, text, 'da').length).toBe(base.length * 2);
    expect(modelFeatures(spec, blocks, signs, text, undefined)).toEqual(base);
    expect(modelFeatures(spec, blocks, undefined, text, 'nb').length).toBe(base.length * 2);
    expect(modelFeatures(spec, blocks, signs, '', 'nb').length).toBe(0);
  });
});

describe('a model folder with word-list counts', () => {
  const manifest = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown> & { lexiconCounts?: { file: string; sha256: string } };
  const dirs: string[] = [];
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('the shipped model has them, and its scorer adds the count ids for a language with a list', async () => {
    expect(manifest.lexiconCounts?.file).toBe('lexicon.json');
    const s = await loadTextScorer(DEFAULT_MODEL_DIR, { heads: false });
    const text = 'Det var ikke bra i det hele tatt';
    expect(s.featurize(text, 'nb').length).toBe(featurizeWith(spec, text).length * 2 + 3);
    s.dispose();
  });

  it('refuses a word-list file that does not match the manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-lex-'));
    dirs.push(dir);
    copyFileSync(join(DEFAULT_MODEL_DIR, 'weights.bin'), join(dir, 'weights.bin'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'lexicon.json'), JSON.stringify(file));
    await expect(loadTextScorer(dir, { heads: false })).rejects.toThrow(`invalid word-list file ${join(dir, 'lexicon.json')}: SHA-256 does not match`);
    rmSync(join(dir, 'lexicon.json'));
    await expect(loadTextScorer(dir, { heads: false })).rejects.toThrow(/word-list file .* is unreadable \(ENOENT\)/);
  });
});
