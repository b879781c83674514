import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rng, stratifiedSplit, telcoRow } from '../../training/churn/data.ts';
import { loadChurnModel } from '../../engine/churn/index.ts';
import { trainChurn } from '../../training/churn/index.ts';

const HEADER = 'gender,SeniorCitizen,Partner,Dependents,tenure,PhoneService,MultipleLines,InternetService,OnlineSecurity,OnlineBackup,DeviceProtection,TechSupport,StreamingTV,StreamingMovies,Contract,PaperlessBilling,PaymentMethod,MonthlyCharges,TotalCharges,Churn';

/**
 * A synthetic table in the Telco layout (no real data): churn is more likely on month-to-month
 * contracts and short tenure, so a trained model must learn exactly those two directions.
 */
function syntheticTelco(n: number, seed: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const lines = [HEADER];
  for (let i = 0; i < n; i++) {
    const tenure = 1 + Math.floor(r() * 72);
    const contract = pick(['Month-to-month', 'One year', 'Two year'] as const);
    const monthly = 20 + r() * 90;
    const z = -0.5 + (contract === 'Month-to-month' ? 1.5 : -1) - tenure / 24;
    const churn = r() < 1 / (1 + Math.exp(-z));
    const yn = (): string => pick(['Yes', 'No']);
    lines.push([pick(['Male', 'Female']), '0', yn(), yn(), tenure, yn(), yn(), pick(['DSL', 'Fiber optic', 'No']), yn(), yn(), yn(), yn(), yn(), yn(),
      contract, yn(), pick(['Electronic check', 'Mailed check', 'Bank transfer (automatic)', 'Credit card (automatic)']), monthly.toFixed(2), (monthly * tenure).toFixed(2), churn ? 'Yes' : 'No'].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('churn data helpers', () => {
  it('maps a Telco row to ChurnFeatures and counts services', () => {
    const row = Object.fromEntries(HEADER.split(',').map((h) => [h, '']));
    Object.assign(row, { tenure: '5', Contract: 'Two year', MonthlyCharges: '70.5', PaymentMethod: 'Mailed check', PaperlessBilling: 'No',
      InternetService: 'Fiber optic', OnlineSecurity: 'No internet service', TechSupport: 'Yes', PhoneService: 'Yes', StreamingTV: 'Yes' });
    expect(telcoRow(row)).toEqual({ tenureMonths: 5, monthlyCharges: 70.5, contract: 'two-year', paymentMethod: 'mailed-check', internetService: 'fiber',
      paperlessBilling: false, onlineSecurity: false, techSupport: true, servicesCount: 3 });
  });

  it('splits stratified, disjoint and reproducibly', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ id: i, label: (i < 30 ? 1 : 0) as 0 | 1 }));
    const [rest, part] = stratifiedSplit(rows, 0.2, 3);
    expect(part.filter((r) => r.label === 1)).toHaveLength(6);
    expect(part).toHaveLength(20);
    expect(new Set([...rest, ...part].map((r) => r.id)).size).toBe(100);
    expect(stratifiedSplit(rows, 0.2, 3)[1].map((r) => r.id)).toEqual(part.map((r) => r.id));
  });
});

describe('trainChurn on a small synthetic fixture', () => {
  it('writes a loadable model folder with metrics and a model card', async () => {
    const data = mkdtempSync(join(tmpdir(), 'cxpulse-churn-data-'));
    const out = mkdtempSync(join(tmpdir(), 'cxpulse-churn-out-'));
    dirs.push(data, out);
    mkdirSync(join(data, 'churn-telco'));
    writeFileSync(join(data, 'churn-telco', 'train.csv'), syntheticTelco(600, 11));
    const report = await trainChurn({ dataDir: data, outDir: out, seed: 5 });
    expect(report.bigml).toBeUndefined();
    expect(report.telco.split.test).toBe(120);
    expect(report.telco.heldOut.auc).toBeGreaterThan(0.7);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { modelVersion: string };
    expect(metrics.modelVersion).toBe(report.modelVersion);
    const card = readFileSync(join(out, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain(`# Model card: ${report.modelVersion}`);
    expect(card).toContain('IBM');
    expect(card).toContain('support contacts in the first 90 days');
    const model = await loadChurnModel(out);
    const [hi, lo] = await model.predict([{ tenureMonths: 2, contract: 'month-to-month' }, { tenureMonths: 70, contract: 'two-year' }]);
    model.dispose();
    expect(hi!.probability).toBeGreaterThan(lo!.probability);
  });
});
