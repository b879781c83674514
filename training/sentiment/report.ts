/**
 * The figures sentiment training reports: metrics.json holds them and the model card
 * (card.ts, card-sections.ts) is rendered from them.
 */
import type { SideBySide } from './baselines.ts';
import type { ClassificationReport } from '../eval/metrics.ts';
import type { OperatingPoints } from '../eval/operating.ts';

export interface SetReport extends ClassificationReport {
  name: string;
  lang: string;
  heldOut: string;
  binary: boolean;
  trainExamples: number;
  /**
   * Expected calibration error of the stated confidence on the held-out part (10 equal-width bins:
   * |accuracy - mean confidence| weighted by the bin's share); 3-class parts only.
   */
  ece?: number | undefined;
  /** Models with language rows: macro-F1 when the engine's language guess picks the rows instead of the set's language. */
  detectedLangMacroF1?: number | undefined;
}

export interface TrainReport {
  modelVersion: string;
  outDir: string;
  backend: string;
  seed: number;
  epochsRun: number;
  bestEpoch: number;
  validMacroF1ByEpoch: number[];
  trainExamples: number;
  /** Set when the shipped model was trained again on training + validation for the chosen epochs (hyper refit=1). */
  refit?: { trainExamples: number; epochs: number };
  wallSec: number;
  /** In-domain held-out parts, one per set. */
  sets: SetReport[];
  /** Training lines of our written seed (cx-seed), per language; absent when it was not used. */
  seedTrain?: Record<string, number>;
  /** Held-out parts of multi-language sets (the hand-written set, own tickets), one row per language. */
  byLanguage: SetReport[];
  /** Sets never trained on (UCI Amazon reviews, GermEval 2017 Deutsche Bahn feedback). */
  outOfDomain: SetReport[];
  /** Every held-out part scored by the model, AFINN and VADER with `cxpulse eval`'s code. */
  baselines: SideBySide[];
  /**
   * The customer-facing held-out parts scored again with a negative bias (CXPULSE_SENTIMENT_NEGATIVE_BIAS):
   * negative precision and recall and macro-F1 per bias, bias 0 first.
   */
  negativeBias?: { bias: number; name: string; macroF1: number; negPrecision: number; negRecall: number }[];
  /**
   * The same parts' negative-class operating points from the bias-0 run (training/eval/operating.ts): average
   * precision, the most negative recall at precision >= 0.70 and the precision at which recall reaches 0.75.
   */
  negativeOperating?: { name: string; n: number; negatives: number; averagePrecision: number; atPrecision: OperatingPoints['atPrecision']; atRecall: OperatingPoints['atRecall'] }[];
  /** Per-language class offsets fitted on validation, and every held-out part without and with them. */
  classOffsets?: OffsetsReport;
  /** Per-language logit scales fitted on validation, and every 3-class held-out part's ECE and macro-F1 without and with them. */
  classScales?: ScalesReport;
  /** Pooled over the in-domain 3-class held-out parts of the real data (not the seed), plus the mean of per-set macro-F1. */
  overall: { n: number; accuracy: number; macroF1: number; meanSetMacroF1: number };
}

export interface OffsetsReport {
  /** Offsets [negative, neutral, positive] per language block, fitted on the validation parts (absent: 0). */
  fitted: Record<string, number[]>;
  /** Whether the manifest holds them, i.e. the engine and every figure above use them. */
  applied: boolean;
  /** The grid searched (offsets.ts OffsetSearch). */
  search: { range: number; step: number; penalty: number };
  /** Mean per-set validation macro-F1 of each language without and with its offsets (what was maximised). */
  validation: { lang: string; sets: string[]; before: number; after: number }[];
  /** Every held-out part scored without and with the fitted offsets, through loadTextScorer. */
  heldOut: { name: string; lang: string; binary: boolean; before: ClassificationReport; after: ClassificationReport }[];
}

export interface ScalesReport {
  /** Logit scale per language block, fitted on the 3-class validation lines (absent: 1). */
  fitted: Record<string, number>;
  /** Whether the manifest holds them, i.e. the engine and every figure above use them. */
  applied: boolean;
  /** The interval searched (scales.ts SCALE_RANGE). */
  range: [number, number];
  /** Per language: its 3-class validation lines' NLL and ECE without and with its scale (NLL is what was minimised). */
  validation: { lang: string; sets: string[]; n: number; scale: number; nllBefore: number; nllAfter: number; eceBefore: number; eceAfter: number }[];
  /** Every 3-class held-out part without and with the fitted scales, through loadTextScorer (offsets as the manifest has them). */
  heldOut: { name: string; lang: string; n: number; eceBefore: number; eceAfter: number; macroF1Before: number; macroF1After: number }[];
}
