/**
 * Trains, calibrates, exports and measures the churn model on the IBM Telco table, and (if
 * present) measures a second, unshipped model on the BigML table. The held-out test part is cut
 * off first and touched only once, by the exported model loaded back from disk: the figures are
 * those of exactly what ships.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../engine/model/index.ts';
import { renderChurnCard } from './card.ts';
import { BIGML_SCHEMA, readBigml, readTelco, stratifiedSplit, type LabelledRow } from './data.ts';
import { columnCount, encode, fitSpec, TELCO_SCHEMA, UNMAPPED_STREAM_FEATURES, loadChurnModel, loadChurnScorer, type FeatureDef, type FeatureSchema, type ChurnManifest, type StreamFeatures } from '../../engine/churn/index.ts';
import { fitBinary, foldPlatt, type Encoded, type FitConfig } from './fit.ts';
import { writeChurnFolder } from './export.ts';
import { accuracyAt, brier, ece, hanleyMcNeil, reliability, rocAuc, fitPlatt } from './metrics.ts';
import { trainStreamPart } from './trainStream.ts';
import { silentProgress, type Progress } from '../progress.ts';
import type { ChurnTrainReport, DatasetReport, HeldOut } from './report.ts';

export interface TrainChurnOptions {
  /** Folder holding churn-telco/ (and optionally churn-bigml/), e.g. ../shared/data. */
  dataDir: string;
  outDir: string;
  seed?: number;
  /**
   * Extra seeds whose whole split + fit + measure is repeated (in a temp folder, not shipped) to
   * show how much the held-out figures move with the split; [] by default.
   */
  stabilitySeeds?: number[];
  /** Where stages, steps and lines go; default silent. */
  progress?: Progress;
}

function moments(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return { mean, variance: xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length) };
}

const CANDIDATES: { name: string; cfg: Omit<FitConfig, 'seed'> }[] = [
  { name: 'logistic regression', cfg: { hidden: 0, lr: 0.01, l2: 1e-4, batchSize: 128, maxEpochs: 120, patience: 10, positiveWeight: 1 } },
  { name: 'MLP (16 ReLU units)', cfg: { hidden: 16, lr: 0.003, l2: 1e-3, batchSize: 128, maxEpochs: 120, patience: 10, positiveWeight: 1 } },
];

const CHOICE_MARGIN = 0.005;

function encoded(defs: FeatureDef[], rows: readonly LabelledRow[]): Encoded {
  return { x: encode(defs, rows.map((r) => r.features)), y: rows.map((r) => r.label), n: rows.length, d: columnCount(defs) };
}

const logit = (p: number): number => Math.log(Math.max(1e-7, p) / Math.max(1e-7, 1 - p));

interface Fitted { report: Omit<DatasetReport, 'heldOut'>; manifestInput: Parameters<typeof writeChurnFolder>[0]; trainPart: LabelledRow[]; test: LabelledRow[] }

/** Split, fit the candidates, keep the best by validation AUC (never by test), Platt-calibrate. */
function fitDataset(name: string, rows: LabelledRow[], schema: FeatureSchema, seed: number, outDir: string, log: (line: string) => void, step: () => void): Fitted {
  const [trainPart, test] = stratifiedSplit(rows, 0.2, seed);
  const [fit, val] = stratifiedSplit(trainPart, 0.15, seed + 1);
  const features = fitSpec(schema, trainPart.map((r) => r.features));
  const tr = encoded(features, fit), va = encoded(features, val);
  log(`${name}: ${rows.length} rows (churn rate ${(rows.filter((r) => r.label === 1).length / rows.length).toFixed(3)}); train ${fit.length}, validation ${val.length}, held-out test ${test.length}; ${tr.d} input columns`);
  const results = CANDIDATES.map((c) => {
    const r = fitBinary(tr, va, { ...c.cfg, seed }, () => step());
    log(`  ${c.name}: validation AUC ${r.valAuc.toFixed(4)}, log-loss ${r.valLogLoss.toFixed(4)} (best epoch ${r.bestEpoch}/${r.epochsRun})`);
    return { c, r };
  });
  // The MLP must beat logistic regression by a clear margin (0.005 AUC, about a third of the
  // validation AUC's standard error) to be chosen: otherwise the simpler model, whose factors are
  // exact, wins.
  const best = results.reduce((a, b) => (b.r.valAuc > a.r.valAuc + CHOICE_MARGIN ? b : a));
  const { a, b } = fitPlatt(va.y, best.r.valLogits);
  log(`  chosen: ${best.c.name}; Platt scaling on validation a=${a.toFixed(3)} b=${b.toFixed(3)}`);
  const report = {
    name,
    rows: rows.length,
    churnRate: rows.filter((r) => r.label === 1).length / rows.length,
    split: { train: fit.length, validation: val.length, test: test.length },
    candidates: results.map(({ c, r }) => ({ name: c.name, hidden: c.cfg.hidden, valAuc: r.valAuc, valLogLoss: r.valLogLoss, bestEpoch: r.bestEpoch, epochsRun: r.epochsRun })),
    chosen: best.c.name,
    calibration: { a, b },
  };
  const manifestInput = {
    outDir,
    name: `churn-${name}-v1`,
    features,
    architecture: { type: 'mlp' as const, hidden: best.c.cfg.hidden },
    calibration: { method: 'platt' as const, a, b },
    weights: foldPlatt(best.r.weights, a, b),
    training: { data: name, seed, split: report.split, chosen: best.c.name, config: best.c.cfg, candidates: report.candidates },
  };
  return { report, manifestInput, trainPart, test };
}

