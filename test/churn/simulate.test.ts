import { describe, expect, it } from 'vitest';
import { rng } from '../../training/churn/data.ts';
import { simulateCustomers, simulateHistory } from '../../training/churn/simulate.ts';
import { streamLogit } from '../../engine/churn/streamModel.ts';
import { fitStream } from '../../training/churn/streamFit.ts';
import { rocAuc } from '../../training/churn/metrics.ts';

// Hand-made profiles (not from any data set): half churners.
const rows = Array.from({ length: 800 }, (_, i) => ({ features: { tenureMonths: 1 + (i % 60) }, label: (i % 2) as 0 | 1 }));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

describe('simulated customer histories', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = simulateCustomers(rows.slice(0, 20), 7), b = simulateCustomers(rows.slice(0, 20), 7), c = simulateCustomers(rows.slice(0, 20), 8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('gives churners more contacts, more negativity and more late payments, as parameterised', () => {
    const sims = simulateCustomers(rows, 1);
    const by = (label: 0 | 1, k: 'contacts90d' | 'negativeShare' | 'latePayments90d'): number =>
      mean(sims.filter((s) => s.label === label).map((s) => s.stream[k]).filter((x): x is number => x !== undefined));
    expect(by(1, 'contacts90d')).toBeGreaterThan(by(0, 'contacts90d'));
    expect(by(1, 'negativeShare')).toBeGreaterThan(by(0, 'negativeShare'));
    expect(by(1, 'latePayments90d')).toBeGreaterThan(by(0, 'latePayments90d'));
  });

  it('produces histories in time order that never start before the relationship', () => {
    const end = Date.UTC(2026, 0, 1);
    const obs = simulateHistory(1, 1, end, rng(3));
    expect(obs.map((o) => o.tsMs)).toEqual([...obs.map((o) => o.tsMs)].sort((a, b) => a - b));
    expect(Math.min(...obs.map((o) => o.tsMs))).toBeGreaterThanOrEqual(end - 31 * 86_400_000);
  });

  it('lets the offset fit recover the simulated effect on held-out simulations', () => {
    const train = simulateCustomers(rows, 11), test = simulateCustomers(rows, 12);
    const fit = fitStream(train.map((s) => s.stream), train.map(() => 0), train.map((s) => s.label));
    const auc = rocAuc(test.map((s) => s.label), test.map((s) => streamLogit(fit, s.stream).logit));
    expect(auc).toBeGreaterThan(0.65);
    expect(fit.features.find((f) => f.name === 'negativeShare')!.weight).toBeGreaterThan(0);
  });
});
