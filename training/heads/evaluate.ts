/**
 * Held-out figures of the heads through the shipped inference path: the written folders are
 * loaded with loadTextScorer (quantized weights, concatenated tables, predictAll) exactly as
 * the engine loads them.
 */
import { EMOTION_LABELS, type TextScores } from '../../engine/event/index.ts';
import type { TextScorer } from '../../engine/model/index.ts';
import { classificationReport, type ClassificationReport, type ClassMetrics } from '../eval/metrics.ts';
import type { HeadExample } from './data.ts';
import { EMOTION_POLARITY } from './emotionCues.ts';

export interface MultiLabelReport {
  n: number;
  macroF1: number;
  /** Share of texts whose predicted label set equals the true set. */
  exactMatch: number;
  perLabel: ClassMetrics[];
}

export async function scoreAll(scorer: Pick<TextScorer, 'featurize' | 'predictAll'>, exs: readonly HeadExample[], withTexts = false): Promise<TextScores[]> {
  const out: TextScores[] = [];
  for (let i = 0; i < exs.length; i += 256) {
    const part = exs.slice(i, i + 256);
    const feats = part.map((e) => scorer.featurize(e.text, e.lang));
    out.push(...(await scorer.predictAll(feats, withTexts ? part.map((e) => e.text) : undefined, part.map((e) => e.lang))));
  }
  return out;
}

export function multiLabelReport(truth: readonly Float32Array[], pred: readonly (readonly string[])[]): MultiLabelReport {
  const perLabel = EMOTION_LABELS.map((label, j) => {
    let tp = 0, fp = 0, fn = 0;
    truth.forEach((y, i) => {
      const p = pred[i]!.includes(label), t = y[j]! > 0;
      if (p && t) tp++; else if (p) fp++; else if (t) fn++;
    });
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0, recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision: r4(precision), recall: r4(recall), f1: r4(f1), support: tp + fn };
  });
  const exact = truth.filter((y, i) => EMOTION_LABELS.every((l, j) => (y[j]! > 0) === pred[i]!.includes(l))).length;
  return { n: truth.length, macroF1: r4(perLabel.reduce((a, m) => a + m.f1, 0) / perLabel.length), exactMatch: r4(exact / Math.max(1, truth.length)), perLabel };
}

export async function evaluateEmotion(scorer: TextScorer, exs: readonly HeadExample[]): Promise<MultiLabelReport> {
  const s = await scoreAll(scorer, exs);
  return multiLabelReport(exs.map((e) => e.targets!), s.map((x) => x.emotion?.labels ?? []));
}

/**
 * The emotion head against human sentiment labels: the text's most probable listed emotion, read
 * as negative (anger, frustration, disappointment, confusion), neutral or positive (joy,
 * enthusiasm, gratitude), scored like a 3-class sentiment prediction. A check of direction only:
 * no public emotion labels exist outside English.
 */
export async function evaluateEmotionPolarity(scorer: Pick<TextScorer, 'featurize' | 'predictAll'>, exs: readonly HeadExample[]): Promise<ClassificationReport> {
  const s = await scoreAll(scorer, exs);
  const pred = s.map((x) => {
    const top = x.emotion?.labels[0];
    return top === undefined ? 1 : EMOTION_POLARITY[top];
  });
  return rounded(classificationReport(exs.map((e) => e.label), pred, ['negative', 'neutral', 'positive']));
}

export async function evaluateClass(
  scorer: TextScorer, head: 'topic' | 'urgency' | 'formality', labels: readonly string[], exs: readonly HeadExample[],
): Promise<ClassificationReport> {
  const s = await scoreAll(scorer, exs);
  return rounded(classificationReport(exs.map((e) => e.label), s.map((x) => labels.indexOf(x[head]?.label ?? '')), labels));
}

/** The weak rules' own accuracy on the same hand-written texts (an abstention counts as wrong). */
export function ruleBaseline(exs: readonly HeadExample[], labels: readonly string[], rule: (e: HeadExample) => string | undefined): { accuracy: number; abstained: number } {
  let right = 0, abstained = 0;
  for (const e of exs) {
    const l = rule(e);
    if (l === undefined) abstained++;
    else if (labels.indexOf(l) === e.label) right++;
  }
  return { accuracy: r4(right / Math.max(1, exs.length)), abstained };
}

const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

function rounded(r: ClassificationReport): ClassificationReport {
  return { ...r, accuracy: r4(r.accuracy), macroF1: r4(r.macroF1), perClass: r.perClass.map((m) => ({ ...m, precision: r4(m.precision), recall: r4(m.recall), f1: r4(m.f1) })) };
}
