import { parseHyper, trainSentiment } from '../training/sentiment/index.ts';
import { trainHeads } from '../training/heads/index.ts';
import { trainChurn } from '../training/churn/index.ts';

export interface TrainCliOptions {
  data: string;
  out?: string;
  seed: number;
  epochs?: number;
  budget: number;
  churn?: boolean;
  stability?: number[];
  /** commander's `--no-heads`: false skips the heads (emotion, topic, urgency, formality). Default true. */
  heads?: boolean;
  /** `--heads-only`: retrain just the heads against the existing main model in `out`. */
  headsOnly?: boolean;
  /** `--hyper k=v,...`: sentiment hyper-parameter overrides (training/sentiment/config.ts). */
  hyper?: string;
  /** `--sets a,b` or `none`: the public sets to train on. */
  sets?: string;
  /** `--own a.jsonl,b.csv`: a company's own labelled tickets. */
  own?: string;
}

const list = (v: string): string[] => v.split(',').map((x) => x.trim()).filter((x) => x !== '');

/** A progress bar on a TTY, a line every 5% otherwise (CI logs). */
function progressPrinter(tty: boolean): (done: number, total: number, info: string) => void {
  return (done, total, info) => {
    const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
    const bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
    if (tty) process.stderr.write(`\r[${bar}] ${pct}% ${info}   `);
    else if (done === total || done % Math.max(1, Math.floor(total / 20)) === 0) process.stderr.write(`[${bar}] ${pct}% ${info}\n`);
  };
}

/** `cxpulse train`: the main sentiment model, then its heads (unless --no-heads); or --heads-only; or --churn. */
export async function runTrain(o: TrainCliOptions): Promise<void> {
  const tty = process.stderr.isTTY;
  const log = (line: string) => process.stderr.write(`${tty ? '\n' : ''}${line}\n`);
  if (o.churn) {
    const report = await trainChurn({ dataDir: o.data, outDir: o.out ?? 'models/churn', seed: o.seed, stabilitySeeds: o.stability, log });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  if (o.headsOnly && o.heads === false) throw new Error('--heads-only and --no-heads contradict each other');
  const outDir = o.out ?? 'models/sentiment';
  const progress = progressPrinter(tty);
  const result: Record<string, unknown> = {};
  if (!o.headsOnly) {
    result['sentiment'] = await trainSentiment({ dataDir: o.data, outDir, seed: o.seed, epochs: o.epochs, timeBudgetSec: o.budget, log, progress,
      ...(o.hyper ? { hyper: parseHyper(o.hyper) } : {}),
      ...(o.sets ? { sets: o.sets === 'none' ? [] : list(o.sets) } : {}),
      ...(o.own ? { ownFiles: list(o.own) } : {}),
    });
    if (tty) process.stderr.write('\n');
  }
  // The heads learn from the public sets (GoEmotions, Banking77 ...): with none of them, the
  // heads already in --out are kept as they are (same featurizer, so they still load).
  const headsFromPublicData = o.sets !== 'none';
  if (!headsFromPublicData && o.heads !== false && !o.headsOnly) log('--sets none: the heads are not retrained (they need the public sets); the heads already in --out are kept');
  if (o.heads !== false && (headsFromPublicData || o.headsOnly)) {
    result['heads'] = await trainHeads({ dataDir: o.data, modelDir: outDir, seed: o.seed, log, progress });
    if (tty) process.stderr.write('\n');
  }
  // One report: the sentiment report alone keeps its old shape when the heads are skipped.
  process.stdout.write(`${JSON.stringify(o.headsOnly ? result['heads'] : o.heads === false ? result['sentiment'] : result, null, 2)}\n`);
}
