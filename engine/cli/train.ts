import { trainSentiment } from '../train/index.ts';
import { trainChurn } from '../churn/index.ts';

export interface TrainCliOptions {
  data: string;
  out?: string;
  seed: number;
  epochs?: number;
  budget: number;
  churn?: boolean;
  stability?: number[];
}

export async function runTrain(o: TrainCliOptions): Promise<void> {
  const tty = process.stderr.isTTY;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (o.churn) {
    const report = await trainChurn({ dataDir: o.data, outDir: o.out ?? 'models/churn', seed: o.seed, stabilitySeeds: o.stability, log });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const report = await trainSentiment({
    dataDir: o.data,
    outDir: o.out ?? 'models/sentiment',
    seed: o.seed,
    epochs: o.epochs,
    timeBudgetSec: o.budget,
    log,
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
