import { describe, expect, it } from 'vitest';
import { featurizeWith, defaultFeaturizerSpec, tokenize } from '../../engine/model/index.ts';
import { classificationReport, macroF1 } from '../../engine/train/metrics.ts';
import { parseDelimited } from '../../engine/train/csv.ts';
import { quantizeUint8 } from '../../engine/train/export.ts';
import { fitTemperature } from '../../engine/train/calibrate.ts';

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
});

describe('featurizer', () => {
  it('marks the words after a negator in each language', () => {
    const neg = (t: string): string[] => tokenize(t).filter((x) => x.neg).map((x) => x.text);
    expect(neg("I don't like it. Fine")).toEqual(['like', 'it']);
    expect(neg('Det var inte bra')).toEqual(['bra']);
    expect(neg('Det er ikke godt, men ok')).toEqual(['godt']);
    expect(neg('Das ist nicht gut aber billig')).toEqual(['gut']);
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
