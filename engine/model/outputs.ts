/**
 * Turns the probabilities of one forward pass into the event contract's score objects
 * (SentimentScore, EmotionScore, ClassScore), one row at a time.
 */
import {
  EMOTION_LABELS, INTENSITY_LABELS, SENTIMENT_LABELS,
  type EmotionLabel, type EmotionScore, type IntensityLabel, type SentimentScore, type ClassScore,
} from '../event/types.ts';

/** Argmax of softmax probabilities; score = p(positive) - p(negative). */
export function sentimentAt(p: ArrayLike<number>, i: number): SentimentScore {
  const neg = p[i * 3]!, neu = p[i * 3 + 1]!, pos = p[i * 3 + 2]!;
  const best = neg >= neu && neg >= pos ? 0 : pos >= neu ? 2 : 1;
  return { label: SENTIMENT_LABELS[best]!, score: pos - neg, confidence: p[i * 3 + best]! };
}

/** Argmax of one row of a single-label head. */
export function classAt<L extends string>(labels: readonly L[], p: ArrayLike<number>, i: number): ClassScore<L> {
  const k = labels.length;
  let best = 0;
  for (let j = 1; j < k; j++) if (p[i * k + j]! > p[i * k + best]!) best = j;
  return { label: labels[best]!, confidence: p[i * k + best]! };
}

/**
 * Intensity rule: the probability of the most probable non-neutral emotion, split at
 * INTENSITY_CUTS (below 0.5 mild, below 0.8 moderate, else strong). The sigmoid probabilities
 * are how sure the head is the emotion is expressed at all; GoEmotions has no intensity labels,
 * so a clearer (more probable) expression is the best proxy we have for a stronger one.
 */
export const INTENSITY_CUTS = [0.5, 0.8] as const;

export function intensityOf(score: number): IntensityLabel {
  return INTENSITY_LABELS[score < INTENSITY_CUTS[0] ? 0 : score < INTENSITY_CUTS[1] ? 1 : 2]!;
}

/**
 * Multi-label emotion: every label whose sigmoid passes its threshold, most probable first; when
 * none does, the single most probable label relative to its threshold (the contract promises one).
 */
export function emotionAt(p: ArrayLike<number>, i: number, thresholds: readonly number[]): EmotionScore {
  const k = EMOTION_LABELS.length;
  const probs = {} as Record<EmotionLabel, number>;
  const passed: EmotionLabel[] = [];
  let bestRel = -Infinity, fallback: EmotionLabel = 'neutral', top = 0;
  EMOTION_LABELS.forEach((label, j) => {
    const v = p[i * k + j]!;
    probs[label] = v;
    if (v >= thresholds[j]!) passed.push(label);
    if (v / thresholds[j]! > bestRel) { bestRel = v / thresholds[j]!; fallback = label; }
    if (label !== 'neutral' && v > top) top = v;
  });
  passed.sort((a, b) => probs[b] - probs[a]);
  return { labels: passed.length > 0 ? passed : [fallback], probs, intensity: intensityOf(top), intensityScore: top };
}
