/**
 * CPU per event of small per-event steps of the engine's main thread that the drain profile
 * showed (bench/README: where the main thread's time goes): the customer id's pseudonym, the
 * local hour of the week and local time (next best actions), and the ClickHouse row of a scored
 * event. Simulated events (20,000, seed 7), rounds interleaved, median per step.
 *
 *   npx tsx bench/hotPaths.ts [--rounds 7] [--baseline DIR]
 *
 * `--baseline DIR` measures another checkout's engine (a folder holding `engine/`) in the same
 * run, e.g. `git worktree add /tmp/base <commit>` then `--baseline /tmp/base`.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { takeEvents } from '../simulator/index.ts';
import { toScoredEvent } from '../engine/pipeline/index.ts';
import type { ScoredEvent } from '../engine/event/index.ts';

interface Impl {
  label: string;
  createPseudonymizer(key: string): (id: string) => string;
  hourOfWeek(ms: number, tz: string): number;
  localTime(ms: number, tz: string): unknown;
  toRow(ev: ScoredEvent, shape: { types: ReadonlyMap<string, string> }, writeTimeMs: number): unknown;
}

async function loadImpl(root: string, label: string): Promise<Impl> {
  const at = (p: string) => import(pathToFileURL(resolve(root, p)).href);
  const [privacy, timing, row] = await Promise.all([at('engine/privacy/pseudonym.ts'), at('engine/actions/timing.ts'), at('engine/sinks/clickhouse/row.ts')]);
  return { label, createPseudonymizer: privacy.createPseudonymizer, hourOfWeek: timing.hourOfWeek, localTime: timing.localTime, toRow: row.toRow };
}

const KEY = 'k'.repeat(40);
const ZONES = ['Europe/Oslo', 'Europe/Stockholm', 'Europe/Berlin', 'America/New_York'];

function scoredRows(): { customerIds: string[]; tsMs: number[]; rows: ScoredEvent[] } {
  const events = takeEvents(20_000, { seed: 7, startMs: Date.now() - 3_600_000 }).filter((e) => typeof e.text === 'string');
  const rows = events.map((e) => {
    const tsMs = Date.parse(String(e.ts));
    const item = {
      event: { ...e, tsMs }, env: { receivedAtMs: tsMs + 5 }, text: e.text, language: { lang: 'en', confidence: 0.9 },
      sentiment: { label: 'negative', score: -0.4, confidence: 0.8 }, emotion: { label: 'anger', confidence: 0.5 }, urgency: { label: 'high', confidence: 0.6 },
      topic: { labels: ['billing'], confidence: 0.5 }, conversation: { turns: 3, trend: -0.1 }, modelVersion: 'm1', scoredAtMs: tsMs + 3,
    } as unknown as Parameters<typeof toScoredEvent>[0];
    return toScoredEvent(item);
  });
  return { customerIds: events.map((e) => String(e.customerId)), tsMs: rows.map((r) => r.tsMs), rows };
}

/** A table with every column the row builder makes (DateTime for the time columns). */
function fullShape(impl: Impl, row: ScoredEvent): { types: Map<string, string> } {
  const every = new Proxy(new Map<string, string>(), { get: (t, p) => (p === 'has' ? () => true : p === 'get' ? () => 'DateTime' : Reflect.get(t, p)) });
  const built = impl.toRow(row, { types: every }, 0) as Record<string, unknown>;
  return { types: new Map(Object.keys(built).map((k) => [k, ['ts', 'received_at', 'inserted_at'].includes(k) ? 'DateTime' : 'String'])) };
}

function cpuUsPer(n: number, f: () => void): number {
  const t0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(t0);
  return (c.user + c.system) / n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, baseline: { type: 'string' } } });
  const impls = [await loadImpl(resolve(import.meta.dirname, '..'), 'this checkout')];
  if (values.baseline) impls.unshift(await loadImpl(values.baseline, `baseline ${values.baseline}`));
  const { customerIds, tsMs, rows } = scoredRows();
  const n = rows.length;
  const shape = fullShape(impls[0]!, rows[0]!);
  const times = new Map<string, number[]>();
  const add = (k: string, v: number) => times.set(k, [...(times.get(k) ?? []), v]);
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const impl of impls) {
      const p = impl.createPseudonymizer(KEY);
      add(`${impl.label}\tpseudonym`, cpuUsPer(n, () => customerIds.forEach((id) => p(id))));
      add(`${impl.label}\thourOfWeek`, cpuUsPer(n, () => tsMs.forEach((ms, i) => impl.hourOfWeek(ms, ZONES[i % ZONES.length]!))));
      add(`${impl.label}\tlocalTime`, cpuUsPer(n, () => tsMs.forEach((ms, i) => impl.localTime(ms, ZONES[i % ZONES.length]!))));
      const s = { types: new Map(shape.types) };
      const now = Date.now();
      add(`${impl.label}\ttoRow`, cpuUsPer(n, () => rows.forEach((r) => impl.toRow(r, s, now))));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(`${n} events, ${values.rounds} rounds, ${shape.types.size} columns; µs of CPU per event (median)`);
  for (const [k, xs] of times) console.log(`${k.replace('\t', ': ').padEnd(60)} ${median(xs).toFixed(2)}`);
}

await main();
