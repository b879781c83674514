/**
 * Sentiment training: load the labelled sets, featurize with the shipped featurizer, train the
 * embedding bag (seeded, reproducible), keep the epoch with the best validation macro-F1,
 * write the model folder, fit the per-language class offsets on validation (offsets.ts), then
 * score every held-out part through the real inference path (evaluate.ts) for metrics and card.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SENTIMENT_LABELS } from '../../engine/event/index.ts';
import { initBackend, defaultFeaturizerSpec, lexiconSigns, modelFeatures, rowLanguage, DETECTED_LANGUAGES, type ModelManifest } from '../../engine/model/index.ts';
import { renderModelCard } from './card.ts';
import { NB_SCOPE_EXCLUDED, resolveHyper, type Hyper } from './config.ts';
import { loadOwnSet, loadSentimentSets, OUT_OF_DOMAIN_SETS, SEED_SET, SENTIMENT_SETS, type LabelledSet } from './data.ts';
import { fitClassBias, fitTemperature, foldClassBias, foldTemperature, forwardLogits } from './calibrate.ts';
import { evaluateFolder, langOf } from './evaluate.ts';
import { exportModel, type ExportInput } from './export.ts';
import { describeOffsets, fitFolderOffsets, storeClassOffsets, validationGroups } from './offsets.ts';
import { describeScales, fitScalesOnGroups, scaleGroups, storeClassScales } from './scales.ts';
import { classificationReport } from '../eval/metrics.ts';
import type { TrainReport } from './report.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { LinearBagTrainer } from './linear.ts';
import { lexiconPrior, loadLexicons } from './lexicon.ts';
import { lexiconHashes, writeLexiconFile } from './lexCount.ts';
import { nbLrScale } from './nbScale.ts';
import { EmbeddingBagTrainer, rng, type TrainConfig, type TrainItem } from './trainer.ts';


export interface TrainOptions {
  dataDir: string;
  outDir: string;
  seed?: number;
  /** Maximum epochs (the best one on validation is kept). Default 6. */
  epochs?: number;
  /** No new epoch starts once this much time has passed. Default 480 s. */
  timeBudgetSec?: number;
  /**
   * Train on these public sets only (default: all); e.g. the permissively licensed ones. An empty
   * list trains on `ownFiles` alone (no public set, no out-of-domain test).
   */
  sets?: string[];
  /**
   * Sets loaded and tested on their held-out part but not trained on (nor used for the epoch choice): the
   * ablation's "without this set" runs. They are reported with the out-of-domain parts.
   */
  testOnly?: string[];
  /** A company's own labelled tickets (JSONL/CSV, as `cxpulse eval` reads them), added to the training data. */
  ownFiles?: string[];
  /** Overrides of the shipped hyper-parameters (experiments; see config.ts). */
  hyper?: Partial<Hyper>;
  /** Score the customer-facing parts with several negative biases for the card (default true). */
  biasTable?: boolean;
  /** Where stages, steps and lines go; default silent. */
  progress?: Progress;
}

/**
 * Class weights within each set (balanced, capped) so macro-F1, not the majority, is optimised,
 * times the set's own weight (default 1); normalised to mean 1 so learning rates keep their meaning.
 */
function trainItems(sets: readonly LabelledSet[], feats: (t: string, lang: string) => Int32Array, hp: Hyper): TrainItem[] {
  const items: TrainItem[] = [];
  for (const s of sets) {
    const counts = [0, 0, 0];
    for (const ex of s.train) counts[ex.label]!++;
    const k = counts.filter((c) => c > 0).length;
    const setWeight = hp.setWeights[s.name] ?? 1;
    for (const ex of s.train) {
      items.push({ features: feats(ex.text, langOf(ex, s)), label: ex.label, weight: setWeight * Math.min(hp.classWeightCap, s.train.length / (k * counts[ex.label]!)) });
    }
  }
  const mean = items.reduce((a, it) => a + it.weight, 0) / Math.max(1, items.length);
  for (const it of items) it.weight /= mean;
  return items;
}

