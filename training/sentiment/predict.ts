import { SENTIMENT_LABELS } from '../../engine/event/index.ts';
import type { TextScorer } from '../../engine/model/index.ts';
import type { Example } from './data.ts';
import { probsOf, type Probs } from '../eval/operating.ts';

export interface Predictions {
  /** Index into SENTIMENT_LABELS per example. */
  pred: number[];
  /** The stated confidence of the predicted label. */
  confidence: number[];
  /** p(negative), p(neutral), p(positive) per example (for the operating points, training/eval/operating.ts). */
  probs: Probs[];
}

/**
 * Scores labelled examples through the shipped inference path, in batches of 256: binary sets by
 * the sign of `score` (positive or negative), three-class sets by the label. The one scoring loop
 * of the training report and the quality gate.
 */
export async function predictExamples(scorer: Pick<TextScorer, 'score'>, examples: readonly Example[], langOf: (e: Example) => string | undefined, binary: boolean): Promise<Predictions> {
  const out: Predictions = { pred: [], confidence: [], probs: [] };
  for (let i = 0; i < examples.length; i += 256) {
    const batch = examples.slice(i, i + 256);
    for (const sc of await scorer.score(batch.map((e) => e.text), batch.map(langOf))) {
      out.pred.push(binary ? (sc.score >= 0 ? 2 : 0) : SENTIMENT_LABELS.indexOf(sc.label));
      out.confidence.push(sc.confidence);
      out.probs.push(probsOf(SENTIMENT_LABELS.indexOf(sc.label) as 0 | 1 | 2, sc.confidence, sc.score));
    }
  }
  return out;
}
