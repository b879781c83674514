/**
 * Operating points of the negative class: what a negative bias (CXPULSE_SENTIMENT_NEGATIVE_BIAS,
 * added to the negative logit) would do on a labelled file, computed from the probabilities the
 * model gave at the bias it was scored with, without scoring again.
 *
 * Adding b to the negative logit multiplies p(negative) by e^b; the other two keep their order.
 * So a text is labelled negative under bias b exactly when b >= t, its threshold (the engine's
 * argmax, sentimentAt, gives a tie to negative, and one between neutral and positive to positive):
 *   3-class: t = ln max(p(neutral), p(positive)) - ln p(negative)
 *   binary (polarity view, neutral resolved by the sign of p(positive) - p(negative)):
 *            t = ln p(positive) - ln p(negative)
 * and a text not labelled negative keeps the label it had among neutral and positive. Sorting the
 * thresholds once gives negative precision and recall at every bias.
 */
import { classificationReport } from './metrics.ts';
import { EVAL_LABELS, type EvalLabel } from './labels.ts';

/** p(negative), p(neutral), p(positive) of one text. */
export type Probs = readonly [number, number, number];

/** The engine's accepted range of the bias (config and `--negative-bias`). */
export const BIAS_RANGE = [-3, 3] as const;
const STEP = 0.01;
const TINY = 1e-12;

export interface OperatingPoint {
  /** The total bias: the one the file was scored with plus the shift. */
  bias: number;
  negPrecision: number;
  negRecall: number;
  /** Texts labelled negative at this bias. */
  negPredicted: number;
  macroF1: number;
}

export interface OperatingPoints {
  /** The bias the probabilities were produced with. */
  scoredBias: number;
  negatives: number;
  /**
   * Average precision of the negative class over the ranking by threshold (area under its
   * precision-recall curve, step-wise): a threshold-free figure of how well the model sorts
   * complaints ahead of the rest.
   */
  averagePrecision: number;
  /** A few biases around the scored one, for a table. */
  table: OperatingPoint[];
  /** For each asked precision: the bias in range with the highest negative recall at that precision or more, if any. */
  atPrecision: { target: number; point?: OperatingPoint }[];
  /** For each asked recall: the smallest bias in range that reaches it, if any. */
  atRecall: { target: number; point?: OperatingPoint }[];
}

/** The three class probabilities behind a SentimentScore (label, confidence = p(label), score = p(pos) - p(neg)). */
export function probsOf(label: EvalLabel, confidence: number, score: number): Probs {
  let neg: number, pos: number;
  if (label === 0) { neg = confidence; pos = score + neg; }
  else if (label === 2) { pos = confidence; neg = pos - score; }
  else { const rest = 1 - confidence; pos = (rest + score) / 2; neg = (rest - score) / 2; }
  neg = Math.max(neg, 0); pos = Math.max(pos, 0);
  return [neg, Math.max(1 - neg - pos, 0), pos];
}

/** The bias above which the text is labelled negative (see the file comment). */
export function threshold(p: Probs, binary: boolean): number {
  const other = binary ? p[2] : Math.max(p[1], p[2]);
  return Math.log(Math.max(other, TINY)) - Math.log(Math.max(p[0], TINY));
}