/** One shuffled pass over `items` (shuffled in place) in batches; returns the mean batch loss. */
function trainEpoch(trainer: { trainBatch(items: readonly TrainItem[]): number }, items: TrainItem[], batchSize: number, shuffle: () => number, onStep: (batch: number, meanLoss: number) => void): number {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  const steps = Math.ceil(items.length / batchSize);
  let loss = 0;
  for (let b = 0; b < steps; b++) {
    loss += trainer.trainBatch(items.slice(b * batchSize, (b + 1) * batchSize));
    if (b % 20 === 0 || b === steps - 1) onStep(b, loss / (b + 1));
  }
  return loss / Math.max(1, steps);
}

function seedTrainCounts(sets: readonly LabelledSet[]): { seedTrain?: Record<string, number> } {
  const seed = sets.find((s) => s.name === SEED_SET);
  if (!seed) return {};
  const counts: Record<string, number> = {};
  for (const e of seed.train) counts[e.lang ?? 'und'] = (counts[e.lang ?? 'und'] ?? 0) + 1;
  return { seedTrain: counts };
}

/** Language blocks of the linear model: the five the engine detects, then any other language of the training data. */
function languageBlocks(sets: readonly LabelledSet[]): string[] {
  const extra = sets.flatMap((s) => [s.lang, ...s.train.map((e) => e.lang ?? '')]).map((l) => rowLanguage(l) ?? '').filter((l) => /^[a-z]{2,3}$/.test(l));
  return [...new Set([...DETECTED_LANGUAGES, ...extra.sort()])].slice(0, 16);
}

/** Predicted label id from class probabilities (same rule as the scorer); binary sets use the sign of p(pos) - p(neg). */
function decide(p: ArrayLike<number>, i: number, binary: boolean): number {
  const neg = p[i * 3]!, neu = p[i * 3 + 1]!, pos = p[i * 3 + 2]!;
  if (binary) return pos >= neg ? 2 : 0;
  return neg >= neu && neg >= pos ? 0 : pos >= neu ? 2 : 1;
}

