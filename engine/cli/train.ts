import { trainSentiment } from '../train/index.ts';

export async function runTrain(o: { data: string; out: string; seed: number; epochs?: number; budget: number }): Promise<void> {
  const tty = process.stderr.isTTY;
  const report = await trainSentiment({
    dataDir: o.data,
    outDir: o.out,
    seed: o.seed,
    epochs: o.epochs,
    timeBudgetSec: o.budget,
    log: (line) => process.stderr.write(`${line}\n`),
    progress: (done, total, info) => {
      const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
      const bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
      if (tty) process.stderr.write(`\r[${bar}] ${pct}% ${info}   `);
      else if (done === total || done % Math.max(1, Math.floor(total / 20)) === 0) process.stderr.write(`[${bar}] ${pct}% ${info}\n`);
    },
  });
  if (tty) process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
