import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { classificationReport } from '../../training/eval/metrics.ts';
import { EVAL_LABELS, type EvalLabel } from '../../training/eval/labels.ts';
import { formatOperatingPoints, operatingPoints, probsOf, threshold, type Probs } from '../../training/eval/operating.ts';
import { evaluateFile } from '../../training/eval/run.ts';
import { sentimentAt } from '../../engine/model/outputs.ts';
import { SENTIMENT_LABELS } from '../../engine/event/types.ts';

/** Labels as the engine chooses them: its own sentimentAt with `bias` on the negative logit. */
function labelsWithBias(probs: readonly Probs[], bias: number): EvalLabel[] {
  return probs.map((p) => SENTIMENT_LABELS.indexOf(sentimentAt(p, 0, bias).label) as EvalLabel);
}

/**
 * True when some text sits within 1e-9 of turning negative at one of the biases: there the two
 * computations (the engine's e^bias product, the thresholds' logarithms) may round to opposite
 * sides, so the comparison says nothing about the method. Exact ties are tested on their own.
 */
function nearTie(probs: readonly Probs[], biases: readonly number[]): boolean {
  return probs.some((p) => {
    const t = threshold(p, false);
    return biases.some((b) => Math.abs(t - b) < 1e-9);
  }) || probs.some((p) => Math.abs(p[1] - p[2]) < 1e-12);
}

const probsArb = fc.tuple(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 1, noNaN: true }))
  .map(([a, b, c]): Probs => [a / (a + b + c), b / (a + b + c), c / (a + b + c)]);
const rowsArb = fc.array(fc.tuple(fc.constantFrom<EvalLabel>(0, 1, 2), probsArb), { minLength: 1, maxLength: 60 });

