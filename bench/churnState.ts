/**
 * What one customer's churn state costs as its history grows: time per applied message (the
 * reducer, and the reducer + stream features as the engine runs them per customer message) for a
 * customer with 0, 100, 1,000 and 10,000 past messages, as ratios to a new customer; and memory
 * per customer (bytes of the stored form, heap of the in-memory form), extrapolated to 1 million
 * customers.
 *
 *   npx tsx bench/churnState.ts [--rounds 15] [--baseline DIR]
 *
 * `--baseline DIR` measures another version of engine/churn in the same run (a folder with its
 * state.ts and streamFeatures.ts), e.g. main's:
 *   git archive main engine/churn | tar -x -C /tmp/churn-main && npx tsx bench/churnState.ts --baseline /tmp/churn-main/engine/churn
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { rng, simulateHistory } from '../training/churn/index.ts';
import type { CustomerObservation } from '../engine/churn/index.ts';

const HOUR = 3_600_000, DAY = 86_400_000;
/** Not on a day boundary, so day changes fall inside the measured messages as they would live. */
const T0 = Date.UTC(2025, 0, 1, 7, 13);
export const HISTORIES = [0, 100, 1_000, 10_000] as const;
/** Events applied in order to each base state per timing pass: one day's worth at one an hour (one day change, as live). */
const NEXT = 24;

/**
 * A busy customer's history, one event an hour: conversations of four turns (customer, agent,
 * customer, agent), every 25th event a CRM event (late payment, order, usage drop, downgrade in
 * turn), a third of the customer messages negative, half formal, every tenth conversation escalated.
 * Ids are 36 characters like UUIDs; `k` makes them distinct per customer.
 */
export function historyEvent(k: number, i: number): CustomerObservation {
  const tsMs = T0 + i * HOUR;
  const id = `${String(k).padStart(8, '0')}-e${String(i).padStart(10, '0')}-0000-0000-0000`;
  if (i % 25 === 24) {
    const type = (['payment_late', 'order_placed', 'usage_drop', 'plan_change'] as const)[Math.floor(i / 25) % 4]!;
    return { kind: 'business', id, type, tsMs, ...(type === 'plan_change' ? { toPlan: 'basic monthly', downgrade: true } : {}) };
  }
  const conv = Math.floor(i / 4);
  const author = i % 2 === 0 ? 'customer' : 'agent';
  return {
    kind: 'message', id, conversationId: `${String(k).padStart(8, '0')}-c${String(conv).padStart(10, '0')}-0000-0000-0000`, author, tsMs,
    negative: author === 'customer' && i % 3 === 0, formal: i % 2 === 0, escalated: author === 'agent' && conv % 10 === 0, customerSinceMs: T0 - 400 * DAY,
  };
}
export const history = (k: number, n: number, from = 0): CustomerObservation[] => Array.from({ length: n }, (_, i) => historyEvent(k, from + i));

/**
 * The most a state can hold: for 240 days, every day a new contact (customer message, escalated
 * agent reply) and every kind of CRM event, so every kept window and list is full.
 */
export function saturatedHistory(k: number): CustomerObservation[] {
  const out: CustomerObservation[] = [];
  for (let d = 0; d < 240; d++) {
    const t = T0 + d * DAY, id = (x: string) => `${String(k).padStart(8, '0')}-${x}${String(d).padStart(9, '0')}-0000-0000-0000`;
    const conversationId = id('c');
    out.push({ kind: 'message', id: id('m'), conversationId, author: 'customer', tsMs: t, negative: d % 3 === 0, formal: d % 2 === 0, escalated: false, customerSinceMs: T0 - 400 * DAY });
    out.push({ kind: 'message', id: id('a'), conversationId, author: 'agent', tsMs: t + HOUR, negative: false, escalated: true });
    for (const [j, type] of (['payment_late', 'order_placed', 'usage_drop', 'plan_change'] as const).entries()) {
      out.push({ kind: 'business', id: id(`b${j}`), type, tsMs: t + 2 * HOUR + j, ...(type === 'plan_change' ? { toPlan: 'basic monthly', downgrade: true } : {}) });
    }
  }
  return out;
}

