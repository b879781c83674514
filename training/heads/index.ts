/**
 * Trains the text model's other heads (emotion, topic, urgency, formality) against the main
 * sentiment model in `modelDir`: every head uses exactly the featurizer spec read from
 * `modelDir/manifest.json`, so the loader can concatenate the embedding tables. Seeded and
 * deterministic; writes `modelDir/heads/<head>/`, then scores every held-out part through
 * loadTextScorer and writes heads/metrics.json and heads/MODEL_CARD.md.
 *
 *   await trainHeads({ dataDir: '../shared/data', modelDir: 'models/sentiment', seed: 42 });
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMOTION_LABELS, FORMALITY_LABELS, TOPIC_LABELS, URGENCY_LABELS } from '../../engine/event/index.ts';
import { featurizeWith, initBackend, loadTextScorer, MANIFEST_FILE, validateManifest, HEADS_DIR, type FeaturizerSpec, type HeadName } from '../../engine/model/index.ts';
import { renderHeadsCard } from './card.ts';
import { readSeed, type HeadSplits } from './data.ts';
import { evaluateClass, evaluateEmotion, evaluateEmotionPolarity, ruleBaseline, scoreAll } from './evaluate.ts';
import { exportHead } from './export.ts';
import { fitHead } from './fit.ts';
import { formalityRule, urgencyRule } from './rules.ts';
import { silentProgress, type Progress } from '../progress.ts';
import { emotionPolaritySets, emotionSets, formalitySets, realTexts, topicSets, urgencySets } from './sets.ts';

export { urgencyRule, formalityRule } from './rules.ts';
export { chooseThresholds } from './fit.ts';
export { buildHeadsGate, checkHeadsGate, heldOutLines, GATED_HEADS, type GatedHead, type HeadsGateFile, type HeadsGatePart } from './gate.ts';
export { RULE_CUES, ruleCuesIn } from './rules.ts';
export { buildEmotionGate, checkEmotionGate, type EmotionGateFile } from './emotionGate.ts';

export interface TrainHeadsOptions {
  dataDir: string;
  /** The main model folder; heads are written to `<modelDir>/heads/<head>/`. */
  modelDir: string;
  seed?: number;
  /** Train only these heads (default: all four). */
  heads?: HeadName[];
  /** Where stages, steps and lines go; default silent. */
  progress?: Progress;
}

/** Per head: embedding width, epochs (best on validation kept), weight of hand-written examples. */
export const HEAD_HYPER: Record<HeadName, { dim: number; epochs: number; seedWeight: number }> = {
  emotion: { dim: 16, epochs: 8, seedWeight: 1 },
  topic: { dim: 16, epochs: 8, seedWeight: 10 },
  urgency: { dim: 16, epochs: 6, seedWeight: 10 },
  formality: { dim: 16, epochs: 6, seedWeight: 10 },
};
const LABELS: Record<HeadName, readonly string[]> = { emotion: EMOTION_LABELS, topic: TOPIC_LABELS, urgency: URGENCY_LABELS, formality: FORMALITY_LABELS };

