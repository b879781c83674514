/**
 * CLI for training the churn model:
 *   npx tsx training/churn/main.ts --data ../shared/data --out models/churn [--seed 42] [--stability 1,2,3,4,5]
 * --stability repeats the whole split/fit/measure on other seeds (not shipped) and reports the spread.
 * Relative paths are resolved from the current directory; defaults from the repo root.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { trainChurn } from './train.ts';
import { PACKAGE_ROOT } from '../../engine/config/paths.ts';

const repoRoot = PACKAGE_ROOT;
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(repoRoot, '../shared/data') },
    out: { type: 'string', default: resolve(repoRoot, 'models/churn') },
    seed: { type: 'string', default: '42' },
    stability: { type: 'string', default: '' },
  },
});

const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
const stabilitySeeds = values.stability ? values.stability.split(',').map((x) => Number(x.trim())) : [];
if (!stabilitySeeds.every(Number.isInteger)) throw new Error(`--stability must be comma-separated integers, got ${values.stability}`);
const tty = process.stderr.isTTY === true;
const t0 = Date.now();
let last = 0;
function progress(done: number, total: number, info: string): void {
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (tty) {
    const filled = Math.round((done / total) * 30);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${((100 * done) / total).toFixed(0).padStart(3)}% ${info} ${secs}s `);
  } else if (Date.now() - last > 10_000) {
    last = Date.now();
    console.log(`progress ${done}/${total} ${info} ${secs}s`);
  }
}
const log = (line: string): void => {
  if (tty) process.stderr.write('\r\x1b[K');
  console.log(line);
};

const report = await trainChurn({ dataDir: resolve(values.data), outDir: resolve(values.out), seed, stabilitySeeds, log, progress });
if (tty) process.stderr.write('\r\x1b[K');
const h = report.telco.heldOut;
console.log(`\nmodel ${report.modelVersion} (${report.telco.chosen}, ${report.wallSec} s, backend ${report.backend})`);
console.log(`telco held-out n=${h.n}: AUC ${h.auc.toFixed(4)}  accuracy@0.5 ${h.accuracy.toFixed(4)}  Brier ${h.brier.toFixed(4)}  ECE ${h.ece.toFixed(4)} (before Platt ${h.eceUncalibrated.toFixed(4)})`);
if (report.bigml) {
  const b = report.bigml.heldOut;
  console.log(`bigml held-out n=${b.n} (${report.bigml.chosen}, not shipped): AUC ${b.auc.toFixed(4)}  accuracy@0.5 ${b.accuracy.toFixed(4)}  Brier ${b.brier.toFixed(4)}  ECE ${b.ece.toFixed(4)}`);
}
for (const e of report.examples) console.log(`  ${e.name}: p=${e.probability.toFixed(3)}; ${e.factors.map((f) => `${f.text} ${f.contribution.toFixed(2)}`).join(', ')}`);
