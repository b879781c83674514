/**
 * Reads the public churn tables (../shared/data, see its README) into feature records with a
 * 0/1 label, and makes seeded stratified splits. The data is read from where it lies and never
 * copied into the repository.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvRecords } from '../eval/csv.ts';
import type { ChurnFeatures, Contract, FeatureRecord, FeatureSchema, InternetService, PaymentMethod } from '../../engine/churn/index.ts';

export interface LabelledRow { features: FeatureRecord; label: 0 | 1 }

// The trainers share one seeded PRNG (mulberry32), so splits and shuffles reproduce across both.
import { rng } from '../sentiment/trainer.ts';
export { rng };

export function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/**
 * Splits rows into (rest, part) with `fraction` of each class in `part`, so both sides keep the
 * churn rate. Deterministic for a given seed and row order.
 */
export function stratifiedSplit<T extends { label: 0 | 1 }>(rows: readonly T[], fraction: number, seed: number): [rest: T[], part: T[]] {
  const rand = rng(seed);
  const rest: T[] = [], part: T[] = [];
  for (const label of [0, 1] as const) {
    const cls = shuffle(rows.filter((r) => r.label === label), rand);
    const k = Math.round(cls.length * fraction);
    part.push(...cls.slice(0, k));
    rest.push(...cls.slice(k));
  }
  // Interleave the classes again so minibatches are not sorted by label.
  return [shuffle(rest, rand), shuffle(part, rand)];
}

/** Parses a CSV table with a header row into header-keyed records (cells trimmed). */
export function parseCsv(text: string, file: string): Record<string, string>[] {
  const [head, ...body] = parseCsvRecords(text, { file }).filter((r) => r.fields.some((f) => f.trim() !== ''));
  const header = head?.fields.map((h) => h.trim());
  if (!header || header.length < 2) throw new Error(`${file}: no CSV header`);
  return body.map((r) => {
    if (r.fields.length !== header.length) throw new Error(`${file}:${r.line}: ${r.fields.length} cells, header has ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, r.fields[j]!.trim()]));
  });
}

function readTable(path: string): Record<string, string>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read churn data ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseCsv(text, path);
}

const CONTRACTS: Record<string, Contract> = { 'Month-to-month': 'month-to-month', 'One year': 'one-year', 'Two year': 'two-year' };
const PAYMENTS: Record<string, PaymentMethod> = {
  'Electronic check': 'electronic-check',
  'Mailed check': 'mailed-check',
  'Bank transfer (automatic)': 'bank-transfer',
  'Credit card (automatic)': 'credit-card',
};
const INTERNET: Record<string, InternetService> = { DSL: 'dsl', 'Fiber optic': 'fiber', No: 'none' };
const ADD_ONS = ['PhoneService', 'MultipleLines', 'OnlineSecurity', 'OnlineBackup', 'DeviceProtection', 'TechSupport', 'StreamingTV', 'StreamingMovies'];

const numOrUndef = (s: string | undefined): number | undefined => {
  const x = s === undefined || s.trim() === '' ? NaN : Number(s);
  return Number.isFinite(x) ? x : undefined;
};

/**
 * One IBM Telco row as cxpulse customer state. Demographics (gender, SeniorCitizen, Partner,
 * Dependents) are left out on purpose: the engine does not collect them (data minimisation) and
 * a churn score should not move with a customer's sex or age.
 */
export function telcoRow(r: Record<string, string>): ChurnFeatures {
  const f: ChurnFeatures = {};
  const tenure = numOrUndef(r['tenure']);
  if (tenure !== undefined) f.tenureMonths = tenure;
  const monthly = numOrUndef(r['MonthlyCharges']);
  if (monthly !== undefined) f.monthlyCharges = monthly;
  const contract = CONTRACTS[r['Contract'] ?? ''];
  if (contract) f.contract = contract;
  const pay = PAYMENTS[r['PaymentMethod'] ?? ''];
  if (pay) f.paymentMethod = pay;
  const net = INTERNET[r['InternetService'] ?? ''];
  if (net) f.internetService = net;
  if (r['PaperlessBilling'] === 'Yes' || r['PaperlessBilling'] === 'No') f.paperlessBilling = r['PaperlessBilling'] === 'Yes';
  // "No internet service" is a plain no for the add-on itself.
  if (r['OnlineSecurity'] !== undefined) f.onlineSecurity = r['OnlineSecurity'] === 'Yes';
  if (r['TechSupport'] !== undefined) f.techSupport = r['TechSupport'] === 'Yes';
  f.servicesCount = ADD_ONS.filter((c) => r[c] === 'Yes').length;
  return f;
}

export function readTelco(dataDir: string): LabelledRow[] {
  const path = join(dataDir, 'churn-telco', 'train.csv');
  return readTable(path).map((r, i) => {
    if (r['Churn'] !== 'Yes' && r['Churn'] !== 'No') throw new Error(`${path}:${i + 2}: Churn must be Yes or No, got ${JSON.stringify(r['Churn'])}`);
    return { features: telcoRow(r), label: r['Churn'] === 'Yes' ? 1 : 0 };
  });
}

/**
 * The BigML/Orange telecom table, for a second, evaluation-only model: it has the number of
 * customer-service calls, the nearest public stand-in for our "support contacts" features.
 */
export const BIGML_SCHEMA: FeatureSchema = [
  { kind: 'numeric', name: 'customerServiceCalls', transforms: ['identity'] },
  { kind: 'numeric', name: 'accountLength', transforms: ['identity'] },
  { kind: 'binary', name: 'internationalPlan' },
  { kind: 'binary', name: 'voiceMailPlan' },
  { kind: 'numeric', name: 'voiceMailMessages', transforms: ['identity'] },
  { kind: 'numeric', name: 'dayMinutes', transforms: ['identity'] },
  { kind: 'numeric', name: 'eveningMinutes', transforms: ['identity'] },
  { kind: 'numeric', name: 'nightMinutes', transforms: ['identity'] },
  { kind: 'numeric', name: 'internationalMinutes', transforms: ['identity'] },
  { kind: 'numeric', name: 'internationalCalls', transforms: ['identity'] },
];

export function readBigml(dataDir: string): LabelledRow[] {
  const path = join(dataDir, 'churn-bigml', 'train.csv');
  return readTable(path).map((r, i) => {
    const churn = r['Churn']?.toUpperCase();
    if (churn !== 'TRUE' && churn !== 'FALSE') throw new Error(`${path}:${i + 2}: Churn must be TRUE or FALSE, got ${JSON.stringify(r['Churn'])}`);
    const features: Record<string, unknown> = {
      customerServiceCalls: numOrUndef(r['Customer service calls']),
      accountLength: numOrUndef(r['Account length']),
      internationalPlan: r['International plan'] === 'Yes',
      voiceMailPlan: r['Voice mail plan'] === 'Yes',
      voiceMailMessages: numOrUndef(r['Number vmail messages']),
      dayMinutes: numOrUndef(r['Total day minutes']),
      eveningMinutes: numOrUndef(r['Total eve minutes']),
      nightMinutes: numOrUndef(r['Total night minutes']),
      internationalMinutes: numOrUndef(r['Total intl minutes']),
      internationalCalls: numOrUndef(r['Total intl calls']),
    };
    return { features, label: churn === 'TRUE' ? 1 : 0 };
  });
}
