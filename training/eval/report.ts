/**
 * Figures for one system on one labelled file, and their text rendering. Metrics come from
 * training/eval/metrics.ts so `cxpulse eval` and the model card measure the same way.
 *
 * Binary files (truth holds only negative and positive, e.g. UCI 0/1) get two views:
 * - "as is": the 3-way prediction unchanged; a neutral prediction is simply an error.
 * - "polarity" (the headline figure, as in the model card): a neutral prediction is resolved by
 *   the sign of the system's continuous score (model: p(positive) - p(negative), i.e. the larger
 *   of the two probabilities; AFINN: comparative; VADER: compound); a score of exactly 0 stays
 *   neutral and counts as an error.
 * On binary files macro-F1 is the mean of the negative and positive F1 only.
 */
import { classificationReport, type ClassificationReport } from './metrics.ts';
import { EVAL_LABELS, type EvalLabel } from './labels.ts';
import type { Prediction } from './systems.ts';

export interface LanguageFigure {
  lang: string;
  n: number;
  accuracy: number;
  macroF1: number;
}

export interface SystemResult {
  name: string;
  rule: string;
  /** Headline figures: the polarity view on binary files, the 3-way report otherwise. */
  report: ClassificationReport;
  /** Binary files only: the unchanged 3-way predictions. */
  asIs?: { accuracy: number; macroF1: number; neutralPredictions: number };
  perLanguage: LanguageFigure[];
  seconds: number;
}

const negPosF1 = (r: ClassificationReport): number => (r.perClass[0]!.f1 + r.perClass[2]!.f1) / 2;

/** Resolves a neutral prediction by the sign of the score (binary files). */
export function polarity(p: Prediction): EvalLabel {
  if (p.label !== 1) return p.label;
  return p.score > 0 ? 2 : p.score < 0 ? 0 : 1;
}

export function evaluate(truth: readonly EvalLabel[], preds: readonly Prediction[], binary: boolean): ClassificationReport {
  const labels = binary ? preds.map(polarity) : preds.map((p) => p.label);
  const r = classificationReport(truth, labels, EVAL_LABELS);
  return binary ? { ...r, macroF1: negPosF1(r) } : r;
}

export function buildResult(
  sys: { name: string; rule: string },
  truth: readonly EvalLabel[],
  langs: readonly string[],
  preds: readonly Prediction[],
  binary: boolean,
  seconds: number,
): SystemResult {
  const report = evaluate(truth, preds, binary);
  const byLang = new Map<string, number[]>();
  langs.forEach((l, i) => {
    const idx = byLang.get(l);
    if (idx) idx.push(i); else byLang.set(l, [i]);
  });
  const perLanguage = [...byLang.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([lang, idx]): LanguageFigure => {
      const r = evaluate(idx.map((i) => truth[i]!), idx.map((i) => preds[i]!), binary);
      return { lang, n: r.n, accuracy: r.accuracy, macroF1: r.macroF1 };
    });
  const result: SystemResult = { name: sys.name, rule: sys.rule, report, perLanguage, seconds };
  if (binary) {
    const raw = classificationReport(truth, preds.map((p) => p.label), EVAL_LABELS);
    result.asIs = { accuracy: raw.accuracy, macroF1: negPosF1(raw), neutralPredictions: preds.filter((p) => p.label === 1).length };
  }
  return result;
}

const f3 = (x: number): string => x.toFixed(3);
const pad = (s: string, n: number): string => s.padEnd(n);
const lpad = (s: string, n: number): string => s.padStart(n);

export function formatSystem(r: SystemResult, binary: boolean, langSource: string): string {
  const out: string[] = [];
  out.push(`== ${r.name} ==`);
  out.push(`rule: ${r.rule}`);
  out.push(`n ${r.report.n}   accuracy ${f3(r.report.accuracy)}   macro-F1 ${f3(r.report.macroF1)}${binary ? '   (binary: polarity view, macro-F1 over negative/positive)' : ''}`);
  if (r.asIs) {
    out.push(`as is (neutral predictions count as errors): accuracy ${f3(r.asIs.accuracy)}   macro-F1 ${f3(r.asIs.macroF1)}   neutral predictions ${r.asIs.neutralPredictions}`);
  }
  out.push(`${pad('class', 10)}${lpad('precision', 10)}${lpad('recall', 8)}${lpad('F1', 8)}${lpad('support', 9)}`);
  for (const c of r.report.perClass) {
    if (binary && c.label === 'neutral') continue;
    out.push(`${pad(c.label, 10)}${lpad(f3(c.precision), 10)}${lpad(f3(c.recall), 8)}${lpad(f3(c.f1), 8)}${lpad(String(c.support), 9)}`);
  }
  const w = Math.max(8, ...r.report.confusion.flat().map((v) => String(v).length + 1));
  out.push(`confusion (rows = truth, columns = predicted):`);
  out.push(`${pad('', 10)}${EVAL_LABELS.map((l) => lpad(l, w + 1)).join('')}`);
  r.report.confusion.forEach((row, i) => {
    if (binary && i === 1) return; // no true neutrals in a binary file
    out.push(`${pad(EVAL_LABELS[i]!, 10)}${row.map((v) => lpad(String(v), w + 1)).join('')}`);
  });
  if (r.perLanguage.length > 0) {
    out.push(`per language (${langSource}): ` + r.perLanguage.map((l) => `${l.lang} n=${l.n} macro-F1 ${f3(l.macroF1)}`).join('; '));
  }
  return out.join('\n');
}

export function formatSummary(results: readonly SystemResult[], binary: boolean): string {
  const nameW = Math.max(6, ...results.map((r) => r.name.length)) + 2;
  const langs = [...new Set(results.flatMap((r) => r.perLanguage.map((l) => l.lang)))];
  const showLangs = langs.length > 1;
  const head = [pad('system', nameW), lpad('n', 7), lpad('accuracy', 10), lpad('macro-F1', 10)];
  if (binary) head.push(lpad('as-is acc', 11), lpad('as-is F1', 10));
  if (showLangs) head.push(...langs.map((l) => lpad(`F1 ${l}`, 9)));
  const lines = ['== side by side ==', head.join('')];
  for (const r of results) {
    const row = [pad(r.name, nameW), lpad(String(r.report.n), 7), lpad(f3(r.report.accuracy), 10), lpad(f3(r.report.macroF1), 10)];
    if (binary) row.push(lpad(f3(r.asIs?.accuracy ?? 0), 11), lpad(f3(r.asIs?.macroF1 ?? 0), 10));
    if (showLangs) row.push(...langs.map((l) => { const f = r.perLanguage.find((x) => x.lang === l); return lpad(f ? f3(f.macroF1) : '-', 9); }));
    lines.push(row.join(''));
  }
  return lines.join('\n');
}
