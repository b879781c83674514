/**
 * The churn model's input: a customer's state as cxpulse knows it (ChurnFeatures), the encoding
 * spec stored in the manifest (means/stds of numerics, vocabularies of categoricals) and the
 * plain-words text of each contribution.
 *
 * Every encoded column is centred on the training mean, so "missing" is simply 0: an unknown
 * field makes the customer look like the average training customer for that feature, and such a
 * feature contributes nothing to the explanation (rather than a made-up reason).
 */

export type Contract = 'month-to-month' | 'one-year' | 'two-year';
export type PaymentMethod = 'electronic-check' | 'mailed-check' | 'bank-transfer' | 'credit-card';
export type InternetService = 'dsl' | 'fiber' | 'none';

/**
 * Customer state fed to the churn model. Every field is optional: the engine may not know it
 * (e.g. no billing system connected); a missing or invalid field counts as the average customer.
 */
export type ChurnFeatures = {
  /** Months since the relationship started (Telco `tenure`). */
  tenureMonths?: number;
  /** Plan commitment (Telco `Contract`). */
  contract?: Contract;
  /** Recurring charge per month, in the account currency (the training data is in USD). */
  monthlyCharges?: number;
  /** How the customer pays (Telco `PaymentMethod`; bank transfer and credit card are automatic). */
  paymentMethod?: PaymentMethod;
  /** Invoices sent electronically (Telco `PaperlessBilling`). */
  paperlessBilling?: boolean;
  /** Kind of internet service (Telco `InternetService`). */
  internetService?: InternetService;
  /** Add-on security product (Telco `OnlineSecurity`). */
  onlineSecurity?: boolean;
  /** Premium technical support (Telco `TechSupport`). */
  techSupport?: boolean;
  /**
   * Products in use out of 8 (phone, extra lines, security, backup, device protection, tech
   * support, TV and movie streaming): the usage/breadth proxy Telco offers.
   */
  servicesCount?: number;
};

/**
 * Stream features of cxpulse's customer state with NO counterpart in the Telco data: the shipped
 * Telco part cannot learn them; the stream part (streamModel.ts) learns them from a simulation (simulate.ts).
 */
export const UNMAPPED_STREAM_FEATURES: readonly string[] = [
  'support contacts in the last 7 / 30 / 90 days',
  'support contacts in the first 90 days of the relationship',
  'share of negative messages and its trend',
  'escalations to a supervisor',
  'agent reply times and the customer\'s own reply times',
  'tone turning more formal',
  'late payments',
  'order-frequency change',
  'usage drops (Telco has only a static count of services, no change over time)',
];

/** A loose record the encoder reads: ChurnFeatures, or a row of another table (e.g. BigML). */
export type FeatureRecord = Readonly<Record<string, unknown>>;

export type Transform = 'identity' | 'log1p';

/** One numeric feature, possibly expanded into several columns (e.g. tenure and log tenure). */
export interface NumericDef {
  kind: 'numeric';
  name: string;
  columns: { transform: Transform; mean: number; std: number }[];
  /** Training mean of the raw value: decides "short/long", "high/low" in the text. */
  rawMean: number;
}

/** A yes/no feature: one column (0/1) centred on its training share of "yes". */
export interface BinaryDef {
  kind: 'binary';
  name: string;
  mean: number;
}

/** A categorical feature: one-hot columns, each centred on the value's training share. */
export interface CategoricalDef {
  kind: 'categorical';
  name: string;
  values: string[];
  freq: number[];
}

export type FeatureDef = NumericDef | BinaryDef | CategoricalDef;

/** What a spec is fitted from: the feature names and kinds, before statistics. */
export type FeatureSchema = ({ kind: 'numeric'; name: string; transforms: Transform[] } | { kind: 'binary'; name: string } | { kind: 'categorical'; name: string; values: string[] })[];

/** The shipped Telco model's schema, in ChurnFeatures terms. */
export const TELCO_SCHEMA: FeatureSchema = [
  { kind: 'numeric', name: 'tenureMonths', transforms: ['identity', 'log1p'] },
  { kind: 'categorical', name: 'contract', values: ['month-to-month', 'one-year', 'two-year'] },
  { kind: 'numeric', name: 'monthlyCharges', transforms: ['identity'] },
  { kind: 'categorical', name: 'paymentMethod', values: ['electronic-check', 'mailed-check', 'bank-transfer', 'credit-card'] },
  { kind: 'binary', name: 'paperlessBilling' },
  { kind: 'categorical', name: 'internetService', values: ['dsl', 'fiber', 'none'] },
  { kind: 'binary', name: 'onlineSecurity' },
  { kind: 'binary', name: 'techSupport' },
  { kind: 'numeric', name: 'servicesCount', transforms: ['identity'] },
];

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function transform(t: Transform, x: number): number {
  // Negative tenure/charges are data errors; clamping keeps log1p defined.
  return t === 'log1p' ? Math.log1p(Math.max(0, x)) : x;
}