async function measure(dir: string, test: LabelledRow[], cal: { a: number; b: number }): Promise<{ heldOut: HeldOut; manifest: ChurnManifest }> {
  const model = await loadChurnModel(dir);
  try {
    const p = await model.probabilities(test.map((r) => r.features));
    const y = test.map((r) => r.label);
    const raw = p.map((q) => 1 / (1 + Math.exp(-(logit(q) - cal.b) / cal.a)));
    return {
      manifest: model.manifest,
      heldOut: {
        n: test.length,
        positives: y.filter((v) => v === 1).length,
        auc: rocAuc(y, p),
        aucStdError: hanleyMcNeil(rocAuc(y, p), y.filter((v) => v === 1).length, y.filter((v) => v === 0).length),
        accuracy: accuracyAt(y, p),
        brier: brier(y, p),
        ece: ece(y, p),
        eceUncalibrated: ece(y, raw),
        reliability: reliability(y, p),
      },
    };
  } finally {
    model.dispose();
  }
}

/** Hand-made customers shown in the card (not from the data). */
export const EXAMPLE_CUSTOMERS = [
  { name: 'risky: new, month-to-month, fiber, electronic check', features: { tenureMonths: 1, contract: 'month-to-month', monthlyCharges: 104, paymentMethod: 'electronic-check', paperlessBilling: true, internetService: 'fiber', onlineSecurity: false, techSupport: false, servicesCount: 3 } },
  { name: 'safe: 70 months, two-year contract, automatic card payment', features: { tenureMonths: 70, contract: 'two-year', monthlyCharges: 60, paymentMethod: 'credit-card', paperlessBilling: false, internetService: 'dsl', onlineSecurity: true, techSupport: true, servicesCount: 6 } },
  { name: 'partly known: 3 months tenure, month-to-month (rest unknown)', features: { tenureMonths: 3, contract: 'month-to-month' } },
] as const;

/** Hand-made profiles with streams, scored by the whole shipped model in the card (not from the data). */
export const STREAM_EXAMPLES: { name: string; profile: (typeof EXAMPLE_CUSTOMERS)[number]['features'] | Record<string, never>; stream: StreamFeatures }[] = [
  {
    name: 'safe profile, troubled stream: 4 contacts in 30 days, negativity rising, 2 late payments',
    profile: EXAMPLE_CUSTOMERS[1].features,
    stream: { contacts7d: 2, contacts30d: 4, contacts90d: 5, negativeShare: 0.6, negativeTrend: 0.45, escalations90d: 1, agentReplyHours: 6, latePayments90d: 2, usageDrops90d: 1, orderTrend: -2 },
  },
  {
    name: 'unknown profile, calm stream: 1 contact in 90 days, nothing negative',
    profile: {},
    stream: { contacts7d: 1, contacts30d: 1, contacts90d: 1, negativeShare: 0, negativeTrend: 0, escalations90d: 0, agentReplyHours: 1, latePayments90d: 0, usageDrops90d: 0, orderTrend: 0.5 },
  },
];

