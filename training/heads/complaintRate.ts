/**
 * How often the implicit-complaint signal fires, and how often it raises urgency, on the held-out
 * part of every labelled sentiment set (texts someone else wrote and labelled, none of which were
 * used to write the phrases), per gold label: the rate on neutral and positive texts is the price
 * in precision, the rate on negative texts the reach. Also the hand-written customer-service test
 * set (data/eval/cx-handwritten.jsonl).
 *
 *   npx tsx training/heads/complaintRate.ts ../shared/data [modelDir]
 */
import { resolve } from 'node:path';
import { SENTIMENT_LABELS } from '../../engine/event/index.ts';
import { initBackend, loadTextScorer, type TextScorer } from '../../engine/model/index.ts';
import { loadSentimentSets, SENTIMENT_SETS, type LabelledSet } from '../sentiment/index.ts';

export interface RateRow {
  set: string;
  lang: string;
  label: string;
  n: number;
  /** Share of texts with `signals.implicitComplaint`. */
  fires: number;
  /** Share of texts whose served urgency was raised by it (`urgency.raisedFrom`). */
  raises: number;
  /** Share of texts served with urgency high or critical (by the head or raised). */
  high: number;
}

/** Held-out parts only (the seeded 15% of each public set; the hand-written set is all test). */
export async function complaintRates(scorer: TextScorer, sets: readonly LabelledSet[]): Promise<RateRow[]> {
  const rows: RateRow[] = [];
  for (const s of sets) {
    const counts = new Map<number, { n: number; fires: number; raises: number; high: number }>();
    for (let i = 0; i < s.test.length; i += 256) {
      const batch = s.test.slice(i, i + 256);
      const langs = batch.map((e) => e.lang ?? s.lang);
      const out = await scorer.predictAll(batch.map((e, j) => scorer.featurize(e.text, langs[j])), batch.map((e) => e.text), langs);
      batch.forEach((e, j) => {
        const c = counts.get(e.label) ?? { n: 0, fires: 0, raises: 0, high: 0 };
        c.n++;
        if (out[j]!.signals?.implicitComplaint) c.fires++;
        if (out[j]!.urgency?.raisedFrom) c.raises++;
        if (out[j]!.urgency?.label === 'high' || out[j]!.urgency?.label === 'critical') c.high++;
        counts.set(e.label, c);
      });
    }
    for (const [label, c] of [...counts].sort((a, b) => a[0] - b[0])) {
      rows.push({ set: s.name, lang: s.lang, label: SENTIMENT_LABELS[label]!, n: c.n, fires: c.fires / c.n, raises: c.raises / c.n, high: c.high / c.n });
    }
  }
  return rows;
}

/** Pools rows by label (n-weighted). */
export function pooled(rows: readonly RateRow[]): RateRow[] {
  return SENTIMENT_LABELS.flatMap((label) => {
    const rs = rows.filter((r) => r.label === label);
    const n = rs.reduce((a, r) => a + r.n, 0);
    if (n === 0) return [];
    const w = (f: (r: RateRow) => number): number => rs.reduce((a, r) => a + f(r) * r.n, 0) / n;
    return [{ set: 'all', lang: '*', label, n, fires: w((r) => r.fires), raises: w((r) => r.raises), high: w((r) => r.high) }];
  });
}

async function main(): Promise<void> {
  const [dataDir, modelDir] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: npx tsx training/heads/complaintRate.ts <dataDir> [modelDir]');
  await initBackend();
  const scorer = await loadTextScorer(modelDir);
  const sets = loadSentimentSets(resolve(dataDir), 42, SENTIMENT_SETS.filter((n) => n !== 'seed')).filter((s) => s.test.length > 0);
  const rows = await complaintRates(scorer, sets);
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`.padStart(6);
  process.stdout.write(`${scorer.version}: implicit complaint on held-out parts (fires / raises urgency / served urgency high or critical)\n`);
  for (const r of [...rows, ...pooled(rows.filter((r) => r.set !== 'cx-handwritten'))]) {
    process.stdout.write(`${r.set.padEnd(20)} ${r.lang.padEnd(3)} ${r.label.padEnd(9)} n=${String(r.n).padStart(5)}  ${pct(r.fires)} ${pct(r.raises)} ${pct(r.high)}\n`);
  }
  scorer.dispose();
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
