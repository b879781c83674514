/**
 * The systems compared by `cxpulse eval`: our TF.js model (the exact `cxpulse score` path:
 * featurize + one batched predict) and two lexicon baselines from npm, each reduced to a
 * 3-way label plus a signed continuous score (used for the binary view, see report.ts).
 */
import Sentiment from 'sentiment';
import vader from 'vader-sentiment';
import type { TextScorer } from '../../engine/model/index.ts';
import type { EvalLabel } from './labels.ts';
import { probsOf, type Probs } from './operating.ts';

export interface Prediction {
  label: EvalLabel;
  /** Signed polarity: > 0 leans positive, < 0 negative. */
  score: number;
  /** The model only: p(negative), p(neutral), p(positive). */
  probs?: Probs;
}

export interface EvalSystem {
  name: string;
  /** One line saying how the system's output became a label (printed with the results). */
  rule: string;
  predict(texts: readonly string[], langs: readonly string[]): Promise<Prediction[]>;
}

const LABEL_ID = { negative: 0, neutral: 1, positive: 2 } as const;

export function modelSystem(scorer: TextScorer): EvalSystem {
  return {
    name: `cxpulse ${scorer.version}`,
    rule: 'label = most probable class; score = p(positive) - p(negative)',
    async predict(texts, langs) {
      const out = await scorer.predict(texts.map((t, i) => scorer.featurize(t, langs[i])));
      return out.map((s) => ({ label: LABEL_ID[s.label], score: s.score, probs: probsOf(LABEL_ID[s.label], s.confidence, s.score) }));
    },
  };
}

/** AFINN's comparative (sum of word valences / tokens) has no published cut-off; 0.05 mirrors VADER's. */
export const AFINN_THRESHOLD = 0.05;
/** VADER's own convention (Hutto & Gilbert; vaderSentiment README): compound >= 0.05 / <= -0.05. */
export const VADER_THRESHOLD = 0.05;

export function threeWay(score: number, threshold: number, inclusive: boolean): EvalLabel {
  if (inclusive ? score >= threshold : score > threshold) return 2;
  if (inclusive ? score <= -threshold : score < -threshold) return 0;
  return 1;
}

export function afinnSystem(): EvalSystem {
  const analyzer = new Sentiment();
  return {
    name: 'sentiment (AFINN)',
    rule: `comparative > ${AFINN_THRESHOLD} positive, < -${AFINN_THRESHOLD} negative, else neutral (English lexicon for every language)`,
    async predict(texts) {
      return texts.map((t) => {
        const c = analyzer.analyze(t).comparative;
        return { label: threeWay(c, AFINN_THRESHOLD, false), score: c };
      });
    },
  };
}

export function vaderSystem(): EvalSystem {
  return {
    name: 'vader-sentiment',
    rule: `compound >= ${VADER_THRESHOLD} positive, <= -${VADER_THRESHOLD} negative, else neutral (VADER's convention; English lexicon)`,
    async predict(texts) {
      return texts.map((t) => {
        const c = vader.SentimentIntensityAnalyzer.polarity_scores(t).compound;
        return { label: threeWay(c, VADER_THRESHOLD, true), score: c };
      });
    },
  };
}
