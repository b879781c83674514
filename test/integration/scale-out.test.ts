/**
 * Horizontal scale with per-customer affinity (issue 13): the same deterministic input, through
 * the HTTP ingest of real engines on a private nats-server, once into ONE engine and once into
 * THREE (CXPULSE_INSTANCES=3, CXPULSE_PARTITIONS=12, each its own file store), gives the same
 * cues (by kind and evidence), the same scored rows with the same conversation trends and churn
 * risk, the same waiting alerts, and the negative-share alert opened exactly once, by instance 0;
 * and each instance's feed carries all of the cues (engine/feed/relay.ts).
 *
 * Time is the engines' clock (EngineOptions.clock), a virtual one the test moves minute by minute:
 * each phase's events are received at the same engine time in both runs, and the alert re-test of
 * every engine runs when the clock moves, before the next phase is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Engine, EngineClock } from '../../engine/runtime/index.ts';
import { startNatsServer } from '../../engine/devtools/index.ts';
import type { FileStore } from '../../engine/sinks/file/index.ts';
import { loadCueRules } from '../../engine/cues/index.ts';
import { SHARE_COUNTED_METRIC } from '../../engine/runtime/advice.ts';
import { takeEvents, type RawEvent } from '../../simulator/index.ts';
import { startTestEngine, waitUntil } from '../helpers/engine.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MINUTE = 60_000;
const PHASES = 9;
/** Phases whose extra traffic is furious customers: the negative share of chat jumps there. */
const ANGRY_PHASES = [7, 8];
const FURIOUS = [
  'This is absolutely terrible, I am furious with your service.',
  'Worst experience ever, nothing works and nobody helps me.',
  'I am so angry, you charged me twice and ignore my complaints.',
  'Disgusting service, I have waited for days and I am fed up.',
];

interface Output {
  rows: Map<string, { label: string; turns: number; trend: number; churn: unknown; customerId: string }>;
  /** The cues on instance 0's feed: with the feed relayed, every instance's cues. */
  cues: string[];
  /** The cues on each instance's feed (one list per instance). */
  cuesPer: string[][];
  alerts: { kind: string; alertId: string; status: string; tsMs: number; instance: number }[];
}

function virtualClock(): EngineClock & { set(t: number): void } {
  let now = T0;
  const retests: ((t: number) => void)[] = [];
  return {
    now: () => now,
    onAdvance: (fn) => void retests.push(fn),
    set(t) {
      now = t;
      for (const fn of retests) fn(t);
    },
  };
}

/** The input: simulated chat traffic in minute phases, and furious customers in the last two. */
function phases(): RawEvent[][] {
  const sim = takeEvents(540, { seed: 13, channels: ['chat'], languages: ['en'], customers: 120, startMs: T0, eventsPerSec: 1 });
  const per = Math.ceil(sim.length / PHASES);
  const out = Array.from({ length: PHASES }, (_, k) => sim.slice(k * per, (k + 1) * per));
  let n = 0;
  for (const k of ANGRY_PHASES) {
    for (let i = 0; i < 40; i++, n++) {
      out[k]!.push({ id: `angry-${n}`, channel: 'chat', conversationId: `angry-c${n % 25}`, customerId: `angry-${n % 25}`, author: 'customer', text: FURIOUS[n % FURIOUS.length]!, ts: new Date(T0 + k * MINUTE + i * 100).toISOString() });
    }
  }
  return out;
}

