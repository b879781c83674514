import { describe, expect, it } from 'vitest';
import { buildResult, formatSummary, formatSystem, polarity } from '../../training/eval/report.ts';
import type { EvalLabel } from '../../training/eval/labels.ts';
import type { Prediction } from '../../training/eval/systems.ts';

const p = (label: EvalLabel, score = 0): Prediction => ({ label, score });

describe('figures on a tiny hand-computed case', () => {
  // truth:     neg neg neg neu neu pos pos pos
  // predicted: neg neg neu neu pos pos pos neg
  // confusion (rows truth): neg [2 1 0]; neu [0 1 1]; pos [1 0 2]
  // precision: neg 2/3, neu 1/2, pos 2/3; recall: neg 2/3, neu 1/2, pos 2/3
  // F1 = precision here; macro-F1 = (2/3 + 1/2 + 2/3) / 3 = 0.6111; accuracy 5/8 = 0.625
  const truth: EvalLabel[] = [0, 0, 0, 1, 1, 2, 2, 2];
  const preds = [p(0), p(0), p(1), p(1), p(2), p(2), p(2), p(0)];
  const langs = ['en', 'en', 'en', 'en', 'sv', 'sv', 'sv', 'sv'];
  const r = buildResult({ name: 'toy', rule: 'r' }, truth, langs, preds, false, 0);

  it('computes the confusion, accuracy and macro-F1', () => {
    expect(r.report.confusion).toEqual([[2, 1, 0], [0, 1, 1], [1, 0, 2]]);
    expect(r.report.accuracy).toBeCloseTo(0.625, 10);
    expect(r.report.macroF1).toBeCloseTo((2 / 3 + 1 / 2 + 2 / 3) / 3, 10);
    expect(r.report.perClass.map((c) => c.support)).toEqual([3, 2, 3]);
  });

  it('prints exactly those figures', () => {
    const text = formatSystem(r, false, 'lang from the file');
    expect(text).toContain('n 8   accuracy 0.625   macro-F1 0.611');
    expect(text).toMatch(/negative\s+0\.667\s+0\.667\s+0\.667\s+3/);
    expect(text).toMatch(/neutral\s+0\.500\s+0\.500\s+0\.500\s+2/);
    const rows = text.split('\n').slice(-4, -1).map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([['negative', '2', '1', '0'], ['neutral', '0', '1', '1'], ['positive', '1', '0', '2']]);
  });

  it('splits by language', () => {
    // en: truth neg neg neg neu / pred neg neg neu neu -> neg F1 0.8, neu F1 2/3, pos absent
    expect(r.perLanguage.map((l) => l.lang)).toEqual(['en', 'sv']);
    expect(r.perLanguage[0]!.macroF1).toBeCloseTo((0.8 + 2 / 3) / 2, 10);
    expect(formatSummary([r], false)).toMatch(/toy\s+8\s+0\.625\s+0\.611\s+0\.733/);
  });
});

describe('binary files', () => {
  it('resolves neutral predictions by the sign of the score in the headline view', () => {
    expect([polarity(p(1, 0.2)), polarity(p(1, -0.1)), polarity(p(1, 0)), polarity(p(2, -0.5))]).toEqual([2, 0, 1, 2]);
    const truth: EvalLabel[] = [0, 0, 2, 2];
    const preds = [p(0, -0.8), p(1, -0.1), p(1, 0.3), p(1, 0)];
    const r = buildResult({ name: 'toy', rule: 'r' }, truth, ['en', 'en', 'en', 'en'], preds, true, 0);
    // polarity: neg neg pos neu -> confusion neg [2 0 0]; pos [0 1 1]
    expect(r.report.confusion).toEqual([[2, 0, 0], [0, 0, 0], [0, 1, 1]]);
    expect(r.report.accuracy).toBe(0.75);
    // neg F1 = 1, pos F1 = 2*1*0.5/1.5 = 2/3; neutral left out of the binary macro-F1
    expect(r.report.macroF1).toBeCloseTo((1 + 2 / 3) / 2, 10);
    // as is: only the first is right; neg F1 = 2/3 (p 1, r 1/2), pos F1 = 0
    expect(r.asIs).toEqual({ accuracy: 0.25, macroF1: 1 / 3, neutralPredictions: 3 });
    const text = formatSystem(r, true, 'lang detected');
    expect(text).not.toMatch(/^neutral/m);
  });
});
