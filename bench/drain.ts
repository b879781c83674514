/**
 * Backlog drain: N events queued in JetStream (a private nats-server) before the engine starts,
 * then the time until all N rows are in ClickHouse, checked exactly (count() FINAL and distinct
 * event ids). One run per CXPULSE_WORKERS value, in the same process and machine, so the figures
 * compare as ratios. Every head and the churn stage are on (the engine's defaults).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { takeEvents } from '../simulator/index.ts';
import { DEFAULT_LOCAL_CLICKHOUSE_URL, environmentWith, loadConfig, natsServersOf, readSetting, type Config } from '../engine/config/index.ts';
import { createLogger } from '../engine/observability/index.ts';
import { createNatsBus } from '../engine/bus/index.ts';
import { startEngine } from '../engine/runtime/index.ts';
import { LONG_QUERY_SETTINGS } from '../engine/sinks/clickhouse/index.ts';
import { startNatsServer } from '../engine/devtools/index.ts';
import { readFileSync } from 'node:fs';
import { profileMainThread, summarizeProfile, type ProfileSummary } from './profile.ts';

export interface DrainRun {
  workers: number;
  events: number;
  stored: number;
  distinct: number;
  exact: boolean;
  /** Engine start (model, workers, bus, store) before it consumes. */
  startSeconds: number;
  drainSeconds: number;
  eventsPerSec: number;
  /** Process CPU (all threads) per event during the drain. */
  cpuUsPerEvent: number;
  /** Share of the drain the main thread's event loop was busy (wall clock). */
  mainThreadBusy: number;
  /** CPU time of the main thread per event (Linux); 1e6 / this is the rate at which the main thread alone would saturate. */
  mainThreadCpuUsPerEvent?: number;
  /** With a profile folder: where the main thread's CPU went during the drain. */
  profile?: ProfileSummary;
}

const say = (s: string) => process.stderr.write(`${s}\n`);

/** Linux: clock ticks per second of /proc's utime and stime (USER_HZ, 100 on every mainstream build). */
const USER_HZ = 100;

/**
 * CPU time of the main thread alone (ms; Linux /proc/self/task/<pid>/stat, 10 ms resolution), or
 * undefined elsewhere. Unlike wall-clock busy time it does not grow when a shared machine
 * deschedules the thread, so it is the steadier figure for what one event costs the main thread.
 */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state is field 3, utime 14 and stime 15 (1-based) of the whole line.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return undefined;
  }
}
/** One database per bench process, so two benches on one ClickHouse (a shared machine) do not drop each other's rows. */
const DB = `cxpulse_bench_drain_${process.pid}`;
const PUBLISH_WINDOW = 1000;