describe('negative operating points', () => {
  it('recovers the three probabilities from label, confidence and score', () => {
    fc.assert(fc.property(probsArb, (p) => {
      const label = p.indexOf(Math.max(...p)) as EvalLabel;
      const back = probsOf(label, p[label], p[2] - p[0]);
      for (let i = 0; i < 3; i++) expect(back[i]).toBeCloseTo(p[i]!, 9);
    }));
  });

  it('each table row is what scoring with that bias gives (3-class)', () => {
    fc.assert(fc.property(rowsArb, fc.constantFrom(-0.5, 0, 0.7), (rows, scored) => {
      const truth = rows.map((r) => r[0]);
      // Probabilities as a run with bias `scored` would have produced them.
      const probs = rows.map(([, p]): Probs => {
        const e = p[0] * Math.exp(scored), z = e + p[1] + p[2];
        return [e / z, p[1] / z, p[2] / z];
      });
      const op = operatingPoints(truth, probs, false, scored, { shifts: [-1, -0.25, 0, 0.4, 1.3] });
      fc.pre(!nearTie(rows.map((r) => r[1]), op.table.map((pt) => pt.bias)));
      for (const pt of op.table) {
        const pred = labelsWithBias(rows.map((r) => r[1]), pt.bias);
        const r = classificationReport(truth, pred, EVAL_LABELS);
        expect(pt.negPrecision).toBeCloseTo(r.perClass[0]!.precision, 9);
        expect(pt.negRecall).toBeCloseTo(r.perClass[0]!.recall, 9);
        expect(pt.macroF1).toBeCloseTo(r.macroF1, 9);
      }
    }), { numRuns: 200 });
  });

  it('an exact tie counts as the engine decides it: negative over the rest, positive over neutral', () => {
    const even: Probs = [1 / 3, 1 / 3, 1 / 3];
    expect(sentimentAt(even, 0, 0).label).toBe('negative');
    const op = operatingPoints([0, 2], [even, [0.2, 0.4, 0.4]], false, 0, { shifts: [0] });
    expect(op.table[0]).toMatchObject({ negPredicted: 1, negPrecision: 1, negRecall: 1, macroF1: 1 });
    expect(sentimentAt([0.2, 0.4, 0.4], 0, 0).label).toBe('positive');
  });

  it('the point found for a precision meets it and no bias on the grid has more recall at that precision', () => {
    fc.assert(fc.property(rowsArb, fc.double({ min: 0.3, max: 0.95, noNaN: true }), (rows, target) => {
      const truth = rows.map((r) => r[0]), probs = rows.map((r) => r[1]);
      const op = operatingPoints(truth, probs, false, 0, { precisions: [target], recalls: [0.5] });
      const found = op.atPrecision[0]!.point;
      const best = Array.from({ length: 601 }, (_, k) => -3 + k / 100)
        .map((b) => classificationReport(truth, labelsWithBias(probs, b), EVAL_LABELS).perClass[0]!)
        .filter((c) => c.precision >= target && c.recall > 0);
      if (found) {
        expect(found.negPrecision).toBeGreaterThanOrEqual(target);
        expect(Math.max(...best.map((c) => c.recall))).toBeCloseTo(found.negRecall, 9);
      } else {
        expect(best).toHaveLength(0);
      }
      const r = op.atRecall[0]!.point;
      if (r) expect(r.negRecall).toBeGreaterThanOrEqual(0.5);
    }), { numRuns: 60 });
  });

  it('average precision is 1 for a perfect ranking and lower for a reversed one', () => {
    const truth: EvalLabel[] = [0, 0, 1, 2];
    const good: Probs[] = [[0.9, 0.05, 0.05], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]];
    const bad: Probs[] = [[0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.9, 0.05, 0.05], [0.8, 0.1, 0.1]];
    expect(operatingPoints(truth, good, false, 0).averagePrecision).toBe(1);
    expect(operatingPoints(truth, bad, false, 0).averagePrecision).toBeCloseTo((1 / 3 + 2 / 4) / 2, 12);
  });

  it('binary files turn negative when p(negative) passes p(positive), whatever p(neutral)', () => {
    expect(threshold([0.2, 0.7, 0.1], true)).toBeLessThan(0);
    expect(threshold([0.2, 0.7, 0.1], false)).toBeGreaterThan(0);
    const op = operatingPoints([0, 2], [[0.2, 0.7, 0.1], [0.1, 0.3, 0.6]], true, 0, { shifts: [0] });
    expect(op.table[0]).toMatchObject({ negPrecision: 1, negRecall: 1, macroF1: 1 });
  });

  it('says so when no bias reaches a precision or recall', () => {
    const op = operatingPoints([1, 1], [[0.5, 0.3, 0.2], [0.6, 0.2, 0.2]], false, 0, { precisions: [0.7], recalls: [0.8] });
    expect(op.atPrecision[0]!.point).toBeUndefined();
    expect(op.atRecall[0]!.point).toBeUndefined();
    const text = formatOperatingPoints(op);
    expect(text).toContain('no bias in -3..3 gives negative precision >= 0.7');
    expect(text).toContain('no bias in -3..3 reaches negative recall 0.8');
  });
});

describe('cxpulse eval operating points with the production model', () => {
  const data = fileURLToPath(new URL('../../data/eval/cx-handwritten.jsonl', import.meta.url));

  it('predicts what a run with another --negative-bias measures', async () => {
    const base = await evaluateFile({ data, baselines: false, negativePrecision: [0.8], negativeRecall: [0.9] });
    const ops = base.json.negativeOperatingPoints;
    const neg = base.json.systems[0]!.report.perClass[0]!;
    const at0 = ops.table.find((p) => p.bias === 0)!;
    expect(at0.negPrecision).toBeCloseTo(neg.precision, 9);
    expect(at0.negRecall).toBeCloseTo(neg.recall, 9);
    expect(at0.macroF1).toBeCloseTo(base.json.systems[0]!.report.macroF1, 9);

    const want = ops.atRecall[0]!.point!;
    expect(want.negRecall).toBeGreaterThanOrEqual(0.9);
    const rerun = await evaluateFile({ data, baselines: false, negativeBias: want.bias });
    const r = rerun.json.systems[0]!.report;
    expect(r.perClass[0]!.precision).toBeCloseTo(want.negPrecision, 9);
    expect(r.perClass[0]!.recall).toBeCloseTo(want.negRecall, 9);
    expect(r.macroF1).toBeCloseTo(want.macroF1, 9);
    // The rerun's own table is centred on its bias and agrees with the first run's prediction.
    expect(rerun.json.negativeOperatingPoints.scoredBias).toBe(want.bias);
    expect(base.text).toContain(`negative recall >= 0.9 first at bias ${want.bias}`);
  });
});
