import { describe, expect, it } from 'vitest';
import { featurizeWith, defaultFeaturizerSpec, tokenize } from '../../engine/model/index.ts';
import { classificationReport, macroF1, reportFromConfusion } from '../../training/eval/metrics.ts';
import { DEFAULT_HYPER, parseHyper, resolveHyper } from '../../training/sentiment/config.ts';
import { qualityBars, perLanguage } from '../../training/sentiment/card-sections.ts';
import { renderAblation, type TrainReport } from '../../training/sentiment/index.ts';
import { parseDelimited } from '../../training/eval/csv.ts';
import { quantizeUint8 } from '../../training/sentiment/export.ts';
import { fitTemperature } from '../../training/sentiment/calibrate.ts';

describe('metrics', () => {
  it('computes confusion, per-class P/R/F1 and macro-F1', () => {
    const r = classificationReport([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], ['neg', 'neu', 'pos']);
    expect(r.confusion).toEqual([[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
    expect(r.accuracy).toBeCloseTo(4 / 6);
    expect(r.perClass[1]).toMatchObject({ label: 'neu', precision: 2 / 3, recall: 1, support: 2 });
    expect(r.macroF1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3);
  });

  it('leaves classes absent from truth and prediction out of macro-F1', () => {
    expect(macroF1([[3, 0, 1], [0, 0, 0], [1, 0, 3]])).toBeCloseTo(0.75);
  });
});

describe('parseDelimited', () => {
  it('handles quotes, escaped quotes, embedded newlines and other quote characters', () => {
    expect(parseDelimited('a,b\n"x, ""y""",2\r\n"multi\nline",3\n')).toEqual([['a', 'b'], ['x, "y"', '2'], ['multi\nline', '3']]);
    expect(parseDelimited('|a, b|,1\nc,2', { quote: '|' })).toEqual([['a, b', '1'], ['c', '2']]);
    expect(parseDelimited('he said "hi"\t1', { delimiter: '\t', quote: '' })).toEqual([['he said "hi"', '1']]);
  });

  it('names the file and line of an unclosed quote', () => {
    expect(() => parseDelimited('a,b\nok,1\n"never closed,2\n', { file: 'sv-twitter/train.csv' })).toThrow(/^sv-twitter\/train\.csv: line \d+: .*[Qq]uote/);
  });
});

describe('featurizer', () => {
  it('marks the words after a negator in each language, and before a post-verbal one', () => {
    const neg = (t: string): string[] => tokenize(t).filter((x) => x.neg).map((x) => x.text);
    expect(neg("I don't like it. Fine")).toEqual(['like', 'it']);
    expect(neg('Det var inte bra')).toEqual(['det', 'var', 'bra']);
    expect(neg('Det er ikke godt, men ok')).toEqual(['det', 'er', 'godt']);
    expect(neg('Das ist nicht gut aber billig')).toEqual(['das', 'ist', 'gut']);
    // Verb-second: the verb comes before the negation.
    expect(neg('Es funktioniert nicht.')).toEqual(['es', 'funktioniert']);
    expect(neg('Ja, das gefällt mir nicht')).toEqual(['gefällt', 'mir']);
    expect(neg('Appen fungerar inte')).toEqual(['appen', 'fungerar']);
    // Not across a clause break or a contrast word.
    expect(neg('Billigt men fungerar inte')).toEqual(['fungerar']);
    expect(neg('Leveransen var snabb. Inte bra förpackad')).toEqual(['bra', 'förpackad']);
  });

  it('gives intensifiers no features of their own, only bigrams', () => {
    const spec = defaultFeaturizerSpec();
    expect(tokenize('Helt elendigt').map((t) => t.intensifier === true)).toEqual([true, false]);
    expect(featurizeWith(spec, 'helt')).toHaveLength(0);
    expect(featurizeWith(spec, 'sehr')).toHaveLength(0);
    const alone = new Set(featurizeWith(spec, 'elendigt'));
    const both = featurizeWith(spec, 'helt elendigt');
    expect(both.length).toBe(alone.size + 1); // + the bigram "helt elendigt"
    for (const id of alone) expect(both).toContain(id);
  });

  it('gives ids in [1, buckets) and respects maxFeatures', () => {
    const spec = defaultFeaturizerSpec(1000, 50);
    const ids = featurizeWith(spec, 'a fairly long sentence with many different words to featurize here');
    expect(ids.length).toBe(50);
    for (const id of ids) expect(id >= 1 && id < 1000).toBe(true);
  });
});

describe('export helpers', () => {
  it('uint8 quantization keeps zeros exact and errors within half a step', () => {
    const v = Float32Array.from([0, -1.5, 0.25, 2, 0, 1e-3]);
    const q = quantizeUint8(v);
    const back = Array.from(q.bytes, (b) => b * q.scale + q.min);
    expect(back[0]).toBe(0);
    expect(back[4]).toBe(0);
    back.forEach((x, i) => expect(Math.abs(x - v[i]!)).toBeLessThanOrEqual(q.scale / 2 + 1e-9));
  });

  it('temperature scaling softens over-confident logits', () => {
    // Always 10 logits apart but right only 70% of the time: the best T is well above 1.
    const labels = Array.from({ length: 100 }, (_, i) => (i % 10 < 7 ? 0 : 1));
    const logits = Float32Array.from(labels.flatMap(() => [10, 0, 0]));
    expect(fitTemperature(logits, labels)).toBeGreaterThan(5);
  });
});

describe('hyper-parameters', () => {
  it('parses overrides, set weights included, and keeps the featurizer fixed', () => {
    const over = parseHyper('dim=48, hidden=16,featureDropout=0.3,set.nb-norec-sentence=2');
    expect(over).toEqual({ dim: 48, hidden: 16, featureDropout: 0.3, setWeights: { 'nb-norec-sentence': 2 } });
    const hp = resolveHyper(over);
    expect(hp).toMatchObject({ dim: 48, hidden: 16, buckets: DEFAULT_HYPER.buckets, maxFeatures: DEFAULT_HYPER.maxFeatures });
    expect(hp.setWeights['nb-norec-sentence']).toBe(2);
    expect(resolveHyper()).toEqual(DEFAULT_HYPER);
  });

  it('refuses unknown keys, featurizer fields and bad values clearly', () => {
    expect(() => parseHyper('buckets=1024')).toThrow(/unknown hyper-parameter buckets/);
    expect(() => parseHyper('dim')).toThrow(/expected key=value/);
    expect(() => parseHyper('lr=-1')).toThrow(/not a non-negative number/);
    expect(() => parseHyper('lr=abc')).toThrow(/not a non-negative number/);
    expect(() => parseHyper('hidden=1.5')).toThrow(/must be an integer/);
    expect(() => parseHyper('dim=0')).toThrow(/at least 1/);
  });
});

describe('model card sections', () => {
  const set = (name: string, lang: string, confusion: number[][], binary = false) => {
    const r = reportFromConfusion(confusion, ['negative', 'neutral', 'positive']);
    return { name, lang, heldOut: 'x', binary, trainExamples: 1, ...r };
  };

  it('pools a language over its 3-class sets by summing confusion matrices', () => {
    const a = set('sv-a', 'sv', [[8, 2, 0], [1, 8, 1], [0, 2, 8]]);
    const b = set('sv-b', 'sv', [[2, 0, 0], [0, 2, 0], [0, 0, 2]]);
    const [sv] = perLanguage([a, b, set('en-bin', 'en', [[5, 0, 0], [0, 0, 0], [0, 0, 5]], true)]);
    expect(sv).toMatchObject({ lang: 'sv', sets: ['sv-a', 'sv-b'], n: 36 });
    expect(sv!.macroF1).toBeCloseTo(reportFromConfusion([[10, 2, 0], [1, 10, 1], [0, 2, 10]], ['n', 'u', 'p']).macroF1);
  });

  it('states each issue bar as met or not met from the figures', () => {
    const base = { lang: 'en', binary: true, n: 10, marginOverBest: 0.1 };
    const text = qualityBars({
      sets: [set('nb-norec-sentence', 'nb', [[6, 4, 0], [0, 10, 0], [0, 4, 6]]), set('sv-x', 'sv', [[10, 0, 0], [0, 10, 0], [0, 0, 10]])],
      baselines: [{ ...base, name: 'en-uci-amazon', systems: [{ name: 'm', accuracy: 0.8, macroF1: 0.8 }, { name: 'a', accuracy: 0.7, macroF1: 0.7 }, { name: 'v', accuracy: 0.7, macroF1: 0.7 }] }],
    } as unknown as TrainReport);
    expect(text).toContain('model macro-F1 0.800 (bar 0.70: met)');
    expect(text).toContain('margin over the better lexicon 0.100 (bar 0.15: **not met**)');
    expect(text).toMatch(/Norwegian \(NoReC `dev`\): macro-F1 0\.\d{3} \(bar 0\.60: met\)/);
    expect(text).toContain('pooled macro-F1 1.000 (bar 0.60: met)');
  });
});

describe('ablation table', () => {
  it('shows the full run as is and every other run as its change against it', () => {
    const md = renderAblation([
      { label: 'all sets', macroF1: { a: 0.7, b: 0.5 }, negRecall: { 'en-tweeteval': 0.7 }, validMean: 0.6 },
      { label: 'without a', macroF1: { a: 0.65, b: 0.51 }, negRecall: { 'en-tweeteval': 0.72 }, validMean: 0.59 },
    ], 42);
    expect(md).toContain('| run | a | b | en-tweeteval neg. recall |');
    expect(md).toContain('| all sets | 0.700 | 0.500 | 0.700 |');
    expect(md).toContain('| without a | 0.650 (-0.050) | 0.510 (+0.010) | 0.720 (+0.020) |');
    expect(md).toContain('seed 42');
  });
});