export async function trainChurn(opts: TrainChurnOptions): Promise<ChurnTrainReport> {
  const t0 = Date.now();
  const seed = opts.seed ?? 42;
  const progress = opts.progress ?? silentProgress;
  const log = (line: string): void => progress.line(line);
  progress.stage('churn');
  const backend = await initBackend();
  log(`TF.js backend: ${backend}`);
  const telcoRows = readTelco(opts.dataDir);
  const bigmlPresent = existsSync(join(opts.dataDir, 'churn-bigml', 'train.csv'));
  const stabilitySeeds = opts.stabilitySeeds ?? [];
  const total = CANDIDATES.reduce((a, c) => a + c.cfg.maxEpochs, 0) * (1 + (bigmlPresent ? 1 : 0) + stabilitySeeds.length);
  let done = 0;
  // Steps are epochs; the total counts every epoch allowed, early stopping ends sooner, so the last step jumps to the end.
  const step = (): void => { done++; progress.step(Math.min(done, total), total); };

  const telco = fitDataset('telco', telcoRows, TELCO_SCHEMA, seed, opts.outDir, log, step);
  await writeChurnFolder(telco.manifestInput);
  const t = await measure(opts.outDir, telco.test, telco.report.calibration);
  const telcoReport: DatasetReport = { ...telco.report, heldOut: t.heldOut };
  // The stream part: fitted on simulations over the same training rows, Telco logit as offset.
  const telcoModel = await loadChurnModel(opts.outDir);
  const stream = await trainStreamPart(telcoModel, telco.trainPart, telco.test, opts.outDir, seed).finally(() => telcoModel.dispose());
  const sh = stream.report.heldOut;
  log(`stream part ${stream.file.version} (SIMULATED histories): held-out AUC combined ${sh.combinedAuc.toFixed(4)} (Telco part alone ${sh.telcoAuc.toFixed(4)}, stream part alone ${sh.streamAuc.toFixed(4)}), ECE ${sh.combinedEce.toFixed(4)}`);
  log(`telco held-out: AUC ${t.heldOut.auc.toFixed(4)}, accuracy ${t.heldOut.accuracy.toFixed(4)}, Brier ${t.heldOut.brier.toFixed(4)}, ECE ${t.heldOut.ece.toFixed(4)} (uncalibrated ${t.heldOut.eceUncalibrated.toFixed(4)})`);

  let bigml: DatasetReport | undefined;
  if (bigmlPresent) {
    // Evaluation only: exported to a temp folder (so it is measured as loaded), never to models/.
    const scratch = mkdtempSync(join(tmpdir(), 'cxpulse-churn-bigml-'));
    try {
      const b = fitDataset('bigml', readBigml(opts.dataDir), BIGML_SCHEMA, seed, scratch, log, step);
      await writeChurnFolder(b.manifestInput);
      const m = await measure(scratch, b.test, b.report.calibration);
      const rowsB = readBigml(opts.dataDir);
      const rate = (keep: (calls: number) => boolean): number => {
        const sel = rowsB.filter((r) => keep(Number(r.features['customerServiceCalls'])));
        return sel.filter((r) => r.label === 1).length / Math.max(1, sel.length);
      };
      const calls = (label: 0 | 1) => rowsB.filter((r) => r.label === label).map((r) => Number(r.features['customerServiceCalls'])).filter(Number.isFinite);
      const serviceCallsByClass = { stayers: moments(calls(0)), churners: moments(calls(1)) };
      bigml = { ...b.report, heldOut: m.heldOut, churnRateByServiceCalls: { upTo3: rate((c) => c <= 3), from4: rate((c) => c >= 4) }, serviceCallsByClass };
      log(`bigml held-out (not shipped): AUC ${m.heldOut.auc.toFixed(4)}, accuracy ${m.heldOut.accuracy.toFixed(4)}, Brier ${m.heldOut.brier.toFixed(4)}, ECE ${m.heldOut.ece.toFixed(4)}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const stability: ChurnTrainReport['stability'] = [];
  for (const s of stabilitySeeds) {
    const scratch = mkdtempSync(join(tmpdir(), 'cxpulse-churn-seed-'));
    try {
      const f = fitDataset('telco', telcoRows, TELCO_SCHEMA, s, scratch, () => {}, step);
      await writeChurnFolder(f.manifestInput);
      const m = await measure(scratch, f.test, f.report.calibration);
      stability.push({ seed: s, chosen: f.report.chosen, auc: m.heldOut.auc, ece: m.heldOut.ece, brier: m.heldOut.brier });
      log(`telco seed ${s} (not shipped): ${f.report.chosen}, held-out AUC ${m.heldOut.auc.toFixed(4)}, ECE ${m.heldOut.ece.toFixed(4)}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  progress.step(total, total);

  const model = await loadChurnModel(opts.outDir);
  const preds = await model.predict(EXAMPLE_CUSTOMERS.map((e) => e.features), { k: 4 });
  model.dispose();
  const scorer = await loadChurnScorer(opts.outDir);
  const streamPreds = await scorer.score(STREAM_EXAMPLES.map((e) => ({ profile: e.profile, stream: e.stream })), 6);
  scorer.dispose();
  const report: ChurnTrainReport = {
    modelVersion: t.manifest.version,
    backend,
    seed,
    wallSec: Math.round((Date.now() - t0) / 100) / 10,
    telco: telcoReport,
    ...(bigml ? { bigml } : {}),
    stability,
    examples: EXAMPLE_CUSTOMERS.map((e, i) => ({ name: e.name, probability: preds[i]!.probability, factors: preds[i]!.factors })),
    stream: stream.report,
    streamExamples: STREAM_EXAMPLES.map((e, i) => ({ name: e.name, probability: streamPreds[i]!.probability, band: streamPreds[i]!.band, factors: streamPreds[i]!.factors })),
    unmappedStreamFeatures: UNMAPPED_STREAM_FEATURES,
  };
  writeFileSync(join(opts.outDir, 'metrics.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(opts.outDir, 'MODEL_CARD.md'), renderChurnCard(report, t.manifest));
  return report;
}
