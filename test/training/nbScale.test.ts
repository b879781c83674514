import { describe, expect, it } from 'vitest';
import { LinearBagTrainer } from '../../training/sentiment/linear.ts';
import { nbLrScale, nbRatios } from '../../training/sentiment/nbScale.ts';
import type { TrainItem } from '../../training/sentiment/trainer.ts';

// Two blocks of 8 rows (shared rows 0..7, one language block 8..15); row 1 only in negative texts,
// row 2 in every text, row 3 only in positive texts; the language copies (+8) only in half of them.
const BUCKETS = 8;
function items(): TrainItem[] {
  const out: TrainItem[] = [];
  for (let i = 0; i < 10; i++) {
    const lang = i % 2 === 0;
    out.push({ features: Int32Array.from(lang ? [1, 2, 9, 10] : [1, 2]), label: 0, weight: 1 });
    out.push({ features: Int32Array.from(lang ? [2, 4, 10, 12] : [2, 4]), label: 1, weight: 1 });
    out.push({ features: Int32Array.from(lang ? [2, 3, 10, 11] : [2, 3]), label: 2, weight: 1 });
  }
  return out;
}

describe('NBSVM scaling (nbScale.ts)', () => {
  it('gives a class-specific feature a large ratio of its class and a negative one elsewhere, a feature of every class about 0', () => {
    const r = nbRatios(items(), 2 * BUCKETS, BUCKETS, 3);
    expect(r[1 * 3 + 0]!).toBeGreaterThan(1.5);
    expect(r[1 * 3 + 2]!).toBeLessThan(-1.5);
    expect(r[3 * 3 + 2]!).toBeGreaterThan(1.5);
    for (let c = 0; c < 3; c++) expect(Math.abs(r[2 * 3 + c]!)).toBeLessThan(0.2);
    // The language copy of row 1 is judged within its block: as specific as the shared row.
    expect(r[9 * 3 + 0]!).toBeGreaterThan(1.5);
    expect(r[10 * 3 + 0]!).toBeLessThan(0.2);
  });

  it('is the identity at beta 0 and keeps the mean factor over the texts at 1', () => {
    const its = items();
    expect([...nbLrScale(its, 2 * BUCKETS, BUCKETS, 3, 0)].every((v) => v === 1)).toBe(true);
    const s = nbLrScale(its, 2 * BUCKETS, BUCKETS, 3, 1);
    let sum = 0, n = 0;
    for (const it of its) for (const id of it.features) for (let c = 0; c < 3; c++) { sum += s[id * 3 + c]!; n++; }
    expect(sum / n).toBeCloseTo(1, 5);
    expect(s[1 * 3 + 0]!).toBeGreaterThan(s[2 * 3 + 0]! * 5);
  });

  it('with blocks, only those blocks get factors and every other row keeps 1', () => {
    const its = items();
    const all = nbLrScale(its, 2 * BUCKETS, BUCKETS, 3, 1);
    const langOnly = nbLrScale(its, 2 * BUCKETS, BUCKETS, 3, 1, [1]);
    expect([...langOnly.slice(0, BUCKETS * 3)].every((v) => v === 1)).toBe(true);
    expect([...langOnly.slice(BUCKETS * 3)]).toEqual([...all.slice(BUCKETS * 3)]);
    expect(langOnly[9 * 3 + 0]!).toBeGreaterThan(langOnly[10 * 3 + 0]! * 5);
    expect([...nbLrScale(its, 2 * BUCKETS, BUCKETS, 3, 1, [])].every((v) => v === 1)).toBe(true);
  });

  it('a weight with learning-rate factor 0 keeps its starting value; factor 1 trains as without factors', () => {
    const its = items();
    const base = { rows: 2 * BUCKETS, buckets: BUCKETS, numClasses: 3, lr: 0.2, l2: 0, langDropout: 0, seed: 1 };
    const plain = new LinearBagTrainer(base);
    const ones = new LinearBagTrainer({ ...base, lrScale: new Float32Array(2 * BUCKETS * 3).fill(1) });
    const frozen = new Float32Array(2 * BUCKETS * 3).fill(1);
    frozen[2 * 3 + 1] = 0;
    const partly = new LinearBagTrainer({ ...base, lrScale: frozen, init: Float64Array.from([2, 1, 0.5]) });
    for (let e = 0; e < 5; e++) for (const t of [plain, ones, partly]) t.trainBatch(its);
    expect([...ones.snapshot()[0]!.values]).toEqual([...plain.snapshot()[0]!.values]);
    const w = partly.snapshot()[0]!.values;
    expect(w[2 * 3 + 1]).toBeCloseTo(0.5, 6);
    expect(w[2 * 3 + 0]).not.toBe(0);
  });
});