/** The main model's featurizer spec: every head must hash exactly like it. */
export function mainFeaturizer(modelDir: string): { spec: FeaturizerSpec; version: string } {
  const file = join(modelDir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot train heads: the main model manifest ${file} is unreadable (${(err as Error).message}); train the main model first`);
  }
  const m = validateManifest(raw, file);
  return { spec: m.featurizer, version: m.version };
}

export async function trainHeads(opts: TrainHeadsOptions): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const progress = opts.progress ?? silentProgress;
  const log = (line: string): void => progress.line(line);
  progress.stage('heads');
  const seed = opts.seed ?? 42;
  const which = opts.heads ?? (['emotion', 'topic', 'urgency', 'formality'] as HeadName[]);
  const backend = await initBackend();
  const main = mainFeaturizer(opts.modelDir);
  log(`heads: featurizer of ${main.version} (${main.spec.buckets} buckets), TF.js backend ${backend}`);
  const cache = new Map<string, Int32Array>();
  const feats = (t: string): Int32Array => {
    let f = cache.get(t);
    if (!f) { f = featurizeWith(main.spec, t); cache.set(t, f); }
    return f;
  };
  const texts = which.some((h) => h === 'urgency' || h === 'formality') ? realTexts(opts.dataDir, seed) : [];
  const sets: Partial<Record<HeadName, HeadSplits & { ruleCounts?: Record<string, number> }>> = {};
  const training: Record<string, unknown> = {};
  for (const head of which) {
    const s: HeadSplits & { ruleCounts?: Record<string, number> } = head === 'emotion' ? emotionSets(opts.dataDir, seed) : head === 'topic' ? topicSets(opts.dataDir, seed)
      : head === 'urgency' ? urgencySets(opts.dataDir, seed, texts) : formalitySets(opts.dataDir, seed, texts);
    sets[head] = s;
    progress.stage(`${head} head`);
    log(`${head}: train ${s.train.length}, valid ${s.valid.length}, held-out ${Object.entries(s.tests).map(([k, v]) => `${k} ${v.length}`).join(', ')}`);
    const hp = HEAD_HYPER[head];
    const tHead = performance.now();
    const fit = fitHead(s.train, s.valid, {
      name: head, labels: LABELS[head], multiLabel: head === 'emotion', buckets: main.spec.buckets, dim: hp.dim, epochs: hp.epochs,
      seed, seedWeight: hp.seedWeight, feats, progress,
    });
    const info = {
      seed, mainModel: main.version, trainExamples: fit.trainExamples, validExamples: s.valid.length, bestEpoch: fit.bestEpoch,
      validByEpoch: fit.validByEpoch, hyperparameters: { ...hp, hidden: 0, batchSize: 128, lr: 0.005, embLr: 0.004, featureDropout: 0.1 },
      ...(s.ruleCounts ? { ruleLabelled: s.ruleCounts } : {}), backend, wallSec: Math.round((performance.now() - tHead) / 100) / 10,
    };
    const m = await exportHead({
      outDir: join(opts.modelDir, HEADS_DIR, head), head, labels: LABELS[head], weights: fit.weights, featurizer: main.spec, dim: hp.dim,
      thresholds: fit.thresholds, training: info,
    });
    training[head] = { version: m.version, ...info, ...(fit.thresholds ? { thresholds: fit.thresholds } : {}) };
    log(`wrote ${head} head ${m.version} (best epoch ${fit.bestEpoch}, ${info.wallSec} s)`);
  }
  cache.clear();

  progress.stage('heads held-out');
  const scorer = await loadTextScorer(opts.modelDir);
  const metrics: Record<string, unknown> = {};
  try {
    for (const head of which) {
      const s = sets[head]!;
      const out: Record<string, unknown> = {};
      for (const [name, exs] of Object.entries(s.tests)) {
        out[name] = head === 'emotion' ? await evaluateEmotion(scorer, exs) : await evaluateClass(scorer, head, LABELS[head], exs);
      }
      if (head === 'urgency') out['rules on seed held-out (all)'] = ruleBaseline(s.tests['seed held-out (all)']!, URGENCY_LABELS, (e) => urgencyRule(e.text, e.lang));
      if (head === 'formality') out['rules on seed held-out (all)'] = ruleBaseline(s.tests['seed held-out (all)']!, FORMALITY_LABELS, (e) => formalityRule(e.text, e.lang));
      metrics[head] = out;
      log(`${head} held-out: ${Object.entries(out).map(([k, r]) => `${k} ${JSON.stringify((r as { macroF1?: number; accuracy?: number }).macroF1 ?? (r as { accuracy: number }).accuracy)}`).join('; ')}`);
    }
    if (which.includes('emotion')) {
      const pol: Record<string, unknown> = {};
      for (const [name, exs] of Object.entries(emotionPolaritySets(opts.dataDir, seed, 'test'))) pol[name] = await evaluateEmotionPolarity(scorer, exs);
      metrics['emotionPolarity'] = pol;
      log(`emotion vs human sentiment labels (held-out): ${Object.entries(pol).map(([k, r]) => `${k} ${(r as { macroF1: number }).macroF1}`).join('; ')}`);
    }
    if (texts.length > 0) {
      // How often the weak rules answer at all on the real texts (the rest trains nothing).
      const share = (f: (t: (typeof texts)[number]) => unknown): number => Math.round((1e4 * texts.filter((t) => f(t) !== undefined).length) / texts.length) / 1e4;
      metrics['ruleCoverage'] = { texts: texts.length, urgency: share((t) => urgencyRule(t.text, t.lang)), formality: share((t) => formalityRule(t.text, t.lang)) };
    }
    metrics['signals'] = await evaluateSignals(scorer);
    log(`politeNegative on seed/signals.jsonl: ${JSON.stringify(metrics['signals'])}`);
    metrics['signalsValid'] = await evaluateSignals(scorer, 'signals-valid');
    log(`politeNegative on seed/signals-valid.jsonl (where the rule's threshold was chosen): ${JSON.stringify(metrics['signalsValid'])}`);
  } finally {
    scorer.dispose();
  }
  const report = { modelVersion: scorer.version, mainModel: main.version, seed, wallSec: Math.round((performance.now() - t0) / 100) / 10, training, metrics };
  writeFileSync(join(opts.modelDir, HEADS_DIR, 'metrics.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(opts.modelDir, HEADS_DIR, 'MODEL_CARD.md'), renderHeadsCard(report));
  return report;
}

/**
 * Precision and recall of signals.politeNegative on the hand-written seed/signals.jsonl (never
 * trained on or tuned on; `signals-valid` is where the rule's tail threshold was chosen). A "flag"
 * text whose overall label is already negative is not a hidden signal by the rule's definition;
 * those are counted apart (`alreadyNegative`) and left out of recall.
 */
async function evaluateSignals(scorer: Awaited<ReturnType<typeof loadTextScorer>>, file = 'signals'): Promise<{ n: number; precision: number; recall: number; alreadyNegative: string[]; missed: string[]; falseFlags: string[] }> {
  const lines = readSeed(file, ['flag', 'none']);
  const s = await scoreAll(scorer, lines.map((l) => ({ text: l.text, lang: l.lang, label: l.label === 'flag' ? 1 : 0, source: 'seed/signals' })), true);
  let tp = 0, fp = 0, fn = 0;
  const missed: string[] = [], falseFlags: string[] = [], alreadyNegative: string[] = [];
  lines.forEach((l, i) => {
    const p = s[i]!.signals?.politeNegative === true, t = l.label === 'flag';
    if (t && !p && s[i]!.sentiment.label === 'negative') { alreadyNegative.push(l.text); return; }
    if (p && t) tp++; else if (p) { fp++; falseFlags.push(l.text); } else if (t) { fn++; missed.push(l.text); }
  });
  const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
  return { n: lines.length, precision: r4(tp + fp > 0 ? tp / (tp + fp) : 0), recall: r4(tp + fn > 0 ? tp / (tp + fn) : 0), alreadyNegative, missed, falseFlags };
}