export async function trainSentiment(opts: TrainOptions): Promise<TrainReport> {
  const t0 = performance.now();
  const progress = opts.progress ?? silentProgress;
  const log = (line: string): void => progress.line(line);
  progress.stage('sentiment');
  const seed = opts.seed ?? 42;
  const maxEpochs = opts.epochs ?? 6;
  const budgetMs = (opts.timeBudgetSec ?? 480) * 1000;
  const hp = resolveHyper(opts.hyper);
  const backend = await initBackend();
  log(`TF.js backend: ${backend}`);

  const names = !opts.sets ? SENTIMENT_SETS : opts.sets.length === 0 ? [] : [...new Set([...opts.sets, ...OUT_OF_DOMAIN_SETS])];
  const testOnly = new Set(opts.testOnly ?? []);
  const sets = [...loadSentimentSets(opts.dataDir, seed, names), ...(opts.ownFiles ?? []).map((f) => loadOwnSet(f, seed, log))]
    .map((s) => (testOnly.has(s.name) ? { ...s, outOfDomain: true, train: [], valid: [], heldOut: `${s.heldOut}; not trained on in this run` } : s));
  const inDomain = sets.filter((s) => !s.outOfDomain && s.train.length > 0);
  if (inDomain.length === 0) throw new Error('no training data: every selected set is held out');
  for (const s of sets) log(`${s.name}: train ${s.train.length}, valid ${s.valid.length}, held-out ${s.test.length} (${s.heldOut})`);

  const spec = defaultFeaturizerSpec(hp.buckets, hp.maxFeatures, Array.from({ length: hp.charMax - 2 }, (_, i) => i + 3), hp.wordNgrams);
  const linear = hp.linear === 1;
  const languageRows = linear && hp.langRows === 1 ? languageBlocks(inDomain) : undefined;
  // Word-list hit counts as features of the language blocks (engine/model/lexCounts.ts), from the same lists as the prior.
  const lexFile = hp.lexCount === 1 && languageRows ? lexiconHashes(loadLexicons(opts.dataDir, languageRows, log)) : undefined;
  const signs = lexFile ? lexiconSigns(lexFile) : undefined;
  if (lexFile) log(`word-list counts: ${Object.entries(lexFile.languages).map(([l, v]) => `${l} ${v.positive.length}+/${v.negative.length}-`).join(', ')}`);
  const feats = (t: string, lang: string): Int32Array => modelFeatures(spec, languageRows, signs, t, lang);
  const items = trainItems(inDomain, feats, hp);
  const validFeats = inDomain.map((s) => s.valid.map((ex) => feats(ex.text, langOf(ex, s))));
  if (languageRows) log(`language rows: ${languageRows.join(', ')} (a block of ${spec.buckets} rows each, language-row dropout ${hp.langDropout})`);
  log(`featurized ${items.length} training texts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const stepsPerEpoch = Math.ceil(items.length / hp.batchSize);
  const cfg: TrainConfig = {
    buckets: spec.buckets, dim: hp.dim, hidden: hp.hidden, numClasses: SENTIMENT_LABELS.length, batchSize: hp.batchSize,
    lr: hp.lr, embLr: hp.embLr, featureDropout: hp.featureDropout, weightDecay: hp.weightDecay,
    decaySteps: stepsPerEpoch * maxEpochs, seed,
  };
  const rows = spec.buckets * (1 + (languageRows?.length ?? 0));
  let init: Float64Array | undefined;
  if (hp.lexPrior > 0 && languageRows) {
    const entries = loadLexicons(opts.dataDir, languageRows, log);
    init = lexiconPrior(entries, { spec, languageRows, numClasses: SENTIMENT_LABELS.length, strength: hp.lexPrior, negated: hp.lexNeg, shared: hp.lexShared, sibling: hp.lexSibling });
    log(`lexicon prior: ${entries.length} words, strength ${hp.lexPrior} (negated x${-hp.lexNeg}, shared rows x${hp.lexShared})`);
  }
  // nbScope 1: the factors only in the language blocks outside NB_SCOPE_EXCLUDED (block b + 1 is languageRows[b]).
  const nbBlocks = hp.nbScope === 1 ? (languageRows ?? []).map((l, b) => (NB_SCOPE_EXCLUDED.includes(l) ? -1 : b + 1)).filter((b) => b > 0) : undefined;
  const lrScale = linear && hp.nbScale > 0 ? nbLrScale(items, rows, spec.buckets, SENTIMENT_LABELS.length, hp.nbScale, nbBlocks) : undefined;
  if (lrScale) log(`NBSVM scaling: beta ${hp.nbScale} (per-weight learning-rate factors from the training texts' naive-Bayes log-count ratios)${nbBlocks ? ` in the language blocks ${nbBlocks.map((b) => languageRows![b - 1]).join(', ')} only` : ' in every row'}`);
  const linearTrainer = (scale: Float32Array | undefined): LinearBagTrainer =>
    new LinearBagTrainer({ rows, buckets: spec.buckets, numClasses: SENTIMENT_LABELS.length, lr: hp.linearLr, l2: hp.l2, langDropout: hp.langDropout, langLrScale: hp.langLrScale, seed, ...(init ? { init } : {}), ...(scale ? { lrScale: scale } : {}) });
  const trainer = linear ? linearTrainer(lrScale) : new EmbeddingBagTrainer(cfg);
  const pooling = linear ? 'sqrtn' : 'mean';
  const shuffle = rng(seed ^ 0x5eed);
  const byEpoch: number[] = [];
  let best = { f1: -1, epoch: 0, weights: trainer.snapshot() };
  try {
    const tTrain = performance.now();
    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      const elapsed = performance.now() - t0;
      const perEpoch = epoch > 1 ? (performance.now() - tTrain) / (epoch - 1) : 0;
      if (epoch > 1 && elapsed + perEpoch > budgetMs) { log(`time budget reached: stopping after epoch ${epoch - 1}`); break; }
      const loss = trainEpoch(trainer, items, hp.batchSize, shuffle, (b, l) => {
        progress.step((epoch - 1) * stepsPerEpoch + b + 1, maxEpochs * stepsPerEpoch, { epoch: `${epoch}/${maxEpochs}`, loss: l });
      });
      // Sets without a validation part (the hand-written seed) take no part in the choice.
      const judged = inDomain.map((s, k) => ({ s, k })).filter(({ s }) => s.valid.length > 0);
      const f1s = judged.map(({ s, k }) => {
        const p = trainer.predict(validFeats[k]!);
        return classificationReport(s.valid.map((e) => e.label), s.valid.map((_, i) => decide(p, i, s.binary)), SENTIMENT_LABELS).macroF1;
      });
      const mean = f1s.reduce((a, b) => a + b, 0) / Math.max(1, f1s.length);
      byEpoch.push(mean);
      log(`epoch ${epoch}: loss ${loss.toFixed(4)}, validation mean macro-F1 ${mean.toFixed(4)} (${judged.map(({ s }, j) => `${s.name} ${f1s[j]!.toFixed(3)}`).join(', ')})`);
      if (mean > best.f1) best = { f1: mean, epoch, weights: trainer.snapshot() };
    }
  } finally {
    trainer.dispose();
  }

  // Calibrate confidences on the pooled validation parts (labels are unchanged by this).
  const temperature = fitTemperature(forwardLogits(best.weights, validFeats.flat(), pooling), inDomain.flatMap((s) => s.valid.map((e) => e.label)));
  log(`temperature scaling: T = ${temperature.toFixed(3)} (folded into the output layer)`);
  let shipped = foldTemperature(best.weights, temperature);
  let classBias = [0, 0, 0];
  if (hp.tuneClassBias) {
    classBias = fitClassBias(inDomain.map((s, k) => ({ logits: forwardLogits(shipped, validFeats[k]!, pooling), labels: s.valid.map((e) => e.label), binary: s.binary })));
    shipped = foldClassBias(shipped, classBias);
    log(`class offsets for validation macro-F1: negative ${classBias[0]!.toFixed(2)}, neutral ${classBias[1]!.toFixed(2)} (added to the output bias)`);
  }
  const exportSpec: Omit<ExportInput, 'weights'> = {
    outDir: opts.outDir, name: 'sentiment-v1', featurizer: spec,
    ...(lexFile ? { lexiconCounts: writeLexiconFile(opts.outDir, lexFile) } : {}),
    architecture: linear
      ? { type: 'embedding-bag', pooling, dim: SENTIMENT_LABELS.length, hidden: 0, ...(languageRows ? { languageRows } : {}) }
      : { type: 'embedding-bag', pooling, dim: hp.dim, hidden: hp.hidden },
    training: {
      seed, sets: inDomain.map((s) => s.name), heldOutOnly: sets.filter((s) => s.outOfDomain).map((s) => s.name),
      trainExamples: items.length, epochsRun: byEpoch.length, bestEpoch: best.epoch, validMacroF1: Number(best.f1.toFixed(4)),
      temperature: Number(temperature.toFixed(4)), classBias, backend,
      hyperparameters: linear
        ? { ...hp, optimizer: 'per-example AdaGrad on the rows, SGD on the bias', maxEpochs }
        : { ...hp, optimizer: 'adam (head: tf.train.adam; embedding rows: lazy Adam)', lrSchedule: 'linear decay of embedding lr over maxEpochs', maxEpochs },
    },
  };
  let manifest = await exportModel({ ...exportSpec, weights: shipped });
  log(`wrote ${opts.outDir} (${manifest.version}, best epoch ${best.epoch})`);

  // Per-language logit scales (after the global temperature), then class offsets on the scaled
  // logits, both on the shipped weights and fitted on validation; in the manifest with classScales=1 / classOffsets=1.
  const groups = validationGroups(opts.outDir, inDomain.filter((s) => s.valid.length > 0), langOf);
  const scaleFit = fitScalesOnGroups(groups);
  manifest = storeClassScales(opts.outDir, manifest, scaleFit, hp.classScales === 1);
  log(`class scales (validation NLL): ${describeScales(scaleFit.fitted)}; ${manifest.classScales ? `applied (${manifest.version})` : 'reported, not applied'}`);
  const fit = fitFolderOffsets(scaleGroups(groups, manifest.classScales ?? {}));
  manifest = storeClassOffsets(opts.outDir, manifest, fit, hp.classOffsets === 1);
  log(`class offsets (validation): ${describeOffsets(fit.fitted)}; ${manifest.classOffsets ? `applied (${manifest.version})` : 'reported, not applied'}`);

  // Refit: the chosen number of epochs again from the start, on the training and validation parts
  // together; the calibration fitted above on validation (with the first model) is kept.
  let refit: { trainExamples: number; epochs: number } | undefined;
  if (linear && hp.refit === 1 && inDomain.some((s) => s.valid.length > 0)) {
    const all = inDomain.map((s) => ({ ...s, train: [...s.train, ...s.valid] }));
    const allItems = trainItems(all, feats, hp);
    const allScale = hp.nbScale > 0 ? nbLrScale(allItems, rows, spec.buckets, SENTIMENT_LABELS.length, hp.nbScale, nbBlocks) : undefined;
    const second = linearTrainer(allScale);
    const reshuffle = rng(seed ^ 0x5eed);
    progress.stage('sentiment refit');
    const allSteps = Math.ceil(allItems.length / hp.batchSize);
    for (let epoch = 1; epoch <= best.epoch; epoch++) {
      const loss = trainEpoch(second, allItems, hp.batchSize, reshuffle, (b, l) => {
        progress.step((epoch - 1) * allSteps + b + 1, best.epoch * allSteps, { epoch: `${epoch}/${best.epoch}`, loss: l });
      });
      log(`refit epoch ${epoch}/${best.epoch} on ${allItems.length} training + validation texts: loss ${loss.toFixed(4)}`);
    }
    refit = { trainExamples: allItems.length, epochs: best.epoch };
    const kept = { classScales: manifest.classScales, classOffsets: manifest.classOffsets };
    manifest = await exportModel({ ...exportSpec, weights: foldTemperature(second.snapshot(), temperature), training: { ...exportSpec.training, refit } });
    manifest = storeClassScales(opts.outDir, manifest, scaleFit, kept.classScales !== undefined);
    manifest = storeClassOffsets(opts.outDir, manifest, fit, kept.classOffsets !== undefined);
    log(`wrote ${opts.outDir} (${manifest.version}): refit on training + validation, ${best.epoch} epochs, with the calibration of the first model`);
  }

  // Held-out figures through the shipped inference path.
  const figures = await evaluateFolder({
    outDir: opts.outDir, sets, inDomain, validSeen: refit !== undefined, languageRows: languageRows !== undefined, biasTable: opts.biasTable !== false, progress,
    offsets: { ...fit, applied: manifest.classOffsets !== undefined },
    scales: { ...scaleFit, applied: manifest.classScales !== undefined },
  });
  const report: TrainReport = {
    modelVersion: manifest.version, outDir: opts.outDir, backend, seed, epochsRun: byEpoch.length, bestEpoch: best.epoch,
    validMacroF1ByEpoch: byEpoch.map((x) => Number(x.toFixed(4))), trainExamples: items.length, ...(refit ? { refit } : {}),
    wallSec: Math.round((performance.now() - t0) / 100) / 10, ...figures,
    ...seedTrainCounts(inDomain),
  };
  writeReport(report, manifest);
  return report;
}

/** metrics.json and MODEL_CARD.md of a report, in its folder. */
export function writeReport(report: TrainReport, manifest: ModelManifest): void {
  // The committed metrics.json leaves out the machine-specific output path.
  const { outDir: _outDir, ...portable } = report;
  writeFileSync(join(report.outDir, 'metrics.json'), `${JSON.stringify(portable, null, 2)}\n`);
  writeFileSync(join(report.outDir, 'MODEL_CARD.md'), renderModelCard(report, manifest));
}
