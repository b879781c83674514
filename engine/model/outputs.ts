/**
 * Turns the probabilities of one forward pass into the event contract's score objects
 * (SentimentScore, and per head kind a ClassScore or a MultiLabelScore), one row at a time.
 */
import {
  INTENSITY_LABELS, SENTIMENT_LABELS, headDef,
  type ClassScore, type HeadName, type HeadScore, type IntensityLabel, type MultiLabelScore, type SentimentScore,
} from '../event/types.ts';

/**
 * Argmax of softmax probabilities; score = p(positive) - p(negative). `scale` (the model's
 * per-language logit scale, manifest classScales) multiplies the logits first: softmax(s * z) is
 * p^s renormalised, which never changes the argmax, only how sure it is. `offsets` (the model's
 * per-language class offsets, manifest classOffsets, one per class) and `negativeBias` (a
 * deployment's prior, CXPULSE_SENTIMENT_NEGATIVE_BIAS, on the negative class) are then added to
 * the logits before the argmax, offsets first: p(c) is multiplied by e^(offset + bias) and the
 * three renormalised, so a positive negative bias trades negative precision for negative recall;
 * scale 1, bias 0 and no offsets leave the model's output as is.
 */
export function sentimentAt(p: ArrayLike<number>, i: number, negativeBias = 0, offsets?: readonly number[], scale = 1): SentimentScore {
  let neg = p[i * 3]!, neu = p[i * 3 + 1]!, pos = p[i * 3 + 2]!;
  if (scale !== 1) {
    // Divide by the largest first so p^s cannot underflow all three to 0.
    const top = Math.max(neg, neu, pos);
    neg = (neg / top) ** scale;
    neu = (neu / top) ** scale;
    pos = (pos / top) ** scale;
  }
  if (negativeBias !== 0 || offsets || scale !== 1) {
    neg *= Math.exp((offsets?.[0] ?? 0) + negativeBias);
    if (offsets) {
      neu *= Math.exp(offsets[1] ?? 0);
      pos *= Math.exp(offsets[2] ?? 0);
    }
    const z = neg + neu + pos;
    neg /= z;
    neu /= z;
    pos /= z;
  }
  const probs = [neg, neu, pos] as const;
  const best = neg >= neu && neg >= pos ? 0 : pos >= neu ? 2 : 1;
  return { label: SENTIMENT_LABELS[best]!, score: pos - neg, confidence: probs[best] };
}

/**
 * The language block a feature array uses (index into architecture.languageRows), or -1 for the
 * shared rows only: withLanguageRows appends the copies of the text's block after the base ids
 * (all below `buckets`), and the word-list counts (lexCounts.ts) sit in the same block, so the
 * last id tells the block. The class scales and offsets are chosen by it, i.e.
 * by the same language (the event's, else the engine's guess) that chose the rows.
 */
export function languageBlockOf(features: Int32Array, buckets: number): number {
  const last = features.length > 0 ? features[features.length - 1]! : 0;
  return last >= buckets ? Math.floor(last / buckets) - 1 : -1;
}

/** Argmax of one row of a single-label head. */
export function classAt<L extends string>(labels: readonly L[], p: ArrayLike<number>, i: number): ClassScore<L> {
  const k = labels.length;
  let best = 0;
  for (let j = 1; j < k; j++) if (p[i * k + j]! > p[i * k + best]!) best = j;
  return { label: labels[best]!, confidence: p[i * k + best]! };
}

/**
 * Intensity rule: the probability of the most probable label other than the head's neutral one,
 * split at INTENSITY_CUTS (below 0.5 mild, below 0.8 moderate, else strong). The sigmoid
 * probabilities are how sure the head is the label is expressed at all; GoEmotions has no
 * intensity labels, so a clearer (more probable) expression is the best proxy we have for a
 * stronger one.
 */
export const INTENSITY_CUTS = [0.5, 0.8] as const;

export function intensityOf(score: number): IntensityLabel {
  return INTENSITY_LABELS[score < INTENSITY_CUTS[0] ? 0 : score < INTENSITY_CUTS[1] ? 1 : 2]!;
}

/**
 * Multi-label: every label whose sigmoid passes its threshold, most probable first; when none
 * does, the single most probable label relative to its threshold (the contract promises one).
 */
export function multiLabelAt<L extends string>(labels: readonly L[], neutral: L, p: ArrayLike<number>, i: number, thresholds: readonly number[]): MultiLabelScore<L> {
  const k = labels.length;
  const probs = {} as Record<L, number>;
  const passed: L[] = [];
  let bestRel = -Infinity, fallback: L = neutral, top = 0;
  labels.forEach((label, j) => {
    const v = p[i * k + j]!;
    probs[label] = v;
    if (v >= thresholds[j]!) passed.push(label);
    if (v / thresholds[j]! > bestRel) { bestRel = v / thresholds[j]!; fallback = label; }
    if (label !== neutral && v > top) top = v;
  });
  passed.sort((a, b) => probs[b] - probs[a]);
  return { labels: passed.length > 0 ? passed : [fallback], probs, intensity: intensityOf(top), intensityScore: top };
}

/** Row `i` of head `name`'s probabilities as the score the event carries; `thresholds` for multi-label heads. */
export function headScoreAt<K extends HeadName>(name: K, p: ArrayLike<number>, i: number, thresholds: readonly number[]): HeadScore<K> {
  const h = headDef(name);
  const score = h.kind === 'multi' ? multiLabelAt(h.labels, h.neutral, p, i, thresholds) : classAt(h.labels, p, i);
  return score as HeadScore<K>;
}
