/**
 * Scale-out drain: the same backlog, partitioned by customer over CXPULSE_PARTITIONS = 12, drained
 * into ClickHouse by 1, then N engine processes (`cxpulse start` from dist/, each with
 * CXPULSE_INSTANCES = N and its own CXPULSE_INSTANCE), checked exactly. Processes, not engines in
 * one process: an instance's main thread is what scales. The rate counts from the moment every
 * instance answers /readyz (rows stored before that are left out of the rate).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { takeEvents } from '../simulator/index.ts';
import { DEFAULT_LOCAL_CLICKHOUSE_URL, fromPackageRoot, readSetting } from '../engine/config/index.ts';
import { createLogger } from '../engine/observability/index.ts';
import { createNatsBus, eventSubject } from '../engine/bus/index.ts';
import { freePort, startNatsServer } from '../engine/devtools/index.ts';

export const SCALE_PARTITIONS = 12;
const DB = 'cxpulse_bench_scale';
const PUBLISH_WINDOW = 1000;

export interface ScaleRun {
  instances: number;
  events: number;
  stored: number;
  distinct: number;
  exact: boolean;
  /** Events stored after every instance was ready, per second of the drain. */
  eventsPerSec: number;
  drainSeconds: number;
  /** Rows already stored when the last instance became ready (not in the rate). */
  beforeReady: number;
}

const say = (s: string) => process.stderr.write(`${s}\n`);

async function count(ch: ClickHouseClient, query: string): Promise<number> {
  const rs = await ch.query({ query, format: 'JSONEachRow' });
  const rows = (await rs.json()) as Record<string, unknown>[];
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

/** Whether the engine at `url` answers /readyz. */
export async function ready(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after 30 s; resolves when the process has exited. */
export async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(t);
}

async function scaleOnce(n: number, instances: number, workers: number, chUrl: string): Promise<ScaleRun> {
  const nats = await startNatsServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'cxpulse-scale-'));
  const ch = createClient({ url: chUrl });
  const children: ChildProcess[] = [];
  try {
    await ch.command({ query: `DROP DATABASE IF EXISTS ${DB}` });
    // The stream and every partition's consumer, as the engines make them; then the backlog, partitioned.
    const bus = await createNatsBus({ servers: [nats.url], stream: 'CX_EVENTS', consumer: 'cxpulse-engine', partitions: SCALE_PARTITIONS, maxAckPending: 1024, log: createLogger('warn') });
    await bus.init();
    await bus.close();
    say(`  instances=${instances}: queueing ${n} events in ${SCALE_PARTITIONS} partitions ...`);
    const nc = await connect({ servers: nats.url });
    const js = jetstream(nc);
    const events = takeEvents(n, { seed: 7, startMs: Date.now() - 3_600_000 });
    for (let i = 0; i < n; i += PUBLISH_WINDOW) {
      await Promise.all(events.slice(i, i + PUBLISH_WINDOW).map((e) => js.publish(eventSubject(e.channel, e.customerId, SCALE_PARTITIONS), JSON.stringify(e), { msgID: e.id })));
    }
    await nc.close();
    const urls: string[] = [];
    for (let i = 0; i < instances; i++) {
      const port = await freePort();
      urls.push(`http://127.0.0.1:${port}`);
      const env = {
        ...process.env,
        PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NATS_URL: nats.url, CLICKHOUSE_URL: chUrl, CLICKHOUSE_DB: DB,
        CXPULSE_DATA_DIR: join(dataDir, `i${i}`), CXPULSE_WORKERS: String(workers), CXPULSE_CONNECTORS: 'none',
        CXPULSE_PSEUDONYM_KEY: 'bench-scale-out-pseudonym-key-0123456789',
        CXPULSE_PARTITIONS: String(SCALE_PARTITIONS), CXPULSE_INSTANCES: String(instances), CXPULSE_INSTANCE: String(i),
      };
      const c = spawn(process.execPath, [fromPackageRoot('bin', 'cxpulse.js'), 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      children.push(c);
    }
    const deadline = Date.now() + 180_000;
    while (!(await Promise.all(urls.map(ready))).every(Boolean)) {
      if (Date.now() > deadline) throw new Error(`instances not ready after 180 s (${urls.join(', ')})`);
      if (children.some((c) => c.exitCode !== null)) throw new Error('an engine process exited during start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const t0 = performance.now();
    const beforeReady = await count(ch, `SELECT count() FROM ${DB}.scored_events`);
    let seen = beforeReady;
    while (seen < n && performance.now() - t0 < 600_000) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await count(ch, `SELECT count() FROM ${DB}.scored_events`);
    }
    const t1 = performance.now();
    await Promise.all(children.map(stopChild));
    const stored = await count(ch, `SELECT count() FROM ${DB}.scored_events FINAL`);
    const distinct = await count(ch, `SELECT uniqExact(event_id) FROM ${DB}.scored_events`);
    const drainSeconds = (t1 - t0) / 1000;
    const run: ScaleRun = { instances, events: n, stored, distinct, exact: stored === n && distinct === n, eventsPerSec: Math.round((n - beforeReady) / drainSeconds), drainSeconds: Math.round(drainSeconds * 100) / 100, beforeReady };
    say(`    ${run.eventsPerSec} events/s (${run.drainSeconds} s after all ready; ${beforeReady} stored before), ${stored}/${n} rows, ${distinct} distinct ids`);
    return run;
  } finally {
    await Promise.all(children.map(stopChild));
    await ch.command({ query: `DROP DATABASE IF EXISTS ${DB}` }).catch(() => undefined);
    await ch.close();
    await nats.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The backlog drained by each instance count in turn, `repeat` rounds interleaved; medians, and ratios to the first count. */
export async function scaleOutBench(n: number, instanceCounts: readonly number[], workers: number, repeat: number) {
  const chUrl = readSetting('CLICKHOUSE_URL') ?? DEFAULT_LOCAL_CLICKHOUSE_URL;
  const runs: ScaleRun[] = [];
  for (let r = 0; r < repeat; r++) for (const k of instanceCounts) runs.push(await scaleOnce(n, k, workers, chUrl));
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return Math.round((s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2);
  };
  const settings = instanceCounts.map((k) => {
    const rates = runs.filter((x) => x.instances === k).map((x) => x.eventsPerSec);
    return { instances: k, eventsPerSec: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
  });
  const base = settings[0]!.eventsPerSec;
  return { events: n, partitions: SCALE_PARTITIONS, workersPerInstance: workers, repeat, allExact: runs.every((x) => x.exact), settings: settings.map((s) => ({ ...s, ratio: Math.round((s.eventsPerSec / base) * 100) / 100 })), runs };
}
