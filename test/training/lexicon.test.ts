import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultFeaturizerSpec, featurizeWith, withLanguageRows } from '../../engine/model/index.ts';
import { lexiconPrior, loadLexicons } from '../../training/sentiment/lexicon.ts';
import { LinearBagTrainer } from '../../training/sentiment/linear.ts';

/** A data folder with tiny lists in each format (words made up, so no real list is copied). */
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cx-lex-'));
  mkdirSync(join(dir, 'lexicons'));
  const put = (f: string, text: string): void => writeFileSync(join(dir, 'lexicons', f), text);
  put('afinn-en-165.txt', 'zorbly\t3\nglumph\t-5\ntwo words\t2\nbland\t0\n');
  put('afinn-da-32.txt', 'flotsk\t2\n');
  put('norsentlex-nb-positive.txt', 'kjekkas\n');
  put('norsentlex-nb-negative.txt', 'surpomp\nsurpompen\n');
  put('sentiws-de-negative.txt', 'Mistding|NN\t-0.0048\tMistdinge,Mistdings\r\nKlasse|NN\t-0.9\t\r\n');
  return dir;
}

describe('word-list prior', () => {
  it('reads the four formats, one word a line, skipping multi-word and zero entries', () => {
    const logs: string[] = [];
    const e = loadLexicons(dataDir(), ['en', 'sv', 'nb', 'da', 'de'], (l) => logs.push(l));
    const by = (lang: string, word: string): number | undefined => e.find((x) => x.lang === lang && x.word === word)?.polarity;
    expect(by('en', 'zorbly')).toBeCloseTo(0.6);
    expect(by('en', 'glumph')).toBe(-1);
    expect(by('en', 'two')).toBeUndefined();
    expect(by('en', 'bland')).toBeUndefined();
    expect(by('da', 'flotsk')).toBeCloseTo(0.4);
    expect(by('nb', 'kjekkas')).toBeGreaterThan(0);
    expect(by('nb', 'surpompen')).toBeLessThan(0);
    // SentiWS: lower-cased head and inflections; small weights get a floor.
    expect(by('de', 'mistdings')).toBeCloseTo(-(0.3 + 0.7 * 0.0048));
    expect(by('de', 'klasse')).toBeCloseTo(-(0.3 + 0.7 * 0.9));
    // The Swedish list is absent: reported, not fatal.
    expect(logs.some((l) => l.includes('afinn-sv-165.txt') && l.includes('not found'))).toBe(true);
  });

  it('starts the listed words in their language block and, weaker, in the shared rows; negated forms flipped', () => {
    const spec = defaultFeaturizerSpec(1 << 12);
    const languageRows = ['en', 'sv', 'nb', 'da', 'de'];
    const entries = [{ lang: 'nb', word: 'surpomp', polarity: -0.6 }];
    const init = lexiconPrior(entries, { spec, languageRows, numClasses: 3, strength: 3, negated: 0.5, shared: 0.5 });
    const trainer = new LinearBagTrainer({ rows: spec.buckets * 6, buckets: spec.buckets, numClasses: 3, lr: 0.1, l2: 0, langDropout: 0, seed: 1, init });
    const feats = (text: string, lang: string): Int32Array => withLanguageRows(featurizeWith(spec, text), spec.buckets, languageRows, lang);
    const p = (text: string, lang: string): number[] => Array.from(trainer.predict([feats(text, lang)]));
    const [negNb, , posNb] = p('surpomp', 'nb');
    const [negEn, , posEn] = p('surpomp', 'en');
    expect(negNb).toBeGreaterThan(posNb!);
    // Shared rows only (another language): the same direction, weaker.
    expect(negEn).toBeGreaterThan(posEn!);
    expect(negNb! - posNb!).toBeGreaterThan(negEn! - posEn!);
    // "ikke surpomp": the negated form leans the other way.
    const [negNot, , posNot] = p('ikke surpomp', 'nb');
    expect(posNot! - negNot!).toBeGreaterThan(posNb! - negNb!);
    // An unlisted word starts at zero: uniform probabilities.
    for (const v of p('kvarts', 'nb')) expect(v).toBeCloseTo(1 / 3);
  });

  it('is off at strength 0 and skips languages without a block', () => {
    const spec = defaultFeaturizerSpec(1 << 12);
    const entries = [{ lang: 'fi', word: 'hyvä', polarity: 1 }, { lang: 'en', word: 'zorbly', polarity: 1 }];
    expect(lexiconPrior(entries, { spec, languageRows: ['en'], numClasses: 3, strength: 3, negated: 0.5, shared: 0 }).length).toBe(2 * 6);
    expect(Array.from(lexiconPrior(entries, { spec, languageRows: ['en'], numClasses: 3, strength: 0, negated: 0.5, shared: 0 })).every((v, i) => i % 3 !== 2 || v === 0)).toBe(true);
  });
});