/** Fits means/stds/frequencies on the training rows only. */
export function fitSpec(schema: FeatureSchema, rows: readonly FeatureRecord[]): FeatureDef[] {
  return schema.map((s): FeatureDef => {
    if (s.kind === 'numeric') {
      const xs = rows.map((r) => num(r[s.name])).filter((x): x is number => x !== undefined);
      const columns = s.transforms.map((t) => {
        const v = xs.map((x) => transform(t, x));
        const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
        const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length));
        return { transform: t, mean, std: sd > 1e-9 ? sd : 1 };
      });
      return { kind: 'numeric', name: s.name, columns, rawMean: xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length) };
    }
    if (s.kind === 'binary') {
      const xs = rows.map((r) => r[s.name]).filter((x): x is boolean => typeof x === 'boolean');
      return { kind: 'binary', name: s.name, mean: xs.filter(Boolean).length / Math.max(1, xs.length) };
    }
    const xs = rows.map((r) => r[s.name]).filter((x): x is string => typeof x === 'string' && s.values.includes(x));
    return { kind: 'categorical', name: s.name, values: [...s.values], freq: s.values.map((v) => xs.filter((x) => x === v).length / Math.max(1, xs.length)) };
  });
}

export function columnCount(defs: readonly FeatureDef[]): number {
  return defs.reduce((a, d) => a + width(d), 0);
}

export function width(d: FeatureDef): number {
  return d.kind === 'numeric' ? d.columns.length : d.kind === 'binary' ? 1 : d.values.length;
}

/** Writes one record's encoded columns into `out` at `offset`; missing/invalid fields stay 0. */
export function encodeInto(defs: readonly FeatureDef[], r: FeatureRecord, out: Float32Array, offset: number): void {
  let at = offset;
  for (const d of defs) {
    const v = r[d.name];
    if (d.kind === 'numeric') {
      const x = num(v);
      for (const c of d.columns) out[at++] = x === undefined ? 0 : (transform(c.transform, x) - c.mean) / c.std;
    } else if (d.kind === 'binary') {
      out[at++] = typeof v === 'boolean' ? (v ? 1 : 0) - d.mean : 0;
    } else {
      const k = typeof v === 'string' ? d.values.indexOf(v) : -1;
      d.values.forEach((_, i) => { out[at++] = k < 0 ? 0 : (i === k ? 1 : 0) - d.freq[i]!; });
    }
  }
}

export function encode(defs: readonly FeatureDef[], rows: readonly FeatureRecord[]): Float32Array {
  const w = columnCount(defs);
  const out = new Float32Array(rows.length * w);
  rows.forEach((r, i) => encodeInto(defs, r, out, i * w));
  return out;
}

/** True when the record has a usable value for this feature (else it gets no factor). */
export function isKnown(d: FeatureDef, r: FeatureRecord): boolean {
  const v = r[d.name];
  if (d.kind === 'numeric') return num(v) !== undefined;
  if (d.kind === 'binary') return typeof v === 'boolean';
  return typeof v === 'string' && d.values.includes(v);
}

const round = (x: number): string => (Math.abs(x - Math.round(x)) < 0.05 ? String(Math.round(x)) : x.toFixed(1));

const CATEGORY_TEXT: Record<string, string> = {
  'month-to-month': 'month-to-month contract',
  'one-year': 'one-year contract',
  'two-year': 'two-year contract',
  'electronic-check': 'pays by electronic check',
  'mailed-check': 'pays by mailed check',
  'bank-transfer': 'pays by automatic bank transfer',
  'credit-card': 'pays by automatic credit-card charge',
  dsl: 'DSL internet',
  fiber: 'fiber-optic internet',
  none: 'no internet service',
};

const BINARY_TEXT: Record<string, [yes: string, no: string]> = {
  paperlessBilling: ['paperless billing', 'paper invoices'],
  onlineSecurity: ['has online security', 'no online security add-on'],
  techSupport: ['has tech support', 'no tech support'],
};

/** "short tenure (3 months)", "month-to-month contract" ...: what a factor means, in words. */
export function factorText(d: FeatureDef, r: FeatureRecord): string {
  const v = r[d.name];
  if (d.kind === 'numeric') {
    const x = num(v) ?? d.rawMean;
    const low = x < d.rawMean;
    switch (d.name) {
      case 'tenureMonths': return `${low ? 'short' : 'long'} tenure (${round(x)} month${round(x) === '1' ? '' : 's'})`;
      case 'monthlyCharges': return `${low ? 'low' : 'high'} monthly charges (${round(x)} USD)`;
      case 'servicesCount': return `${low ? 'few' : 'many'} services in use (${round(x)} of 8)`;
      default: return `${low ? 'low' : 'high'} ${d.name} (${round(x)})`;
    }
  }
  if (d.kind === 'binary') {
    const t = BINARY_TEXT[d.name];
    return t ? t[v === true ? 0 : 1] : `${d.name}: ${v === true ? 'yes' : 'no'}`;
  }
  const s = String(v);
  return CATEGORY_TEXT[s] ?? `${d.name}: ${s}`;
}
