/**
 * `cxpulse train --fit-offsets`: fit the per-language logit scales and class offsets of an
 * existing model folder on the validation parts (the same seeded splits its training used)
 * without retraining the weights, store them (applied with classScales=1 / classOffsets=1), re-score every held-out part and rewrite
 * metrics.json and MODEL_CARD.md. The training-time figures (epochs, training size, wall time)
 * are kept from the folder's metrics.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, MANIFEST_FILE, validateManifest } from '../../engine/model/index.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { resolveHyper, type Hyper } from './config.ts';
import { loadSentimentSets } from './data.ts';
import { evaluateFolder, langOf } from './evaluate.ts';
import { describeOffsets, fitFolderOffsets, storeClassOffsets, validationGroups } from './offsets.ts';
import { describeScales, fitScalesOnGroups, scaleGroups, storeClassScales } from './scales.ts';
import type { OffsetsReport, ScalesReport, TrainReport } from './report.ts';
import { writeReport } from './train.ts';

export interface RefitOptions {
  dataDir: string;
  outDir: string;
  /** `classScales` (0/1) decides whether the manifest gets the scales (default: as the folder had them, else 1); `classOffsets` (0/1) decides whether the manifest gets them; default: as the folder had them, else its training setting, else DEFAULT_HYPER's. */
  hyper?: Partial<Hyper>;
  progress?: Progress;
}

export async function fitOffsetsOnFolder(o: RefitOptions): Promise<TrainReport> {
  const progress = o.progress ?? silentProgress;
  progress.stage('class offsets');
  await initBackend();
  const manifestPath = join(o.outDir, MANIFEST_FILE);
  let manifest = validateManifest(JSON.parse(readFileSync(manifestPath, 'utf8')), manifestPath);
  const t = manifest.training ?? {};
  const seed = Number(t['seed'] ?? 42);
  const names = [...(t['sets'] as string[] | undefined ?? []), ...(t['heldOutOnly'] as string[] | undefined ?? [])];
  const own = names.filter((n) => n.startsWith('own:'));
  if (own.length > 0) throw new Error(`--fit-offsets re-reads the public sets only; ${manifestPath} was trained on ${own.join(', ')}: retrain instead`);
  if (names.length === 0) throw new Error(`${manifestPath} names no training sets (training.sets)`);
  const metrics = JSON.parse(readFileSync(join(o.outDir, 'metrics.json'), 'utf8')) as Omit<TrainReport, 'outDir'>;
  const sets = loadSentimentSets(o.dataDir, seed, names);
  const inDomain = sets.filter((s) => !s.outOfDomain && s.train.length > 0);
  // Explicit --hyper classOffsets=0/1 wins; else what the folder did last time; else its training setting or the default.
  const previous = (t['classOffsets'] as { applied?: boolean } | undefined)?.applied;
  const stored = (t['hyperparameters'] ?? {}) as Partial<Hyper>;
  const apply = o.hyper?.classOffsets !== undefined ? o.hyper.classOffsets === 1
    : previous ?? resolveHyper(stored.classOffsets !== undefined ? { classOffsets: stored.classOffsets } : {}).classOffsets === 1;

  const prevScales = (t['classScales'] as { applied?: boolean } | undefined)?.applied;
  const applyScales = o.hyper?.classScales !== undefined ? o.hyper.classScales === 1
    : prevScales ?? resolveHyper(stored.classScales !== undefined ? { classScales: stored.classScales } : {}).classScales === 1;

  // A model refit on training + validation (refit=1) has seen the validation parts: fitting on them
  // again would make it overconfident. Its scales and offsets (fitted with the first model) stay;
  // the held-out parts are re-scored and the card rewritten.
  const refit = t['refit'] !== undefined;
  let offsets: Omit<OffsetsReport, 'heldOut'>, scales: Omit<ScalesReport, 'heldOut'>;
  if (refit) {
    if (o.hyper?.classScales !== undefined || o.hyper?.classOffsets !== undefined) {
      throw new Error(`${manifestPath} was refit on training + validation (training.refit), so its validation parts cannot fit new scales or offsets: retrain with --hyper refit=0,classScales=...,classOffsets=... instead`);
    }
    if (!metrics.classScales || !metrics.classOffsets) throw new Error(`${join(o.outDir, 'metrics.json')} lacks the scales or offsets fitted at training: retrain`);
    progress.line('model refit on training + validation: keeping the scales and offsets fitted at training with the first model; re-scoring the held-out parts');
    const { heldOut: _so, ...keptScales } = metrics.classScales;
    const { heldOut: _oo, ...keptOffsets } = metrics.classOffsets;
    scales = keptScales;
    offsets = keptOffsets;
  } else {
    // Scales first (they multiply the logits before the offsets), then the offsets on the scaled logits.
    const groups = validationGroups(o.outDir, inDomain.filter((s) => s.valid.length > 0), langOf);
    const scaleFit = fitScalesOnGroups(groups);
    manifest = storeClassScales(o.outDir, manifest, scaleFit, applyScales);
    progress.line(`class scales (validation NLL): ${describeScales(scaleFit.fitted)}; ${manifest.classScales ? `applied (${manifest.version})` : 'reported, not applied'}`);
    const fit = fitFolderOffsets(scaleGroups(groups, manifest.classScales ?? {}));
    manifest = storeClassOffsets(o.outDir, manifest, fit, apply);
    progress.line(`class offsets (validation): ${describeOffsets(fit.fitted)}; ${manifest.classOffsets ? `applied (${manifest.version})` : 'reported, not applied'}`);
    offsets = { ...fit, applied: manifest.classOffsets !== undefined };
    scales = { ...scaleFit, applied: manifest.classScales !== undefined };
  }
  const figures = await evaluateFolder({
    outDir: o.outDir, sets, inDomain, validSeen: refit, languageRows: (manifest.architecture.languageRows ?? []).length > 0, progress, offsets, scales,
  });
  const { negativeBias: _nb, classOffsets: _co, classScales: _cs, ...kept } = metrics;
  const report: TrainReport = { ...kept, outDir: o.outDir, modelVersion: manifest.version, ...figures };
  writeReport(report, manifest);
  return report;
}
