/**
 * Sentiment training: load the labelled sets, featurize with the shipped featurizer, train the
 * embedding bag (seeded, reproducible), keep the epoch with the best validation macro-F1,
 * write the model folder, then score every held-out part through the real inference path
 * (loadTextScorer on the written folder, quantized weights included) for metrics and card.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SENTIMENT_LABELS } from '../../engine/event/index.ts';
import { initBackend, defaultFeaturizerSpec, featurizeWith, rowLanguage, withLanguageRows, detectLanguage, DETECTED_LANGUAGES, loadTextScorer } from '../../engine/model/index.ts';
import { sideBySide, type SideBySide } from './baselines.ts';
import { renderModelCard } from './card.ts';
import { resolveHyper, type Hyper } from './config.ts';
import { loadOwnSet, loadSentimentSets, OUT_OF_DOMAIN_SETS, SEED_SET, SENTIMENT_SETS, type Example, type LabelledSet } from './data.ts';
import { fitClassBias, fitTemperature, foldClassBias, foldTemperature, forwardLogits } from './calibrate.ts';
import { exportModel } from './export.ts';
import { predictExamples } from './predict.ts';
import { classificationReport, reportFromConfusion } from '../eval/metrics.ts';
// The churn model's calibration metric, applied to the stated confidence (1 = the label was right).
import { ece } from '../churn/metrics.ts';
import type { SetReport, TrainReport } from './report.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { LinearBagTrainer } from './linear.ts';
import { lexiconPrior, loadLexicons } from './lexicon.ts';
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

function seedTrainCounts(sets: readonly LabelledSet[]): { seedTrain?: Record<string, number> } {
  const seed = sets.find((s) => s.name === SEED_SET);
  if (!seed) return {};
  const counts: Record<string, number> = {};
  for (const e of seed.train) counts[e.lang ?? 'und'] = (counts[e.lang ?? 'und'] ?? 0) + 1;
  return { seedTrain: counts };
}

/** A training text's language: its own line's, else its set's, else the engine's guess (as at inference). */
function langOf(ex: { text: string; lang?: string }, s: LabelledSet): string {
  return ex.lang ?? (s.lang !== 'und' ? s.lang : detectLanguage(ex.text).lang);
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
  const feats = (t: string, lang: string): Int32Array => withLanguageRows(featurizeWith(spec, t), spec.buckets, languageRows, lang);
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
  const lrScale = linear && hp.nbScale > 0 ? nbLrScale(items, rows, spec.buckets, SENTIMENT_LABELS.length, hp.nbScale) : undefined;
  if (lrScale) log(`NBSVM scaling: beta ${hp.nbScale} (per-weight learning-rate factors from the training texts' naive-Bayes log-count ratios)`);
  const trainer = linear
    ? new LinearBagTrainer({ rows, buckets: spec.buckets, numClasses: SENTIMENT_LABELS.length, lr: hp.linearLr, l2: hp.l2, langDropout: hp.langDropout, langLrScale: hp.langLrScale, seed, ...(init ? { init } : {}), ...(lrScale ? { lrScale } : {}) })
    : new EmbeddingBagTrainer(cfg);
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
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(shuffle() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      let loss = 0;
      for (let b = 0; b < stepsPerEpoch; b++) {
        loss += trainer.trainBatch(items.slice(b * hp.batchSize, (b + 1) * hp.batchSize));
        if (b % 20 === 0 || b === stepsPerEpoch - 1) {
          progress.step((epoch - 1) * stepsPerEpoch + b + 1, maxEpochs * stepsPerEpoch, { epoch: `${epoch}/${maxEpochs}`, loss: loss / (b + 1) });
        }
      }
      // Sets without a validation part (the hand-written seed) take no part in the choice.
      const judged = inDomain.map((s, k) => ({ s, k })).filter(({ s }) => s.valid.length > 0);
      const f1s = judged.map(({ s, k }) => {
        const p = trainer.predict(validFeats[k]!);
        return classificationReport(s.valid.map((e) => e.label), s.valid.map((_, i) => decide(p, i, s.binary)), SENTIMENT_LABELS).macroF1;
      });
      const mean = f1s.reduce((a, b) => a + b, 0) / Math.max(1, f1s.length);
      byEpoch.push(mean);
      log(`epoch ${epoch}: loss ${(loss / stepsPerEpoch).toFixed(4)}, validation mean macro-F1 ${mean.toFixed(4)} (${judged.map(({ s }, j) => `${s.name} ${f1s[j]!.toFixed(3)}`).join(', ')})`);
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
  const manifest = await exportModel({
    outDir: opts.outDir, name: 'sentiment-v1', weights: shipped, featurizer: spec,
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
  });
  log(`wrote ${opts.outDir} (${manifest.version}, best epoch ${best.epoch})`);

  // Held-out figures through the shipped inference path.
  progress.stage('sentiment held-out');
  // The main model alone: heads in the folder may be from an older featurizer until they are retrained next.
  const scorer = await loadTextScorer(opts.outDir, { heads: false });
  // The set's language is given, as `cxpulse eval` reads it from the exported JSONL; `detected`
  // lets the engine's language guess choose instead (what happens to events without a language).
  const evaluate = async (s: LabelledSet, part: 'test' | 'valid' = 'test', detected = false): Promise<SetReport> => {
    const exs = s[part];
    const { pred, confidence } = await predictExamples(scorer, exs, (e) => (detected ? detectLanguage(e.text).lang : langOf(e, s)), s.binary);
    const truth = exs.map((e) => e.label);
    const r = classificationReport(truth, pred, SENTIMENT_LABELS);
    // Calibration of the stated confidence (3-class parts only: binary parts are scored by the sign, not the label).
    const calibration = s.binary ? {} : { ece: ece(truth.map((t, i) => (t === pred[i] ? 1 : 0)), confidence) };
    return { name: s.name, lang: s.lang, heldOut: s.heldOut, binary: s.binary, trainExamples: s.train.length, ...r, ...calibration };
  };
  let quantValid = 0;
  const validated = inDomain.filter((s) => s.valid.length > 0);
  for (const s of validated) quantValid += (await evaluate(s, 'valid')).macroF1 / validated.length;
  log(`shipped (uint8) weights: validation mean macro-F1 ${quantValid.toFixed(4)} (float32 weights ${best.f1.toFixed(4)})`);
  const setReports: SetReport[] = [];
  // Sets without a test part (our written training seed, tested on cx-handwritten) get no row.
  const tested = inDomain.filter((s) => s.test.length > 0);
  for (const s of tested) setReports.push({ ...(await evaluate(s)), detectedLangMacroF1: languageRows ? (await evaluate(s, 'test', true)).macroF1 : undefined });
  // A set of several languages (the hand-written set, own tickets) is also reported per language, lexicons beside.
  const byLanguage: SetReport[] = [];
  const perLanguageBaselines: SideBySide[] = [];
  for (const s of sets) {
    const langs = [...new Set(s.test.map((e) => e.lang).filter((l): l is string => l !== undefined))].sort();
    if (langs.length < 2) continue;
    for (const l of langs) {
      const part = { ...s, name: `${s.name} ${l}`, lang: l, test: s.test.filter((e) => e.lang === l) };
      byLanguage.push(await evaluate(part));
      perLanguageBaselines.push(await sideBySide(scorer, part));
    }
  }
  const ood: SetReport[] = [];
  for (const s of sets.filter((x) => x.outOfDomain)) ood.push(await evaluate(s));
  const negativeBias = opts.biasTable === false ? undefined : await biasEffect(opts.outDir, [...tested, ...sets.filter((x) => x.outOfDomain)].filter((s) => BIAS_SETS.includes(s.name) && !s.binary), langOf);
  const baselines: SideBySide[] = [];
  for (const s of [...sets.filter((x) => x.outOfDomain), ...tested]) baselines.push(await sideBySide(scorer, s));
  baselines.push(...perLanguageBaselines);
  scorer.dispose();

  const real = setReports;
  const pooled = real.filter((r) => !r.binary);
  const all = reportFromConfusion([0, 1, 2].map((t) => [0, 1, 2].map((p) => pooled.reduce((a, r) => a + r.confusion[t]![p]!, 0))), SENTIMENT_LABELS);
  const report: TrainReport = {
    modelVersion: manifest.version, outDir: opts.outDir, backend, seed, epochsRun: byEpoch.length, bestEpoch: best.epoch,
    validMacroF1ByEpoch: byEpoch.map((x) => Number(x.toFixed(4))), trainExamples: items.length,
    wallSec: Math.round((performance.now() - t0) / 100) / 10, sets: setReports, byLanguage, outOfDomain: ood, baselines, ...(negativeBias ? { negativeBias } : {}),
    ...seedTrainCounts(inDomain),
    overall: { n: all.n, accuracy: all.accuracy, macroF1: all.macroF1, meanSetMacroF1: real.reduce((a, r) => a + r.macroF1, 0) / Math.max(1, real.length) },
  };
  // The committed metrics.json leaves out the machine-specific output path.
  const { outDir: _outDir, ...portable } = report;
  writeFileSync(join(opts.outDir, 'metrics.json'), `${JSON.stringify(portable, null, 2)}\n`);
  writeFileSync(join(opts.outDir, 'MODEL_CARD.md'), renderModelCard(report, manifest));
  return report;
}

/** The 3-class parts closest to what agents see, and the biases the card shows for them. */
const BIAS_SETS = ['en-tweeteval', 'en-brand-tweets', 'cx-handwritten', 'de-germeval2017'];
const BIASES = [0, 0.5, 1, 1.5];

/** Negative precision/recall and macro-F1 of `parts` with each bias, through loadTextScorer as the engine loads it. */
async function biasEffect(dir: string, parts: readonly LabelledSet[], langOf: (e: Example, s: LabelledSet) => string): Promise<NonNullable<TrainReport['negativeBias']>> {
  const out: NonNullable<TrainReport['negativeBias']> = [];
  for (const bias of BIASES) {
    const scorer = await loadTextScorer(dir, { heads: false, negativeBias: bias });
    try {
      for (const s of parts) {
        const { pred } = await predictExamples(scorer, s.test, (e) => langOf(e, s), false);
        const r = classificationReport(s.test.map((e) => e.label), pred, SENTIMENT_LABELS);
        out.push({ bias, name: s.name, macroF1: r.macroF1, negPrecision: r.perClass[0]!.precision, negRecall: r.perClass[0]!.recall });
      }
    } finally {
      scorer.dispose();
    }
  }
  return out;
}
