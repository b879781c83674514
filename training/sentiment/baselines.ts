/**
 * The model beside the `sentiment` (AFINN) and `vader-sentiment` lexicon baselines on a held-out
 * part, computed by the very code `cxpulse eval` runs (training/eval: systems + report), so the
 * side-by-side figures in the model card are the ones `cxpulse eval --data FILE` prints for the
 * file that `cxpulse train --export-heldout SET` exports.
 */
import { buildResult, type SystemResult } from '../eval/report.ts';
import { afinnSystem, modelSystem, vaderSystem } from '../eval/systems.ts';
import type { TextScorer } from '../../engine/model/index.ts';
import type { LabelledSet } from './data.ts';

export interface SideBySide {
  name: string;
  lang: string;
  binary: boolean;
  n: number;
  /** Model first, then AFINN, then VADER: macro-F1 (binary sets: the polarity view) and accuracy. */
  systems: { name: string; accuracy: number; macroF1: number }[];
  /** Model macro-F1 minus the better baseline's. */
  marginOverBest: number;
}

const BATCH = 256;

/** Scores a set's test part with the three systems; each line's language is given (its own, else the set's), as in the exported JSONL. */
export async function sideBySide(scorer: TextScorer, set: LabelledSet): Promise<SideBySide> {
  const rows = set.test;
  const texts = rows.map((r) => r.text);
  const langs = rows.map((r) => r.lang ?? set.lang);
  const truth = rows.map((r) => r.label);
  const binary = set.binary;
  const results: SystemResult[] = [];
  for (const sys of [modelSystem(scorer), afinnSystem(), vaderSystem()]) {
    const t0 = performance.now();
    const preds = [];
    for (let i = 0; i < texts.length; i += BATCH) preds.push(...(await sys.predict(texts.slice(i, i + BATCH), langs.slice(i, i + BATCH))));
    results.push(buildResult(sys, truth, langs, preds, binary, (performance.now() - t0) / 1000));
  }
  const systems = results.map((r) => ({ name: r.name, accuracy: r.report.accuracy, macroF1: r.report.macroF1 }));
  const best = Math.max(systems[1]!.macroF1, systems[2]!.macroF1);
  return { name: set.name, lang: set.lang, binary, n: rows.length, systems, marginOverBest: systems[0]!.macroF1 - best };
}