async function run(dir: string, rulesFile: string, instances: number, partitions: number): Promise<Output> {
  const nats = await startNatsServer();
  const clock = virtualClock();
  const engines: Engine[] = [];
  const sockets: WebSocket[] = [];
  const cuesPer: string[][] = [];
  try {
    for (let i = 0; i < instances; i++) {
      const env: Record<string, string> = {
        NATS_URL: nats.url,
        CLICKHOUSE_URL: 'file',
        CXPULSE_DATA_DIR: join(dir, `i${i}`),
        CXPULSE_CUES_FILE: rulesFile,
        CXPULSE_PSEUDONYM_KEY: 'scale-out-test-key-0123456789-abcdefghijkl',
        CXPULSE_ACTIONS: 'off',
        // No redelivery of a slow batch on a loaded machine: a message seen twice would count twice in both runs' state, differently.
        CXPULSE_ACK_WAIT_MS: '60000',
        // The virtual clock re-tests the alerts; the wall-clock timer would only repeat it.
        CXPULSE_ALERT_TICK_MS: '3600000',
        LOG_LEVEL: 'error',
      };
      if (instances > 1) Object.assign(env, { CXPULSE_PARTITIONS: String(partitions), CXPULSE_INSTANCES: String(instances), CXPULSE_INSTANCE: `cxpulse-${i}` });
      engines.push(await startTestEngine(env, { clock }));
    }
    for (const e of engines) {
      const cues: string[] = [];
      cuesPer.push(cues);
      const ws = new WebSocket(`${e.url.replace(/^http/, 'ws')}/v1/feed`);
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { type: string; cue?: { kind: string; evidence: { eventIds: string[] } } };
        if (m.type === 'cue' && m.cue) cues.push(`${m.cue.kind}:${m.cue.evidence.eventIds.join(',')}`);
      });
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      sockets.push(ws);
    }
    const counted = async () => Number((await engines[0]!.metrics.registry.getSingleMetric(SHARE_COUNTED_METRIC)!.get()).values[0]?.value ?? 0);
    let sent = 0;
    let customerMessages = 0;
    for (const [k, events] of phases().entries()) {
      clock.set(T0 + k * MINUTE + 1000);
      // Any instance takes any event: the ingest puts it in its customer's partition.
      const res = await fetch(`${engines[k % engines.length]!.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
      expect(res.status).toBe(202);
      sent += events.length;
      customerMessages += events.filter((e) => e.author === 'customer').length;
      const stored = () => engines.reduce((a, e) => a + (e.store as FileStore).count(), 0);
      await waitUntil(() => stored() >= sent, 60_000, () => `phase ${k}: stored fewer than ${sent}`);
      // Every row went through the alert stage and its count reached the instance that decides.
      await waitUntil(async () => (await counted()) >= customerMessages, 30_000, () => `phase ${k}: negative-share counts below ${customerMessages}`);
    }
    // Two quiet minutes: waits still open at the end become alerts.
    clock.set(T0 + PHASES * MINUTE + 1000);
    clock.set(T0 + (PHASES + 2) * MINUTE + 1000);
    expect(await counted()).toBe(customerMessages);
  } finally {
    for (const e of engines) await e.stop();
    for (const s of sockets) s.close();
    await nats.dispose();
  }
  const out: Output = { rows: new Map(), cues: [...cuesPer[0]!].sort(), cuesPer: cuesPer.map((c) => [...c].sort()), alerts: [] };
  for (let i = 0; i < instances; i++) {
    const lines = async (f: string) => (await readFile(join(dir, `i${i}`, 'store', f), 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const r of await lines('scored_events.jsonl')) {
      const c = r.conversation as { turns: number; trend: number };
      expect(out.rows.has(String(r.id)), `event ${String(r.id)} stored by two instances`).toBe(false);
      out.rows.set(String(r.id), { label: (r.sentiment as { label: string }).label, turns: c.turns, trend: c.trend, churn: r.churn ?? null, customerId: String(r.customerId) });
    }
    for (const a of await lines('alerts.jsonl')) out.alerts.push({ kind: String(a.kind), alertId: String(a.alertId), status: String(a.status), tsMs: Number(a.tsMs), instance: i });
  }
  return out;
}

let dir: string;
let one: Output;
let three: Output;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-scale-'));
  const rules = JSON.parse(JSON.stringify(loadCueRules())) as ReturnType<typeof loadCueRules>;
  // Windows of engine minutes short enough for a nine-minute run; two minutes unanswered is too long.
  Object.assign(rules.alerts, { windowMinutes: 2, baselineMinutes: 6, minVolume: 20 });
  rules.alerts.waiting_too_long = { ...rules.alerts.waiting_too_long, minutes: { chat: 2 }, updateMinutes: 2 };
  await writeFile(join(dir, 'cues.json'), JSON.stringify(rules));
  one = await run(join(dir, 'one'), join(dir, 'cues.json'), 1, 1);
  three = await run(join(dir, 'three'), join(dir, 'cues.json'), 3, 12);
}, 600_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
const byKind = (xs: { kind: string }[] | string[]) => {
  const m: Record<string, number> = {};
  for (const x of xs) {
    const k = typeof x === 'string' ? x.split(':')[0]! : x.kind;
    m[k] = (m[k] ?? 0) + 1;
  }
  return m;
};

describe('three instances on 12 partitions against one instance, same input', () => {
  it('stores every event once, with the same sentiment, conversation trend and churn risk', () => {
    const total = phases().reduce((a, p) => a + p.length, 0);
    expect(one.rows.size).toBe(total);
    expect(three.rows.size).toBe(total);
    expect(Object.fromEntries(three.rows)).toEqual(Object.fromEntries(one.rows));
    // The trends are not all flat: the comparison covers conversations that moved.
    expect([...one.rows.values()].filter((r) => r.trend !== 0).length).toBeGreaterThan(20);
  });

  it('raises the same cues (kind and evidence), the same number of each kind', () => {
    expect(one.cues.length).toBeGreaterThan(10);
    expect(byKind(three.cues)).toEqual(byKind(one.cues));
    expect(three.cues).toEqual(one.cues);
  });

  it('shows every instance\'s cues on every instance\'s feed, once each (the feed relay)', () => {
    expect(three.cuesPer).toHaveLength(3);
    for (const cues of three.cuesPer) expect(cues).toEqual(one.cues);
  });

  it('raises the same waiting alerts, each state at the same engine time', () => {
    const waiting = (o: Output) => sorted(o.alerts.filter((a) => a.kind === 'waiting_too_long').map(({ alertId, status, tsMs }) => ({ alertId, status, tsMs })));
    expect(one.alerts.filter((a) => a.kind === 'waiting_too_long' && a.status === 'open').length).toBeGreaterThan(3);
    expect(waiting(three)).toEqual(waiting(one));
  });

  it('opens the negative-share alert exactly once, on instance 0 only', () => {
    const opens = (o: Output) => o.alerts.filter((a) => a.kind === 'negative_share' && a.status === 'open');
    expect(opens(one)).toHaveLength(1);
    expect(opens(three)).toHaveLength(1);
    expect(opens(three)[0]?.instance).toBe(0);
    expect(three.alerts.filter((a) => a.kind === 'negative_share').every((a) => a.instance === 0)).toBe(true);
    // Opened in the same engine minute as the single instance, or at the next re-test.
    expect(opens(three)[0]!.tsMs - opens(one)[0]!.tsMs).toBeGreaterThanOrEqual(0);
    expect(opens(three)[0]!.tsMs - opens(one)[0]!.tsMs).toBeLessThanOrEqual(MINUTE);
  });

  it('spreads the customers over the three instances', async () => {
    const per = await Promise.all([0, 1, 2].map(async (i) => (await readFile(join(dir, 'three', `i${i}`, 'store', 'scored_events.jsonl'), 'utf8')).split('\n').filter(Boolean).length));
    for (const n of per) expect(n).toBeGreaterThan(0);
  });
});