async function count(ch: ClickHouseClient, query: string): Promise<number> {
  const rs = await ch.query({ query, format: 'JSONEachRow' });
  const rows = (await rs.json()) as Record<string, unknown>[];
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

/** Queues `n` simulated events in CX_EVENTS, with the stream and consumer made as the engine makes them. */
async function fillBacklog(cfg: Config, n: number, seed: number): Promise<void> {
  const bus = await createNatsBus({ servers: natsServersOf(cfg), stream: cfg.CXPULSE_STREAM, consumer: cfg.CXPULSE_CONSUMER, maxAckPending: cfg.CXPULSE_MAX_IN_FLIGHT, log: createLogger('warn') });
  await bus.init();
  await bus.close();
  const nc = await connect({ servers: natsServersOf(cfg) });
  const js = jetstream(nc);
  const events = takeEvents(n, { seed, startMs: Date.now() - 3_600_000 });
  for (let i = 0; i < n; i += PUBLISH_WINDOW) {
    await Promise.all(events.slice(i, i + PUBLISH_WINDOW).map((e) => js.publish(`cx.events.${e.channel}`, JSON.stringify(e), { msgID: e.id })));
  }
  await nc.close();
}

async function drainOnce(n: number, workers: number, chUrl: string, profileDir: string | undefined): Promise<DrainRun> {
  const nats = await startNatsServer();
  const dataDir = await mkdtemp(join(tmpdir(), 'cxpulse-drain-'));
  const ch = createClient({ url: chUrl, request_timeout: 600_000, clickhouse_settings: { ...LONG_QUERY_SETTINGS } }); // a DROP on a busy 18.16 can take minutes
  await ch.command({ query: `DROP DATABASE IF EXISTS ${DB}` });
  const cfg = loadConfig(environmentWith({
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', NATS_URL: nats.url, CLICKHOUSE_URL: chUrl, CLICKHOUSE_DB: DB,
    CXPULSE_DATA_DIR: dataDir, CXPULSE_WORKERS: String(workers), CXPULSE_CONNECTORS: 'none',
  }));
  try {
    say(`  workers=${workers}: queueing ${n} events in JetStream ...`);
    await fillBacklog(cfg, n, 7);
    const s0 = performance.now();
    const engine = await startEngine(cfg, createLogger('warn'));
    const profiling = profileDir ? await profileMainThread() : undefined;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuMs();
    const elu0 = performance.eventLoopUtilization();
    let seen = 0;
    while (seen < n) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await count(ch, `SELECT count() FROM ${DB}.scored_events`);
      if (performance.now() - t0 > 600_000) break;
    }
    const t1 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const main1 = mainThreadCpuMs();
    const profile = await profiling?.stop();
    await engine.stop();
    const stored = await count(ch, `SELECT count() FROM ${DB}.scored_events FINAL`);
    const distinct = await count(ch, `SELECT uniqExact(event_id) FROM ${DB}.scored_events`);
    const drainSeconds = (t1 - t0) / 1000;
    const run: DrainRun = {
      workers, events: n, stored, distinct, exact: stored === n && distinct === n,
      startSeconds: Math.round((t0 - s0) / 100) / 10,
      drainSeconds: Math.round(drainSeconds * 100) / 100,
      eventsPerSec: Math.round(n / drainSeconds),
      cpuUsPerEvent: Math.round((cpu.user + cpu.system) / n),
      mainThreadBusy: Math.round(elu.utilization * 100) / 100,
      ...(main0 !== undefined && main1 !== undefined ? { mainThreadCpuUsPerEvent: Math.round(((main1 - main0) * 1000) / n) } : {}),
    };
    if (profile && profileDir) {
      await mkdir(profileDir, { recursive: true });
      const file = join(profileDir, `drain-workers${workers}-${Date.now()}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      run.profile = summarizeProfile(profile);
      say(`    main-thread profile ${file}: ${run.profile.parts.slice(0, 8).map((p) => `${p.part} ${Math.round(p.share * 100)} %`).join(', ')}`);
    }
    say(`    ${run.eventsPerSec} events/s (${run.drainSeconds} s), ${run.stored}/${n} rows, ${run.distinct} distinct ids; ${run.cpuUsPerEvent} µs CPU per event (main thread ${run.mainThreadCpuUsPerEvent ?? '?'} µs), main thread busy ${Math.round(run.mainThreadBusy * 100)} %`);
    return run;
  } finally {
    await ch.command({ query: `DROP DATABASE IF EXISTS ${DB}` });
    await ch.close();
    await nats.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Median main-thread CPU per event and the rate at which it alone would saturate the main thread. */
function mainCpu(runs: readonly DrainRun[]): { mainThreadCpuUsPerEvent?: number; mainThreadCeilingPerSec?: number } {
  const xs = runs.flatMap((r) => (r.mainThreadCpuUsPerEvent ? [r.mainThreadCpuUsPerEvent] : [])).sort((a, b) => a - b);
  if (xs.length === 0) return {};
  const us = (xs[Math.floor((xs.length - 1) / 2)]! + xs[Math.ceil((xs.length - 1) / 2)]!) / 2;
  return { mainThreadCpuUsPerEvent: Math.round(us), mainThreadCeilingPerSec: Math.round(1e6 / us) };
}

/**
 * Drains the same backlog once per workers value, `repeat` rounds (interleaved, so a burst of
 * load on a shared machine hits every setting alike); each setting's figure is its median, and
 * ratios are to the first setting.
 */
export async function drainBench(n: number, workerCounts: readonly number[], repeat: number, profileDir?: string) {
  const chUrl = readSetting('CLICKHOUSE_URL') ?? DEFAULT_LOCAL_CLICKHOUSE_URL;
  const runs: DrainRun[] = [];
  for (let r = 0; r < repeat; r++) for (const w of workerCounts) runs.push(await drainOnce(n, w, chUrl, profileDir));
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = (s.length - 1) / 2;
    return Math.round((s[Math.floor(mid)]! + s[Math.ceil(mid)]!) / 2);
  };
  const perSetting = workerCounts.map((w) => {
    const mine = runs.filter((x) => x.workers === w);
    const rates = mine.map((x) => x.eventsPerSec);
    return { workers: w, eventsPerSec: median(rates), min: Math.min(...rates), max: Math.max(...rates), cpuUsPerEvent: median(mine.map((x) => x.cpuUsPerEvent)), mainThreadBusy: median(mine.map((x) => x.mainThreadBusy * 100)) / 100, ...mainCpu(mine) };
  });
  const base = perSetting[0]!.eventsPerSec;
  return {
    events: n,
    repeat,
    allExact: runs.every((x) => x.exact),
    settings: perSetting.map((s) => ({ ...s, ratio: Math.round((s.eventsPerSec / base) * 100) / 100 })),
    runs,
  };
}
