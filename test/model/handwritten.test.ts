import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HANDWRITTEN_SET, loadHandwrittenSet, loadSeedSet, SEED_SET } from '../../training/sentiment/data.ts';
import { SENTIMENT_FIXTURES } from './fixtures.ts';

const norm = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N} ]/gu, '').replace(/\s+/g, ' ').trim();

describe('the hand-written customer-service test set', () => {
  const seed = loadHandwrittenSet();

  it('has 20 lines per language and label, all of them test lines (never trained on)', () => {
    expect(seed.name).toBe(HANDWRITTEN_SET);
    expect(seed.outOfDomain).toBe(true);
    expect(seed.train).toEqual([]);
    expect(seed.valid).toEqual([]);
    for (const lang of ['en', 'sv', 'nb', 'da', 'de']) {
      for (const label of [0, 1, 2]) expect(seed.test.filter((e) => e.lang === lang && e.label === label)).toHaveLength(20);
    }
  });

  it('shares no sentence with the test fixtures or the signals test set, and none twice', () => {
    const all = seed.test.map((e) => norm(e.text));
    expect(new Set(all).size).toBe(all.length);
    const fixtures = Object.values(SENTIMENT_FIXTURES).flat().map(([, t]) => norm(t));
    const signals = readFileSync(new URL('../../data/heads/signals.jsonl', import.meta.url), 'utf8')
      .split('\n').filter((l) => l.trim() !== '').map((l) => norm((JSON.parse(l) as { text: string }).text));
    expect(fixtures.length).toBeGreaterThan(40);
    for (const t of [...fixtures, ...signals]) expect(all).not.toContain(t);
  });

  it('names the file and line of a malformed entry', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cxpulse-seed-')), 'bad.jsonl');
    writeFileSync(file, '{"lang":"en","label":"negative","text":"late again"}\n{"lang":"en","label":"angry","text":"x"}\n');
    expect(() => loadHandwrittenSet(file)).toThrow(/bad\.jsonl: row 2: .*angry/);
  });
});

/** Word-set overlap of two normalised texts (Jaccard), to catch near-copies as well as copies. */
function overlap(a: string, b: string): number {
  const A = new Set(a.split(' ')), B = new Set(b.split(' '));
  let common = 0;
  for (const w of A) if (B.has(w)) common++;
  return common / (A.size + B.size - common);
}

describe('the written training seed', () => {
  const seed = loadSeedSet();

  it('is training data only: 25 lines per language and label, no validation or test part', () => {
    expect(seed.name).toBe(SEED_SET);
    expect(seed.valid).toEqual([]);
    expect(seed.test).toEqual([]);
    for (const lang of ['en', 'sv', 'nb', 'da', 'de']) {
      for (const label of [0, 1, 2]) expect(seed.train.filter((e) => e.lang === lang && e.label === label)).toHaveLength(25);
    }
  });

  it('shares no line, and no near-copy, with the hand-written test set or the fixtures', () => {
    const train = seed.train.map((e) => norm(e.text));
    expect(new Set(train).size).toBe(train.length);
    const tests = [
      ...loadHandwrittenSet().test.map((e) => norm(e.text)),
      ...Object.values(SENTIMENT_FIXTURES).flat().map(([, t]) => norm(t)),
    ];
    const close: string[] = [];
    for (const t of train) for (const u of tests) if (overlap(t, u) >= 0.6) close.push(`${t} ~ ${u}`);
    expect(close).toEqual([]);
  });
});
