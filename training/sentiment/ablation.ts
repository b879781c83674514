/**
 * What each training set contributes: the shipped configuration trained once with everything,
 * then once without each set (the set is still tested on its held-out part, only not trained
 * on), and without the word lists (the prior, the count features, both). Every run is scored on every held-out part; the
 * table shows macro-F1 per part and the change against the full run. Written as ABLATION.md and
 * ablation.json next to the model (`cxpulse train --ablation`); the model itself is not touched.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentProgress, type Progress } from '../progress.ts';
import { SENTIMENT_SETS, OUT_OF_DOMAIN_SETS } from './data.ts';
import { trainSentiment } from './train.ts';
import type { Hyper } from './config.ts';
import type { SetReport } from './report.ts';

export interface AblationRun {
  /** "all sets", "without <set>", "without the word-list prior" / "... counts" / "... lists (prior and counts)". */
  label: string;
  /** Macro-F1 per held-out part, by part name. */
  macroF1: Record<string, number>;
  /** Negative recall per 3-class part. */
  negRecall: Record<string, number>;
  validMean: number;
}

export interface AblationOptions {
  dataDir: string;
  outDir: string;
  seed?: number;
  epochs?: number;
  /** Limit the "without" runs to these sets (default: every training set). */
  sets?: string[];
  hyper?: Partial<Hyper>;
  progress?: Progress;
}

function figures(label: string, parts: readonly SetReport[], validMean: number): AblationRun {
  const run: AblationRun = { label, macroF1: {}, negRecall: {}, validMean };
  for (const p of parts) {
    run.macroF1[p.name] = p.macroF1;
    if (!p.binary) run.negRecall[p.name] = p.perClass[0]!.recall;
  }
  return run;
}

export async function runAblation(o: AblationOptions): Promise<AblationRun[]> {
  const progress = o.progress ?? silentProgress;
  const trained = (o.sets ?? SENTIMENT_SETS).filter((s) => !OUT_OF_DOMAIN_SETS.includes(s));
  const plan: { label: string; testOnly?: string[]; hyper?: Partial<Hyper> }[] = [
    { label: 'all sets' },
    ...trained.map((s) => ({ label: `without ${s}`, testOnly: [s] })),
    { label: 'without the word-list prior', hyper: { lexPrior: 0 } },
    { label: 'without the word-list counts', hyper: { lexCount: 0 } },
    { label: 'without the word lists (prior and counts)', hyper: { lexPrior: 0, lexCount: 0 } },
  ];
  const scratch = mkdtempSync(join(tmpdir(), 'cxpulse-ablation-'));
  const runs: AblationRun[] = [];
  try {
    for (const [i, p] of plan.entries()) {
      progress.line(`ablation ${i + 1}/${plan.length}: ${p.label}`);
      const r = await trainSentiment({
        dataDir: o.dataDir, outDir: join(scratch, String(i)), seed: o.seed ?? 42, ...(o.epochs ? { epochs: o.epochs } : {}),
        hyper: { ...o.hyper, ...p.hyper }, ...(p.testOnly ? { testOnly: p.testOnly } : {}), biasTable: false,
      });
      const validMean = r.validMacroF1ByEpoch[r.bestEpoch - 1] ?? 0;
      runs.push(figures(p.label, [...r.sets, ...r.outOfDomain], validMean));
      rmSync(join(scratch, String(i)), { recursive: true, force: true });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  writeFileSync(join(o.outDir, 'ablation.json'), `${JSON.stringify({ seed: o.seed ?? 42, runs }, null, 2)}\n`);
  writeFileSync(join(o.outDir, 'ABLATION.md'), renderAblation(runs, o.seed ?? 42));
  return runs;
}

const f3 = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(3));
const delta = (x: number | undefined, ref: number | undefined): string =>
  x === undefined || ref === undefined ? '-' : `${x.toFixed(3)} (${x - ref >= 0 ? '+' : ''}${(x - ref).toFixed(3)})`;

export function renderAblation(runs: readonly AblationRun[], seed: number): string {
  const ref = runs[0]!;
  const parts = Object.keys(ref.macroF1);
  const negParts = Object.keys(ref.negRecall).filter((p) => ['en-tweeteval', 'en-brand-tweets', 'cx-handwritten'].includes(p));
  const head = `| run | ${parts.join(' | ')} | ${negParts.map((p) => `${p} neg. recall`).join(' | ')} |`;
  const sep = `| --- |${' --- |'.repeat(parts.length + negParts.length)}`;
  const rows = runs.map((r, i) => `| ${r.label} | ${parts.map((p) => (i === 0 ? f3(r.macroF1[p]) : delta(r.macroF1[p], ref.macroF1[p]))).join(' | ')} | ${negParts.map((p) => (i === 0 ? f3(r.negRecall[p]) : delta(r.negRecall[p], ref.negRecall[p]))).join(' | ')} |`);
  return `# Sentiment model: what each training set contributes

Written by \`cxpulse train --ablation\` (\`training/sentiment/ablation.ts\`); do not edit by hand. Each row is the
shipped configuration trained again (seed ${seed}) without one training set, or without the word lists (as a prior, as count features, or both); the left-out
set is still scored on its own held-out part. Cells: held-out macro-F1 (change against "all sets"); the last columns
are negative recall on the parts closest to customer messages. One seed per row: differences below about 0.01 are
within run-to-run noise.

${head}
${sep}
${rows.join('\n')}
`;
}
