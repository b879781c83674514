import { describe, expect, it } from 'vitest';
import { rng } from '../../training/churn/data.ts';
import { accuracyAt, brier, ece, fitPlatt, hanleyMcNeil, reliability, rocAuc } from '../../training/churn/metrics.ts';

describe('churn metrics', () => {
  it('ROC-AUC equals the hand-counted share of correctly ordered (positive, negative) pairs', () => {
    // Pairs (pos, neg): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4.
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    // A tie counts one half: (0.5 vs 0.5) 0.5 + (0.5 vs 0.2) 1 + (0.9 vs both) 2 -> 3.5/4.
    expect(rocAuc([0, 1, 1, 0], [0.5, 0.5, 0.9, 0.2])).toBeCloseTo(0.875, 12);
    expect(rocAuc([0, 1], [0.9, 0.1])).toBe(0);
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
    expect(() => rocAuc([0, 1], [0.5])).toThrow(/2 labels vs 1 scores/);
  });

  it('Brier, accuracy, ECE and the reliability table on a tiny case', () => {
    const y = [0, 1, 1, 0];
    const p = [0.2, 0.8, 0.4, 0.45];
    expect(brier(y, p)).toBeCloseTo((0.04 + 0.04 + 0.36 + 0.2025) / 4, 12);
    expect(accuracyAt(y, p)).toBe(0.75);
    const table = reliability(y, p);
    expect(table).toHaveLength(10);
    expect(table[4]).toMatchObject({ n: 2, observedRate: 0.5 });
    expect(table[4]!.meanPredicted).toBeCloseTo(0.425, 12);
    // Bins: 0.2 (|0.2-0|), 0.8 (|0.8-1|), 0.4/0.45 (|0.425-0.5|), weighted 1/4, 1/4, 2/4.
    expect(ece(y, p)).toBeCloseTo(0.25 * 0.2 + 0.25 * 0.2 + 0.5 * 0.075, 12);
  });

  it('Platt scaling recovers a known logit scale', () => {
    const rand = rng(7);
    const z: number[] = [], y: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const zi = (rand() - 0.5) * 8;
      z.push(zi);
      y.push(rand() < 1 / (1 + Math.exp(-(0.5 * zi + 0.3))) ? 1 : 0);
    }
    const { a, b } = fitPlatt(y, z);
    expect(a).toBeGreaterThan(0.4);
    expect(a).toBeLessThan(0.6);
    expect(b).toBeGreaterThan(0.15);
    expect(b).toBeLessThan(0.45);
  });

  it('Hanley-McNeil standard error shrinks with n', () => {
    expect(hanleyMcNeil(0.84, 300, 840)).toBeGreaterThan(0.01);
    expect(hanleyMcNeil(0.84, 300, 840)).toBeLessThan(0.02);
    expect(hanleyMcNeil(0.84, 3000, 8400)).toBeLessThan(hanleyMcNeil(0.84, 300, 840));
  });
});
