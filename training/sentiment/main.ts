/**
 * CLI for training the sentiment model:
 *   npx tsx training/sentiment/main.ts --data ../shared/data --out models/sentiment [--seed 42]
 *     [--epochs 6] [--time-budget 480] [--sets en-goemotions,de-sb10k]
 *     [--hyper dim=48,hidden=16,set.nb-norec-sentence=2]   (overrides of training/sentiment/config.ts)
 * Relative paths are resolved from the current directory; defaults from the repo root.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseHyper, trainSentiment } from './index.ts';
import { PACKAGE_ROOT } from '../../engine/config/paths.ts';

const repoRoot = PACKAGE_ROOT;
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(repoRoot, '../shared/data') },
    out: { type: 'string', default: resolve(repoRoot, 'models/sentiment') },
    seed: { type: 'string', default: '42' },
    epochs: { type: 'string', default: '6' },
    'time-budget': { type: 'string', default: '480' },
    sets: { type: 'string' },
    hyper: { type: 'string' },
  },
});

const tty = process.stderr.isTTY === true;
let lastLine = 0;
const t0 = Date.now();
function progress(done: number, total: number, info: string): void {
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (tty) {
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${((100 * done) / total).toFixed(0).padStart(3)}% ${info} ${secs}s `);
    if (done === total) process.stderr.write('\n');
  } else if (Date.now() - lastLine > 10_000 || done === total) {
    lastLine = Date.now();
    console.log(`progress ${done}/${total} (${((100 * done) / total).toFixed(0)}%) ${info} ${secs}s`);
  }
}

function log(line: string): void {
  if (tty) process.stderr.write('\r\x1b[K');
  console.log(line);
}

const report = await trainSentiment({
  dataDir: resolve(values.data),
  outDir: resolve(values.out),
  seed: Number(values.seed),
  epochs: Number(values.epochs),
  timeBudgetSec: Number(values['time-budget']),
  ...(values.sets ? { sets: values.sets.split(',').map((s) => s.trim()) } : {}),
  ...(values.hyper ? { hyper: parseHyper(values.hyper) } : {}),
  log,
  progress,
});

const f = (x: number): string => x.toFixed(3);
console.log(`\nmodel ${report.modelVersion} (best epoch ${report.bestEpoch}/${report.epochsRun}, ${report.wallSec} s, backend ${report.backend})`);
console.log('held-out results (set, lang, part, n, accuracy, macro-F1):');
for (const r of [...report.sets, ...report.outOfDomain]) {
  console.log(`  ${r.name.padEnd(18)} ${r.lang}  ${r.heldOut.padEnd(40)} n=${String(r.n).padStart(5)}  acc ${f(r.accuracy)}  macro-F1 ${f(r.macroF1)}`);
}
for (const r of report.outOfDomain) {
  console.log(`  ${r.name} per class: ${r.perClass.map((c) => `${c.label} P ${f(c.precision)} R ${f(c.recall)}`).join('; ')}`);
}
console.log('model vs sentiment (AFINN) vs vader-sentiment, macro-F1 on the same held-out lines (cxpulse eval code):');
for (const b of report.baselines) {
  console.log(`  ${b.name.padEnd(18)} n=${String(b.n).padStart(5)}  model ${f(b.systems[0]!.macroF1)}  AFINN ${f(b.systems[1]!.macroF1)}  VADER ${f(b.systems[2]!.macroF1)}  margin ${f(b.marginOverBest)}`);
}
console.log(`overall (pooled 3-class in-domain, n=${report.overall.n}): acc ${f(report.overall.accuracy)}, macro-F1 ${f(report.overall.macroF1)}; mean per-set macro-F1 ${f(report.overall.meanSetMacroF1)}`);