/** A version of engine/churn as the bench uses it. */
export interface StateImpl {
  label: string;
  reduceCustomer(s: unknown, o: CustomerObservation): unknown;
  streamFeatures(s: unknown): Record<string, number>;
  encode(s: unknown): Uint8Array;
  decode(b: Uint8Array): unknown;
}

export async function loadImpl(dir: string, label: string): Promise<StateImpl> {
  const url = (f: string) => pathToFileURL(resolve(dir, f)).href;
  const state = (await import(url('state.ts'))) as Pick<StateImpl, 'reduceCustomer'>;
  const features = (await import(url('streamFeatures.ts'))) as Pick<StateImpl, 'streamFeatures'>;
  const codecFile = resolve(dir, 'stateCodec.ts');
  // Without a codec (before it existed) the store wrote the state as JSON.
  const codec = existsSync(codecFile) ? ((await import(pathToFileURL(codecFile).href)) as { encodeState(s: unknown): Uint8Array; decodeState(b: Uint8Array): unknown }) : undefined;
  return {
    label,
    reduceCustomer: state.reduceCustomer,
    streamFeatures: features.streamFeatures,
    encode: codec ? codec.encodeState : (s) => new TextEncoder().encode(JSON.stringify(s)),
    decode: codec ? codec.decodeState : (b) => JSON.parse(new TextDecoder().decode(b)),
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface TimingRow { past: number; reduceNs: number; reduceRatio: number; withFeaturesNs: number; withFeaturesRatio: number }

/**
 * Per-event time at each history length: the next NEXT events of the same history applied in
 * order to the base state (the reducer is pure, so the base is reused for every pass), many
 * passes; the median over `rounds` rounds, the lengths interleaved within a round so drift hits
 * them alike. For 0 past messages that is a new customer's first day.
 */
export function timePerMessage(impl: StateImpl, rounds: number, histories: readonly number[] = HISTORIES): TimingRow[] {
  const cases = histories.map((n) => {
    let base: unknown;
    for (const o of history(0, n)) base = impl.reduceCustomer(base, o);
    return { n, base, next: history(0, NEXT, n) };
  });
  let sink = 0;
  const run = (c: (typeof cases)[number], features: boolean, reps: number): number => {
    // CPU time of this thread's process, not wall time: on a shared machine a pass may wait for a core.
    const t0 = process.cpuUsage();
    for (let r = 0; r < reps; r++) {
      let s = c.base;
      for (const o of c.next) {
        s = impl.reduceCustomer(s, o);
        if (features) sink += Object.keys(impl.streamFeatures(s)).length;
      }
      sink += s === c.base ? 0 : 1;
    }
    const used = process.cpuUsage(t0);
    return ((used.user + used.system) * 1000) / (reps * c.next.length);
  };
  // Warm-up, then size the passes to about 20 ms each.
  for (const c of cases) { run(c, false, 20); run(c, true, 20); }
  const reps = Math.max(5, Math.round(20e6 / (run(cases[cases.length - 1]!, true, 20) * NEXT)));
  const times = cases.map(() => ({ reduce: [] as number[], features: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    cases.forEach((c, i) => {
      times[i]!.reduce.push(run(c, false, reps));
      times[i]!.features.push(run(c, true, reps));
    });
  }
  if (sink < 0) console.log(sink);
  const rows = cases.map((c, i) => ({ past: c.n, reduceNs: median(times[i]!.reduce), withFeaturesNs: median(times[i]!.features) }));
  return rows.map((r) => ({ ...r, reduceRatio: r.reduceNs / rows[0]!.reduceNs, withFeaturesRatio: r.withFeaturesNs / rows[0]!.withFeaturesNs }));
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes per state: `count` distinct copies kept alive, measured after full collections. */
function heapPerState(make: (i: number) => unknown, count: number): number {
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  const keep = Array.from({ length: count }, (_, i) => make(i));
  gc(); gc();
  const after = process.memoryUsage().heapUsed;
  if (keep.length !== count) throw new Error('unreachable');
  return (after - before) / count;
}

export interface MemoryRow { customer: string; storedBytes: number; heapBytes: number }

/**
 * Stored bytes and heap per customer. Copies of one state are made by decoding its stored form with
 * the customer number in its ids replaced, so no two copies share a string (as distinct customers would not).
 */
export function memoryPerCustomer(impl: StateImpl, copies: number): MemoryRow[] {
  const rows: MemoryRow[] = [];
  const measure = (customer: string, build: (k: number) => CustomerObservation[]): void => {
    let s: unknown;
    for (const o of build(0)) s = impl.reduceCustomer(s, o);
    const bytes = impl.encode(s);
    const text = new TextDecoder().decode(bytes);
    const enc = new TextEncoder();
    const copy = (i: number): unknown => impl.decode(enc.encode(text.replaceAll('00000000-', `${String(i + 1).padStart(8, '0')}-`)));
    rows.push({ customer, storedBytes: bytes.length, heapBytes: heapPerState(copy, copies) });
  };
  for (const n of [1, ...HISTORIES.slice(1)]) measure(`${n.toLocaleString('en')} past messages (one an hour)`, (k) => history(k, n));
  measure('saturated (every kind of event every day for 240 days)', saturatedHistory);
  // The churn simulation's customers (120 days, 16 events on average): what most customers look like.
  const rand = rng(7);
  const sims = Array.from({ length: copies }, (_, i) => simulateHistory(i % 4 === 0 ? 1 : 0, 24, Date.UTC(2026, 0, 1), rand, `${String(i).padStart(8, '0')}-0000-0000-0000-0000`));
  const states = sims.map((obs) => obs.reduce<unknown>((s, o) => impl.reduceCustomer(s, o), undefined)).filter((s) => s !== undefined);
  const stored = states.reduce<number>((a, s) => a + impl.encode(s).length, 0) / states.length;
  const texts = states.map((s) => impl.encode(s));
  rows.push({ customer: `simulated (training simulation, ${Math.round(sims.reduce((a, o) => a + o.length, 0) / sims.length)} events on average)`, storedBytes: stored, heapBytes: heapPerState((i) => impl.decode(texts[i]!), texts.length) });
  return rows;
}

const fmtBytes = (b: number): string => (b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(0)} MB` : `${Math.round(b)} B`);

export function formatTiming(label: string, rows: readonly TimingRow[]): string {
  return [
    `${label}: CPU time per applied event, by past messages (median of rounds; ratio to a new customer)`,
    '| past messages | reducer ns/event | ratio | reducer + stream features ns/event | ratio |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.past.toLocaleString('en')} | ${Math.round(r.reduceNs)} | ${r.reduceRatio.toFixed(2)} | ${Math.round(r.withFeaturesNs)} | ${r.withFeaturesRatio.toFixed(2)} |`),
  ].join('\n');
}

export function formatMemory(label: string, rows: readonly MemoryRow[]): string {
  return [
    `${label}: memory per customer, and for 1 million customers`,
    '| customer | stored bytes | x 1M (KV values) | heap bytes | x 1M (in memory) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.customer} | ${Math.round(r.storedBytes)} | ${fmtBytes(r.storedBytes * 1e6)} | ${Math.round(r.heapBytes)} | ${fmtBytes(r.heapBytes * 1e6)} |`),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' }, copies: { type: 'string', default: '2000' }, baseline: { type: 'string' } } });
  const impls = [await loadImpl(resolve(import.meta.dirname, '../engine/churn'), 'this branch')];
  if (values.baseline) impls.unshift(await loadImpl(values.baseline, `baseline ${values.baseline}`));
  console.log(`churn customer state bench, Node ${process.version}`);
  for (const impl of impls) console.log(`\n${formatTiming(impl.label, timePerMessage(impl, Number(values.rounds)))}`);
  for (const impl of impls) console.log(`\n${formatMemory(impl.label, memoryPerCustomer(impl, Number(values.copies)))}`);
}
