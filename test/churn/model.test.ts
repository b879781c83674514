import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/model/backend.ts';
import { loadChurnModel, type ChurnFeatures, type ChurnModel } from '../../engine/churn/index.ts';

// Hand-made customers (not from any data set).
const risky: ChurnFeatures = {
  tenureMonths: 1, contract: 'month-to-month', monthlyCharges: 104, paymentMethod: 'electronic-check',
  paperlessBilling: true, internetService: 'fiber', onlineSecurity: false, techSupport: false, servicesCount: 3,
};
const safe: ChurnFeatures = {
  tenureMonths: 70, contract: 'two-year', monthlyCharges: 60, paymentMethod: 'credit-card',
  paperlessBilling: false, internetService: 'dsl', onlineSecurity: true, techSupport: true, servicesCount: 6,
};

let model: ChurnModel;
beforeAll(async () => {
  await initBackend('wasm');
  model = await loadChurnModel();
});
afterAll(() => model.dispose());

describe('committed churn model (models/churn)', () => {
  it('loads with a version tied to its weights', () => {
    expect(model.version).toMatch(/^churn-telco-v1-[0-9a-f]{8}$/);
  });

  it('rates the obviously risky customer far above the safe one', async () => {
    const [r, s] = await model.predict([risky, safe]);
    expect(r!.probability).toBeGreaterThan(0.6);
    expect(s!.probability).toBeLessThan(0.1);
    expect(r!.probability).toBeGreaterThan(s!.probability);
  });

  it('gives plain-words factors, largest contribution first', async () => {
    const factors = await model.topFactors(risky, 5);
    expect(factors).toHaveLength(5);
    for (const f of factors) {
      // Words a person reads: no camelCase field names, no underscores, no raw codes.
      expect(f.text).toMatch(/^[a-z][a-z0-9 ().-]*$/i);
      expect(f.text).not.toMatch(/[a-z][A-Z]|_/);
      expect(Number.isFinite(f.contribution)).toBe(true);
    }
    const mags = factors.map((f) => Math.abs(f.contribution));
    expect(mags).toEqual([...mags].sort((a, b) => b - a));
    const texts = factors.map((f) => f.text);
    expect(texts).toContain('short tenure (1 month)');
    expect(texts).toContain('month-to-month contract');
    expect(factors.find((f) => f.feature === 'tenureMonths')!.contribution).toBeGreaterThan(0);
    const safeFactors = await model.topFactors(safe, 2);
    expect(safeFactors.map((f) => f.text)).toContain('two-year contract');
    expect(safeFactors.every((f) => f.contribution < 0)).toBe(true);
  });

  it('treats missing fields as the average customer and never names them', async () => {
    const [empty, partial] = await model.predict([{}, { tenureMonths: 2 }], { k: 10 });
    expect(empty!.factors).toEqual([]);
    expect(empty!.probability).toBeGreaterThan(0.1);
    expect(empty!.probability).toBeLessThan(0.4);
    expect(partial!.factors.map((f) => f.feature)).toEqual(['tenureMonths']);
    // Invalid values are ignored the same way.
    const [bad] = await model.predict([{ tenureMonths: Number.NaN, contract: 'weekly' as never }]);
    expect(bad!.factors).toEqual([]);
    expect(bad!.probability).toBeCloseTo(empty!.probability, 6);
  });

  it('scores a batch in order and an empty batch as []', async () => {
    expect(await model.predict([])).toEqual([]);
    const batch = await model.predict([safe, risky, safe], { k: 1 });
    expect(batch.map((p) => p.factors.length)).toEqual([1, 1, 1]);
    expect(batch[0]!.probability).toBeCloseTo(batch[2]!.probability, 6);
    expect(batch[1]!.probability).toBeGreaterThan(batch[0]!.probability);
  });
});