/** The label among neutral and positive (binary: positive) a text keeps when not labelled negative; a tie goes to positive, as in sentimentAt. */
function otherLabel(p: Probs, binary: boolean): EvalLabel {
  return binary || p[2] >= p[1] ? 2 : 1;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Operating points of a file scored at `scoredBias`. `truth` may hold only negative/positive
 * (`binary`); precision and recall are of the negative class, macro-F1 as `cxpulse eval` counts it
 * (binary: over negative and positive).
 */
export function operatingPoints(
  truth: readonly EvalLabel[], probs: readonly Probs[], binary: boolean, scoredBias: number,
  o: { precisions?: readonly number[]; recalls?: readonly number[]; shifts?: readonly number[] } = {},
): OperatingPoints {
  if (truth.length !== probs.length) throw new Error(`operatingPoints: ${truth.length} labels vs ${probs.length} predictions`);
  const t = probs.map((p) => threshold(p, binary));
  const negatives = truth.filter((y) => y === 0).length;

  const order = t.map((_, i) => i).sort((a, b) => t[a]! - t[b]!);
  // Average precision: walk the ranking (lowest threshold first = most negative), adding precision at each true negative.
  let tp = 0, ap = 0;
  order.forEach((i, k) => {
    if (truth[i] === 0) { tp++; ap += tp / (k + 1); }
  });
  const averagePrecision = negatives === 0 ? 0 : ap / negatives;

  // Negative counts at a shift s: texts with t <= s (sentimentAt gives a tie to negative).
  const sorted = order.map((i) => t[i]!);
  const tpBefore = new Int32Array(order.length + 1);
  order.forEach((i, k) => { tpBefore[k + 1] = tpBefore[k]! + (truth[i] === 0 ? 1 : 0); });
  const below = (s: number): number => {
    let lo = 0, hi = sorted.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! <= s) lo = mid + 1; else hi = mid; }
    return lo;
  };
  const pointAt = (bias: number, full: boolean): OperatingPoint => {
    const shift = bias - scoredBias, k = below(shift), hits = tpBefore[k]!;
    let macroF1 = NaN;
    if (full) {
      const pred = probs.map((p, i): EvalLabel => (t[i]! <= shift ? 0 : otherLabel(p, binary)));
      const r = classificationReport(truth, pred, EVAL_LABELS);
      macroF1 = binary ? (r.perClass[0]!.f1 + r.perClass[2]!.f1) / 2 : r.macroF1;
    }
    return { bias: round2(bias), negPrecision: k === 0 ? 0 : hits / k, negRecall: negatives === 0 ? 0 : hits / negatives, negPredicted: k, macroF1 };
  };

  const grid: number[] = [];
  for (let b = BIAS_RANGE[0]; b <= BIAS_RANGE[1] + 1e-9; b += STEP) grid.push(round2(b));
  const points = grid.map((b) => pointAt(b, false));
  const withF1 = (p: OperatingPoint | undefined): OperatingPoint | undefined => (p ? pointAt(p.bias, true) : undefined);

  const atPrecision = (o.precisions ?? []).map((target) => {
    let best: OperatingPoint | undefined;
    for (const p of points) if (p.negPredicted > 0 && p.negPrecision >= target && (!best || p.negRecall > best.negRecall)) best = p;
    return { target, ...(best ? { point: withF1(best)! } : {}) };
  });
  const atRecall = (o.recalls ?? []).map((target) => {
    const first = points.find((p) => p.negRecall >= target);
    return { target, ...(first ? { point: withF1(first)! } : {}) };
  });
  const shifts = o.shifts ?? [-1, -0.5, 0, 0.5, 1];
  const table = shifts.map((s) => round2(scoredBias + s)).filter((b) => b >= BIAS_RANGE[0] && b <= BIAS_RANGE[1]).map((b) => pointAt(b, true));
  return { scoredBias, negatives, averagePrecision, table, atPrecision, atRecall };
}

const f3 = (x: number): string => x.toFixed(3);

/** The text block `cxpulse eval` prints. */
export function formatOperatingPoints(op: OperatingPoints): string {
  const out = [
    '== negative class: operating points of the model (CXPULSE_SENTIMENT_NEGATIVE_BIAS) ==',
    `the bias is added to the negative logit; computed from this run's probabilities (scored with bias ${op.scoredBias}), ${op.negatives} true negatives`,
    `average precision of the negative class (ranking by the bias at which a text turns negative): ${f3(op.averagePrecision)}`,
    `${'bias'.padEnd(8)}${'precision'.padStart(10)}${'recall'.padStart(8)}${'macro-F1'.padStart(10)}${'labelled negative'.padStart(19)}`,
    ...op.table.map((p) => `${String(p.bias).padEnd(8)}${f3(p.negPrecision).padStart(10)}${f3(p.negRecall).padStart(8)}${f3(p.macroF1).padStart(10)}${String(p.negPredicted).padStart(19)}`),
  ];
  for (const a of op.atPrecision) {
    out.push(a.point
      ? `highest negative recall at precision >= ${a.target}: ${f3(a.point.negRecall)} (precision ${f3(a.point.negPrecision)}, macro-F1 ${f3(a.point.macroF1)}) with bias ${a.point.bias}`
      : `no bias in ${BIAS_RANGE[0]}..${BIAS_RANGE[1]} gives negative precision >= ${a.target} on this file`);
  }
  for (const a of op.atRecall) {
    out.push(a.point
      ? `negative recall >= ${a.target} first at bias ${a.point.bias}: precision ${f3(a.point.negPrecision)}, recall ${f3(a.point.negRecall)}, macro-F1 ${f3(a.point.macroF1)}`
      : `no bias in ${BIAS_RANGE[0]}..${BIAS_RANGE[1]} reaches negative recall ${a.target} on this file`);
  }
  out.push('set the chosen bias with CXPULSE_SENTIMENT_NEGATIVE_BIAS (engine) or --negative-bias (eval); a bias fitted on a small file carries its noise: check it on lines it was not chosen on');
  return out.join('\n');
}
