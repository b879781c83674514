/**
 * Thresholds in k6's syntax (`p(99)<1000`, `rate<0.01`, `count<1`), kept in ONE file,
 * bench/k6/thresholds.json: the k6 scripts hand them to k6, which evaluates them; the twin
 * evaluates the same expressions here. Runtime-neutral (see plan.ts).
 */
import { SCENARIO_THRESHOLDS, type ScenarioName } from './plan.ts';

/** Metric name -> its threshold expressions. */
export type ThresholdTable = Record<string, string[]>;

export interface ThresholdsFile {
  about?: string;
  thresholds: ThresholdTable;
}

/** The aggregations the twin evaluates (k6's names for Trend, Rate and Counter metrics). */
export type Aggregation = 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | `p(${number})`;
export type Operator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface Threshold {
  source: string;
  aggregation: Aggregation;
  operator: Operator;
  value: number;
}

const EXPRESSION = /^\s*(avg|min|max|med|count|rate|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function parseThreshold(source: string): Threshold {
  const m = EXPRESSION.exec(source);
  if (!m) throw new Error(`threshold '${source}' is not of the form <aggregation> <operator> <number>, e.g. 'p(99)<1000', 'rate<0.01', 'count<1'`);
  const aggregation = (m[2] === undefined ? m[1] : `p(${Number(m[2])})`) as Aggregation;
  return { source, aggregation, operator: m[3] as Operator, value: Number(m[4]) };
}

export function compare(actual: number, op: Operator, value: number): boolean {
  switch (op) {
    case '<': return actual < value;
    case '<=': return actual <= value;
    case '>': return actual > value;
    case '>=': return actual >= value;
    case '==':
    case '===': return actual === value;
    case '!=': return actual !== value;
  }
}

/** Threshold overrides from JSON text (`{"feed_latency":["p(99)<250"]}`): each metric named replaces that metric's list. */
export function overridesFrom(json: string | undefined): ThresholdTable {
  if (json === undefined || json.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch (e) {
    throw new Error(`THRESHOLDS is not JSON: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('THRESHOLDS must be a JSON object: {"metric": ["expression", ...]}');
  const out: ThresholdTable = {};
  for (const [metric, list] of Object.entries(v as Record<string, unknown>)) {
    const exprs = typeof list === 'string' ? [list] : list;
    if (!Array.isArray(exprs) || exprs.some((x) => typeof x !== 'string')) throw new Error(`THRESHOLDS.${metric} must be a list of expressions such as ["p(99)<1000"]`);
    out[metric] = exprs as string[];
  }
  return out;
}

/**
 * The thresholds a scenario applies: its metrics' entries of the file, each replaced by an
 * override when one names it. An override of a metric the scenario does not measure is an error
 * (k6 would refuse it too, or never evaluate it).
 */
export function thresholdsFor(scenario: ScenarioName, file: ThresholdsFile, overrides: ThresholdTable = {}): ThresholdTable {
  const names = SCENARIO_THRESHOLDS[scenario];
  for (const metric of Object.keys(overrides)) {
    if (!names.includes(metric)) throw new Error(`scenario ${scenario} has no threshold metric '${metric}': it has ${names.join(', ')}`);
  }
  const out: ThresholdTable = {};
  for (const metric of names) {
    const list = overrides[metric] ?? file.thresholds[metric];
    if (list === undefined) throw new Error(`bench/k6/thresholds.json has no entry for '${metric}'`);
    for (const expr of list) parseThreshold(expr);
    out[metric] = [...list];
  }
  return out;
}
