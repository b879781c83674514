/**
 * `cxpulse eval` core: read a labelled file, score it with each system in batches, build the
 * figures. Kept apart from the CLI so tests can call it and inspect text and JSON alike.
 */
import { detectLanguage, initBackend, loadTextScorer } from '../../engine/model/index.ts';
import { createProgress, type Progress } from '../progress.ts';
import { readLabelledFile, type SkippedLine } from './read.ts';
import { formatOperatingPoints, operatingPoints, type OperatingPoints, type Probs } from './operating.ts';
import { buildResult, formatSummary, formatSystem, type SystemResult } from './report.ts';
import { afinnSystem, modelSystem, vaderSystem, type EvalSystem, type Prediction } from './systems.ts';

export interface EvalOptions {
  data: string;
  model?: string;
  /** Run the npm baselines too (default true). */
  baselines?: boolean;
  /** Added to the model's negative logit (as CXPULSE_SENTIMENT_NEGATIVE_BIAS); default 0. */
  negativeBias?: number;
  /** false: score without the manifest's per-language class offsets (default: as the engine, with them). */
  classOffsets?: boolean;
  /** Negative precisions to find the best bias for (default [0.7]); see operating.ts. */
  negativePrecision?: readonly number[];
  /** Negative recalls to find the smallest bias for (default [0.8]). */
  negativeRecall?: readonly number[];
  /** Texts per forward pass (as `cxpulse score --batch`). */
  batch?: number;
  /** Where progress goes (default: stderr, only for files of PROGRESS_MIN_ROWS lines or more). */
  progress?: Progress;
}

export interface EvalJson {
  file: string;
  format: string;
  delimiter?: string;
  numericLabels: string;
  binary: boolean;
  binaryNote?: string;
  langSource: string;
  modelVersion: string;
  /** The negative bias the model was scored with, when not 0. */
  negativeBias?: number;
  /** The per-language class offsets the model was scored with (the manifest's), when it has any and they were not turned off. */
  classOffsets?: Record<string, number[]>;
  rows: number;
  skipped: number;
  skippedLines: SkippedLine[];
  systems: SystemResult[];
  /** The model's negative-class operating points (what other negative biases would do on this file). */
  negativeOperatingPoints: OperatingPoints;
}

const SKIPPED_SHOWN = 5;
const PROGRESS_MIN_ROWS = 2000;
export const BINARY_NOTE =
  'binary file (truth has only negative/positive): headline figures resolve a neutral prediction by the sign of the ' +
  "system's score (model: larger of p(negative), p(positive)); 'as is' keeps neutral predictions as errors; " +
  'macro-F1 is over negative/positive';

async function runSystem(
  sys: EvalSystem, texts: readonly string[], langs: readonly string[], batch: number, progress: Progress,
): Promise<{ preds: Prediction[]; seconds: number }> {
  const t0 = performance.now();
  const preds: Prediction[] = [];
  progress.stage(sys.name);
  for (let i = 0; i < texts.length; i += batch) {
    preds.push(...(await sys.predict(texts.slice(i, i + batch), langs.slice(i, i + batch))));
    progress.step(preds.length, texts.length, { 'lines/s': Math.round(preds.length / ((performance.now() - t0) / 1000)) });
  }
  return { preds, seconds: (performance.now() - t0) / 1000 };
}

export async function evaluateFile(o: EvalOptions): Promise<{ text: string; json: EvalJson }> {
  const file = readLabelledFile(o.data);
  const { rows } = file;
  if (rows.length === 0) {
    throw new Error(`${o.data}: no usable labelled lines (${file.skipped.length} skipped${file.skipped[0] ? `, e.g. line ${file.skipped[0].line}: ${file.skipped[0].reason}` : ''})`);
  }
  const texts = rows.map((r) => r.text);
  const truth = rows.map((r) => r.label);
  // The model is fed the file's language when given, else the engine's own guess (as `cxpulse score`).
  const langs = rows.map((r) => r.lang ?? detectLanguage(r.text).lang);
  const withLang = rows.filter((r) => r.lang !== undefined).length;
  const langSource = withLang === rows.length ? 'lang from the file' : withLang === 0 ? 'lang detected' : 'lang from the file, detected where missing';

  await initBackend();
  const scorer = await loadTextScorer(o.model, { negativeBias: o.negativeBias ?? 0, classOffsets: o.classOffsets !== false });
  const systems = [modelSystem(scorer), ...(o.baselines === false ? [] : [afinnSystem(), vaderSystem()])];
  const progress = o.progress ?? createProgress({ quiet: rows.length < PROGRESS_MIN_ROWS });
  const results: SystemResult[] = [];
  let modelProbs: Probs[] = [];
  try {
    for (const sys of systems) {
      const { preds, seconds } = await runSystem(sys, texts, langs, o.batch ?? 256, progress);
      if (results.length === 0) modelProbs = preds.map((p) => p.probs!);
      results.push(buildResult(sys, truth, langs, preds, file.binary, seconds));
    }
  } finally {
    scorer.dispose();
  }

  const head: string[] = [
    `file: ${o.data} (${file.format}${file.delimiter ? `, delimiter ${JSON.stringify(file.delimiter)}` : ''}${file.numericScheme === 'none' ? '' : `, numeric labels read as ${file.numericScheme}`})`,
    `rows: ${rows.length} evaluated, ${file.skipped.length} skipped`,
  ];
  for (const s of file.skipped.slice(0, SKIPPED_SHOWN)) head.push(`  skipped line ${s.line}: ${s.reason}`);
  if (file.skipped.length > SKIPPED_SHOWN) head.push(`  ... and ${file.skipped.length - SKIPPED_SHOWN} more`);
  if (file.binary) head.push(BINARY_NOTE);
  const offsets = scorer.classOffsets;
  if (offsets) head.push(`model: per-language class offsets [negative, neutral, positive] from its manifest: ${Object.entries(offsets).map(([l, v]) => `${l} [${v.join(', ')}]`).join('; ')} (--no-class-offsets scores without)`);
  if (o.negativeBias) head.push(`model: negative bias ${o.negativeBias} added to the negative logit (as CXPULSE_SENTIMENT_NEGATIVE_BIAS)`);
  const ops = operatingPoints(truth, modelProbs, file.binary, o.negativeBias ?? 0, {
    precisions: o.negativePrecision ?? [0.7], recalls: o.negativeRecall ?? [0.8],
  });
  const text = [head.join('\n'), ...results.map((r) => formatSystem(r, file.binary, langSource)), formatOperatingPoints(ops), formatSummary(results, file.binary)].join('\n\n') + '\n';
  const json: EvalJson = {
    file: o.data,
    format: file.format,
    ...(file.delimiter ? { delimiter: file.delimiter } : {}),
    numericLabels: file.numericScheme,
    binary: file.binary,
    ...(file.binary ? { binaryNote: BINARY_NOTE } : {}),
    langSource,
    modelVersion: scorer.version,
    ...(o.negativeBias ? { negativeBias: o.negativeBias } : {}),
    ...(offsets ? { classOffsets: offsets } : {}),
    rows: rows.length,
    skipped: file.skipped.length,
    skippedLines: file.skipped,
    systems: results,
    negativeOperatingPoints: ops,
  };
  return { text, json };
}
