import { resolve } from 'node:path';
import { exportHeldOut, fitOffsetsOnFolder, HELD_OUT_PARTS, parseHyper, trainSentiment, type HeldOutPart } from '../training/sentiment/index.ts';
import { runAblation } from '../training/sentiment/index.ts';
import { trainHeads } from '../training/heads/index.ts';
import { trainChurn } from '../training/churn/index.ts';
import { createProgress } from '../training/progress.ts';
import { requireDataDir } from './dataDir.ts';

export interface TrainCliOptions {
  data: string;
  out?: string;
  seed: number;
  epochs?: number;
  budget: number;
  churn?: boolean;
  stability?: number[];
  /** commander's `--no-heads`: false skips the heads (emotion, topic, urgency, formality). Default true. */
  heads?: boolean;
  /** `--heads-only`: retrain just the heads against the existing main model in `out`. */
  headsOnly?: boolean;
  /** `--hyper k=v,...`: sentiment hyper-parameter overrides (training/sentiment/config.ts). */
  hyper?: string;
  /** `--sets a,b` or `none`: the public sets to train on. */
  sets?: string;
  /** `--own a.jsonl,b.csv`: a company's own labelled tickets. */
  own?: string;
  /** `--export-heldout SET`: write that set's held-out part as JSONL to `out` for `cxpulse eval`; trains nothing. */
  exportHeldout?: string;
  /** `--part test|valid` of `--export-heldout`; default test. */
  part?: string;
  /** `--ablation`: retrain without each set (and without the word-list prior); writes ABLATION.md and ablation.json to `out`. */
  ablation?: boolean;
  /** `--fit-offsets`: fit the per-language logit scales and class offsets of the model in `out` on validation, re-score, rewrite its card; no training. */
  fitOffsets?: boolean;
}

const list = (v: string): string[] => v.split(',').map((x) => x.trim()).filter((x) => x !== '');

/**
 * `cxpulse train`, the one way to train: the main sentiment model, then its heads (unless
 * --no-heads); or --heads-only; or --churn; or --export-heldout (a held-out part for `cxpulse eval`).
 * Progress goes to stderr, the report as JSON to stdout.
 */
export async function runTrain(o: TrainCliOptions): Promise<void> {
  // Only --sets none (a company's own files alone, no heads from public data) needs no data folder.
  if (o.sets !== 'none') requireDataDir(o.data);
  const progress = createProgress();
  if (o.exportHeldout !== undefined) {
    if (!o.out) throw new Error('--export-heldout needs --out FILE.jsonl (outside the repository: the data sets may not be committed)');
    const part = o.part ?? 'test';
    if (!(HELD_OUT_PARTS as readonly string[]).includes(part)) throw new Error(`--part must be ${HELD_OUT_PARTS.join(' or ')}, got ${part}`);
    exportHeldOut({ dataDir: resolve(o.data), seed: o.seed, set: o.exportHeldout, part: part as HeldOutPart, outFile: resolve(o.out), progress });
    return;
  }
  if (o.part !== undefined) throw new Error('--part only applies to --export-heldout');
  if (o.fitOffsets) {
    const report = await fitOffsetsOnFolder({ dataDir: o.data, outDir: o.out ?? 'models/sentiment', progress, ...(o.hyper ? { hyper: parseHyper(o.hyper) } : {}) });
    process.stdout.write(`${JSON.stringify({ classScales: report.classScales, classOffsets: report.classOffsets }, null, 2)}\n`);
    return;
  }
  if (o.ablation) {
    const runs = await runAblation({ dataDir: o.data, outDir: o.out ?? 'models/sentiment', seed: o.seed, epochs: o.epochs, progress,
      ...(o.hyper ? { hyper: parseHyper(o.hyper) } : {}),
      ...(o.sets ? { sets: list(o.sets) } : {}),
    });
    process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return;
  }
  if (o.churn) {
    if (o.stability && !o.stability.every(Number.isInteger)) throw new Error(`--stability must be comma-separated integers, got ${o.stability.join(',')}`);
    const report = await trainChurn({ dataDir: o.data, outDir: o.out ?? 'models/churn', seed: o.seed, stabilitySeeds: o.stability, progress });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  if (o.headsOnly && o.heads === false) throw new Error('--heads-only and --no-heads contradict each other');
  const outDir = o.out ?? 'models/sentiment';
  const result: Record<string, unknown> = {};
  if (!o.headsOnly) {
    result['sentiment'] = await trainSentiment({ dataDir: o.data, outDir, seed: o.seed, epochs: o.epochs, timeBudgetSec: o.budget, progress,
      ...(o.hyper ? { hyper: parseHyper(o.hyper) } : {}),
      ...(o.sets ? { sets: o.sets === 'none' ? [] : list(o.sets) } : {}),
      ...(o.own ? { ownFiles: list(o.own) } : {}),
    });
  }
  // The heads learn from the public sets (GoEmotions, Banking77 ...): with none of them, the
  // heads already in --out are kept as they are (same featurizer, so they still load).
  const headsFromPublicData = o.sets !== 'none';
  if (!headsFromPublicData && o.heads !== false && !o.headsOnly) progress.line('--sets none: the heads are not retrained (they need the public sets); the heads already in --out are kept');
  if (o.heads !== false && (headsFromPublicData || o.headsOnly)) {
    result['heads'] = await trainHeads({ dataDir: o.data, modelDir: outDir, seed: o.seed, progress });
  }
  // One report: the sentiment report alone keeps its old shape when the heads are skipped.
  process.stdout.write(`${JSON.stringify(o.headsOnly ? result['heads'] : o.heads === false ? result['sentiment'] : result, null, 2)}\n`);
}
