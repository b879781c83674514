/**
 * Classification metrics over integer class ids: confusion matrix, per-class precision /
 * recall / F1, accuracy and macro-F1. Classes absent from both truth and prediction are left
 * out of the macro average (so a binary set scored on 3 labels is not punished for "neutral").
 */
export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true examples of this class. */
  support: number;
}

export interface ClassificationReport {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[true][predicted] */
  confusion: number[][];
}

export function confusionMatrix(truth: readonly number[], pred: readonly number[], numClasses: number): number[][] {
  if (truth.length !== pred.length) throw new Error(`confusionMatrix: ${truth.length} labels vs ${pred.length} predictions`);
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!, p = pred[i]!;
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) throw new Error(`confusionMatrix: class id out of range at ${i}`);
    m[t]![p]!++;
  }
  return m;
}

const safeDiv = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function perClassMetrics(confusion: readonly (readonly number[])[], labels: readonly string[]): ClassMetrics[] {
  return labels.map((label, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c]!, 0);
    const precision = safeDiv(tp, predicted);
    const recall = safeDiv(tp, support);
    return { label, precision, recall, f1: safeDiv(2 * precision * recall, precision + recall), support };
  });
}

export function macroF1(confusion: readonly (readonly number[])[]): number {
  const present = confusion.map((row, c) => row.reduce((a, b) => a + b, 0) + confusion.reduce((a, r) => a + r[c]!, 0) > 0);
  const f1s = perClassMetrics(confusion, confusion.map((_, i) => String(i))).filter((_, c) => present[c]).map((m) => m.f1);
  return f1s.length === 0 ? 0 : f1s.reduce((a, b) => a + b, 0) / f1s.length;
}

export function classificationReport(truth: readonly number[], pred: readonly number[], labels: readonly string[]): ClassificationReport {
  return reportFromConfusion(confusionMatrix(truth, pred, labels.length), labels);
}

/** The same report from a confusion matrix (e.g. several sets' matrices added up). */
export function reportFromConfusion(confusion: number[][], labels: readonly string[]): ClassificationReport {
  const n = confusion.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
  const correct = confusion.reduce((a, row, i) => a + row[i]!, 0);
  return {
    n,
    accuracy: safeDiv(correct, n),
    macroF1: macroF1(confusion),
    perClass: perClassMetrics(confusion, labels),
    confusion,
  };
}
