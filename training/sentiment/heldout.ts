/**
 * Writes the held-out (or validation) part of a training set as an evaluation JSONL file, so the
 * figures in the model card can be reproduced with `cxpulse eval --data FILE` — the same code that
 * prints the model beside the `sentiment` (AFINN) and `vader-sentiment` baselines. The split is
 * recomputed from the data and the seed, exactly as training made it; nothing is copied into the repo.
 */
import { writeFileSync } from 'node:fs';
import { SENTIMENT_LABELS } from '../../engine/event/index.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { loadSentimentSets, SENTIMENT_SETS, type Example } from './data.ts';

export type HeldOutPart = 'test' | 'valid';
export const HELD_OUT_PARTS: readonly HeldOutPart[] = ['test', 'valid'];

export interface HeldOutFile {
  set: string;
  lang: string;
  part: HeldOutPart;
  /** One `{"text","label","lang"}` object per line, label as a word (negative / neutral / positive). */
  jsonl: string;
  rows: number;
}

/** JSONL lines for examples of one language; the label is spelled out so no numeric convention is needed. */
export function toEvalJsonl(examples: readonly Example[], lang: string): string {
  return examples.map((e) => JSON.stringify({ text: e.text, label: SENTIMENT_LABELS[e.label], lang: e.lang ?? lang })).join('\n') + (examples.length > 0 ? '\n' : '');
}

/** The chosen part of a named set (seeded split as in training); throws on an unknown set or an empty part. */
export function heldOutFile(dataDir: string, seed: number, set: string, part: HeldOutPart = 'test'): HeldOutFile {
  if (!SENTIMENT_SETS.includes(set)) throw new Error(`unknown data set ${set}; known: ${SENTIMENT_SETS.join(', ')}`);
  const [s] = loadSentimentSets(dataDir, seed, [set]);
  const examples = s![part];
  if (examples.length === 0) throw new Error(`${set} has no ${part} part (${s!.heldOut})`);
  return { set, lang: s!.lang, part, jsonl: toEvalJsonl(examples, s!.lang), rows: examples.length };
}

export interface ExportHeldOutOptions {
  dataDir: string;
  seed: number;
  set: string;
  part?: HeldOutPart;
  /** The JSONL file to write: outside the repository, the data sets' terms do not allow committing them. */
  outFile: string;
  progress?: Progress;
}

/** `cxpulse train --export-heldout SET --out FILE`: writes the part and reports the row count. */
export function exportHeldOut(o: ExportHeldOutOptions): HeldOutFile {
  const progress = o.progress ?? silentProgress;
  progress.stage('held-out export');
  const f = heldOutFile(o.dataDir, o.seed, o.set, o.part);
  writeFileSync(o.outFile, f.jsonl);
  progress.line(`wrote ${f.rows} rows of ${f.set} (${f.part}, lang ${f.lang}) to ${o.outFile}`);
  return f;
}
