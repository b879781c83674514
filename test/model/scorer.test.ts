import { describe, expect, it } from 'vitest';
import { SENTIMENT_LABELS } from '../../engine/event/types.ts';
import { DEFAULT_MODEL_DIR, activeBackend, loadTextScorer } from '../../engine/model/index.ts';
import { SENTIMENT_FIXTURES } from './fixtures.ts';
import { useCommittedTextScorer } from '../helpers/model.ts';

const scorer = useCommittedTextScorer();

describe('committed sentiment model', () => {
  it('loads from models/sentiment on the wasm backend with a version', () => {
    expect(DEFAULT_MODEL_DIR.endsWith('models/sentiment')).toBe(true);
    if (!process.env['CXPULSE_TF_BACKEND']) expect(scorer().backend).toBe('wasm');
    expect(activeBackend()).toBe(scorer().backend);
    // With heads committed under models/sentiment/heads the version carries their hash (heads.test.ts).
    expect(scorer().version).toMatch(/^sentiment-v1-[0-9a-f]{8}(\+[0-9a-f]{8})?$/);
  });

  // What the code guarantees, not which sentences the current weights get right: the quality
  // gate (quality-gate.test.ts) is what fails a worse model.
  it('puts the positive hand-written sentences above the negative ones on average, in every language (label order)', async () => {
    for (const [lang, cases] of Object.entries(SENTIMENT_FIXTURES)) {
      const scores = await scorer().score(cases.map((c) => c[1]), cases.map(() => lang));
      const mean = (p: string) => {
        const xs = scores.filter((_, i) => cases[i]![0] === p).map((s) => s.score);
        return xs.reduce((a, x) => a + x, 0) / xs.length;
      };
      expect(mean('positive') - mean('negative'), lang).toBeGreaterThan(0.3);
    }
  });

  it('negation lowers the score of a positive statement in every language', async () => {
    const pairs: [string, string, string][] = [
      ['en', 'This is good.', 'This is not good.'],
      ['en', 'I am happy with the service.', 'I am not happy with the service.'],
      ['sv', 'Det är bra.', 'Det är inte bra.'],
      ['sv', 'Jag är nöjd med tjänsten.', 'Jag är inte nöjd med tjänsten.'],
      ['nb', 'Det er bra.', 'Det er ikke bra.'],
      ['nb', 'Jeg er fornøyd med tjenesten.', 'Jeg er ikke fornøyd med tjenesten.'],
      ['da', 'Det er godt.', 'Det er ikke godt.'],
      ['da', 'Jeg er glad for servicen.', 'Jeg er ikke glad for servicen.'],
      ['de', 'Das ist gut.', 'Das ist nicht gut.'],
      ['de', 'Ich bin mit dem Service zufrieden.', 'Ich bin mit dem Service nicht zufrieden.'],
    ];
    const plain = await scorer().score(pairs.map((p) => p[1]), pairs.map((p) => p[0]));
    const negated = await scorer().score(pairs.map((p) => p[2]), pairs.map((p) => p[0]));
    const notLower = pairs.filter((_, i) => !(negated[i]!.score < plain[i]!.score)).map((p) => `${p[0]}: ${p[2]}`);
    expect(notLower).toEqual([]);
  });

  it('labels follow the probabilities: positive never has a negative score, negative never a positive one', async () => {
    const texts = Object.values(SENTIMENT_FIXTURES).flat().map((c) => c[1]);
    for (const s of await scorer().score(texts)) {
      if (s.label === 'positive') expect(s.score).toBeGreaterThanOrEqual(0);
      if (s.label === 'negative') expect(s.score).toBeLessThanOrEqual(0);
    }
  });

  it('is deterministic: the same texts give the same scores', async () => {
    const texts = Object.values(SENTIMENT_FIXTURES).flat().map((c) => c[1]);
    expect(await scorer().score(texts)).toEqual(await scorer().score(texts));
  });

  it('uses the language rows of en, sv, nb, da and de, and the shared weights for any other language', async () => {
    const text = 'Leveransen kom i tid.';
    const base = scorer().featurize(text);
    const sv = scorer().featurize(text, 'sv');
    // The copies in the Swedish block, then its three word-list count features (lexCounts.ts).
    expect(sv.length).toBe(2 * base.length + 3);
    expect(Array.from(sv.subarray(0, base.length))).toEqual(Array.from(base));
    for (const lang of ['fr', 'und', undefined]) expect(Array.from(scorer().featurize(text, lang))).toEqual(Array.from(base));
    // Norwegian under its other tags reads the nb rows; every language block is a different row range.
    expect(Array.from(scorer().featurize(text, 'no'))).toEqual(Array.from(scorer().featurize(text, 'nb')));
    const blocks = ['en', 'sv', 'nb', 'da', 'de'].map((l) => scorer().featurize(text, l)[base.length]);
    expect(new Set(blocks).size).toBe(5);
    const [withRows, without] = [await scorer().score([text], ['sv']), await scorer().score([text], ['fr'])];
    expect(withRows[0]!.score).not.toBe(without[0]!.score);
  });

  it('returns well-formed scores', async () => {
    const scores = await scorer().score(['ok', '', '👍', 'The parcel arrived on Tuesday.', 'x'.repeat(5000)]);
    expect(scores).toHaveLength(5);
    for (const s of scores) {
      expect(SENTIMENT_LABELS).toContain(s.label);
      expect(s.score).toBeGreaterThanOrEqual(-1);
      expect(s.score).toBeLessThanOrEqual(1);
      expect(s.confidence).toBeGreaterThanOrEqual(1 / 3 - 1e-6);
      expect(s.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('predict on an empty batch returns []', async () => {
    expect(await scorer().predict([])).toEqual([]);
    expect(await scorer().score([])).toEqual([]);
  });

  it('predict in one batch equals predict one by one', async () => {
    const texts = ['Great, thanks!', 'Terrible.', 'Det var inte bra alls, tyvärr, och leveransen kom för sent.'];
    const batch = await scorer().predict(texts.map((t) => scorer().featurize(t)));
    for (const [i, t] of texts.entries()) {
      const [single] = await scorer().predict([scorer().featurize(t)]);
      expect(single!.label).toBe(batch[i]!.label);
      expect(single!.score).toBeCloseTo(batch[i]!.score, 5);
    }
  });

  it('featurize is deterministic, bounded and in range', () => {
    const text = 'Not good at all!!! 😡 Jag är INTE nöjd, ikke fornøyd, nicht zufrieden. https://x.y/z @someone';
    const a = scorer().featurize(text);
    expect(Array.from(scorer().featurize(text))).toEqual(Array.from(a));
    expect(a.length).toBeGreaterThan(0);
    expect(new Set(a).size).toBe(a.length);
    for (const id of a) expect(id).toBeGreaterThan(0);
    expect(scorer().featurize('')).toHaveLength(0);
    expect(scorer().featurize('lorem ipsum dolor '.repeat(2000)).length).toBeLessThanOrEqual(1024);
  });

  it('rejects use after dispose', async () => {
    const other = await loadTextScorer();
    other.dispose();
    await expect(other.score(['hi'])).rejects.toThrow(/disposed/);
  });
});
