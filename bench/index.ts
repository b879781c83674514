import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { takeEvents } from '../simulator/index.ts';
import { initBackend, loadTextScorer } from '../engine/model/index.ts';
import { DEFAULT_LOCAL_CLICKHOUSE_URL, environmentWith, fromPackageRoot, loadConfig, readSetting, scoringWorkers, type FeedMode } from '../engine/config/index.ts';
import { drainBench } from './drain.ts';
import { ready, scaleOutBench, stopChild } from './scaleOut.ts';
import { createLogger } from '../engine/observability/index.ts';
import { startEngine } from '../engine/runtime/index.ts';
import { LONG_QUERY_SETTINGS } from '../engine/sinks/clickhouse/index.ts';
import { freePort, startNatsServer, type NatsServerHandle } from '../engine/devtools/index.ts';
import { summarize } from './stats.ts';
import WebSocket from 'ws';
import { SignJWT } from 'jose';

export const BENCH_MODES = ['model', 'e2e', 'drain', 'paced'] as const;
export type BenchMode = (typeof BENCH_MODES)[number];

export interface BenchOptions {
  events: number;
  rate: number;
  texts: number;
  json?: string;
  /** Parts to run, in this order: model, e2e, drain, paced (default model,e2e). */
  modes?: readonly BenchMode[];
  /** drain: events queued before the engine starts. */
  drainEvents?: number;
  /** drain: CXPULSE_WORKERS values, one run each. */
  workers?: readonly number[];
  /** drain: rounds over the workers values (medians reported). */
  repeat?: number;
  /** drain: write a main-thread CPU profile of each drain here and summarize it. */
  profile?: string;
  /** drain: engine process counts for the scale-out comparison (e.g. 1,3); none: skipped. */
  instances?: readonly number[];
  /** paced: offered rates (events/s), one run per rate and feed mode. */
  pacedRates?: readonly number[];
  /** paced: seconds of traffic per run. */
  pacedSeconds?: number;
  /** paced: seconds of unmeasured traffic before each run's measured part. */
  pacedWarmup?: number;
  /** paced: CXPULSE_FEED_MODE values to compare. */
  feedModes?: readonly FeedMode[];
  /** e2e and paced: the engine in the bench's process (default) or in its own (`cxpulse start` from dist/: the load generator and feed client do not share its thread). */
  engine?: EngineHost;
}

const say = (s: string) => process.stderr.write(`${s}\n`);

/**
 * Model-only throughput on one thread, batches of 64: featurize + the sentiment head alone
 * (`predict`), and featurize + every head with the hidden-signal clauses (`predictAll`, what the
 * engine runs).
 */
async function modelThroughput(n: number) {
  const backend = await initBackend();
  const scorer = await loadTextScorer();
  const texts = takeEvents(n, { seed: 3 }).map((e) => e.text);
  await scorer.score(texts.slice(0, 256)); // warm-up: kernels compiled, buffers allocated
  const t0 = performance.now();
  const feats = texts.map((t) => scorer.featurize(t));
  const t1 = performance.now();
  for (let i = 0; i < feats.length; i += 64) await scorer.predict(feats.slice(i, i + 64));
  const t2 = performance.now();
  for (let i = 0; i < feats.length; i += 64) await scorer.predictAll(feats.slice(i, i + 64), texts.slice(i, i + 64));
  const t3 = performance.now();
  scorer.dispose();
  return {
    backend,
    model: scorer.version,
    texts: n,
    textsPerSec: Math.round(n / ((t2 - t0) / 1000)),
    allHeadsTextsPerSec: Math.round(n / ((t1 - t0 + t3 - t2) / 1000)),
    featurizeUsPerText: Math.round(((t1 - t0) * 1000) / n),
    predictUsPerText: Math.round(((t2 - t1) * 1000) / n),
    predictAllUsPerText: Math.round(((t3 - t2) * 1000) / n),
  };
}

async function clickhouseReachable(url: string): Promise<boolean> {
  return fetch(new URL('/ping', url), { signal: AbortSignal.timeout(1500) }).then((r) => r.ok, () => false);
}

/** Where the engine of an end-to-end run lives: its own process (`cxpulse start` from dist/, as deployed), or this one. */
export type EngineHost = 'process' | 'inline';

interface EngineUnderTest {
  url: string;
  workers: number;
  feedMode: string;
  jwtSecret?: string;
  stop(): Promise<void>;
}

/**
 * The engine for an end-to-end run. In its own process the publisher and the feed client (this
 * process) do not share its main thread, as in a deployment where load comes from elsewhere.
 */
async function engineUnderTest(host: EngineHost, env: Record<string, string>): Promise<EngineUnderTest & { bus?: Awaited<ReturnType<typeof startEngine>>['bus'] }> {
  const cfg = loadConfig(environmentWith(env));
  if (host === 'inline') {
    const engine = await startEngine(cfg, createLogger('warn'));
    return { url: engine.url, workers: engine.workers?.size ?? 0, feedMode: cfg.CXPULSE_FEED_MODE, jwtSecret: cfg.CXPULSE_JWT_SECRET, bus: engine.bus, stop: () => engine.stop() };
  }
  const main = fromPackageRoot('dist', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`the engine process runs ${main}, which is missing: run \`npm run build\` first (or --engine inline)`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [fromPackageRoot('bin', 'cxpulse.js'), 'start'], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = () => stopChild(child);
  const deadline = Date.now() + 180_000;
  while (!(await ready(url))) {
    if (child.exitCode !== null) throw new Error(`the engine process exited during start (code ${child.exitCode}); its errors are above`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the engine process did not answer ${url}/readyz within 180 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, workers: scoringWorkers(cfg, cpus().length), feedMode: cfg.CXPULSE_FEED_MODE, jwtSecret: cfg.CXPULSE_JWT_SECRET, stop };
}

/** End to end: publish to JetStream, measure until each event's score arrives on the WebSocket feed. */
async function endToEnd(n: number, rate: number, settings: Record<string, string> = {}, warmup = 0, host: EngineHost = 'inline') {
  let nats: NatsServerHandle | undefined;
  try {
    nats = await startNatsServer();
  } catch (e) {
    if (host === 'process') throw new Error(`bench: ${(e as Error).message}; an engine process needs a NATS server (or use --engine inline)`);
    say(`bench: ${(e as Error).message}; measuring with the in-process bus instead`);
  }
  const chUrl = readSetting('CLICKHOUSE_URL') ?? DEFAULT_LOCAL_CLICKHOUSE_URL;
  const useClickHouse = await clickhouseReachable(chUrl);
  const dataDir = await mkdtemp(join(tmpdir(), 'cxpulse-bench-'));
  const db = `cxpulse_bench_${process.pid}`; // one per bench process: benches sharing a ClickHouse do not drop each other's
  // A DROP on a busy 18.16 can take minutes.
  const ch = useClickHouse ? createClient({ url: chUrl, request_timeout: 600_000, clickhouse_settings: { ...LONG_QUERY_SETTINGS } }) : undefined;
  await ch?.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  const engine = await engineUnderTest(host, {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NATS_URL: nats?.url ?? 'memory',
    CLICKHOUSE_URL: useClickHouse ? chUrl : 'file',
    CLICKHOUSE_DB: db,
    CXPULSE_DATA_DIR: dataDir,
    CXPULSE_CONNECTORS: 'none',
    ...settings,
  });
  const sentAt = new Map<string, number>();
  const clientLatency: number[] = [];
  const engineLatency: number[] = [];
  let lastAt = 0;
  // With a JWT secret configured the feed wants a token: the bench reads as a supervisor.
  const secret = engine.jwtSecret;
  const token = secret
    ? await new SignJWT({ role: 'supervisor' }).setProtectedHeader({ alg: 'HS256' }).setSubject('bench').setExpirationTime('1h').sign(new TextEncoder().encode(secret))
    : undefined;
  const ws = new WebSocket(`${engine.url.replace('http', 'ws')}/v1/feed`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  await new Promise((r) => ws.once('open', r));
  const allIn = new Promise<void>((resolve) => {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; event?: { id: string; latencyMs: number } };
      if (m.type !== 'score' || !m.event) return;
      const t = sentAt.get(m.event.id);
      if (t === undefined) return;
      lastAt = performance.now();
      clientLatency.push(lastAt - t);
      engineLatency.push(m.event.latencyMs);
      if (clientLatency.length === n) resolve();
    });
  });
  // The first `warmup` events are sent at the same pace but not measured: JIT, connections and caches settle first.
  const events = takeEvents(warmup + n, { seed: 5, startMs: Date.now() });
  const nc = nats ? await connect({ servers: nats.url }) : undefined;
  const js = nc ? jetstream(nc) : undefined;
  const bus = engine.bus;
  const publish = async (e: (typeof events)[number], i: number) => {
    if (i >= warmup) sentAt.set(e.id, performance.now());
    if (js) await js.publish(`cx.events.${e.channel}`, JSON.stringify(e), { msgID: e.id });
    else await bus!.publishEvent(e.channel, Buffer.from(JSON.stringify(e)), e.id);
  };
  let t0 = performance.now();
  const tick = 50;
  const perTick = rate > 0 ? Math.max(1, Math.round((rate * tick) / 1000)) : 200;
  for (let i = 0; i < events.length; i += perTick) {
    const started = performance.now();
    if (i === warmup) t0 = started;
    await Promise.all(events.slice(i, i + perTick).map((e, k) => publish(e, i + k)));
    if (rate > 0) await new Promise((r) => setTimeout(r, Math.max(0, tick - (performance.now() - started))));
    if ((i / perTick) % 20 === 0) say(`  published ${Math.min(i + perTick, events.length)}/${events.length}, scored ${clientLatency.length}`);
  }
  await Promise.race([allIn, new Promise((r) => setTimeout(r, 120_000).unref())]);
  const elapsed = (lastAt - t0) / 1000;
  ws.close();
  await engine.stop();
  await nc?.close();
  await nats?.dispose();
  await ch?.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  await ch?.close();
  await rm(dataDir, { recursive: true, force: true });
  return {
    bus: nats ? 'nats-server (private, JetStream)' : 'in-process',
    store: useClickHouse ? `clickhouse ${chUrl}` : 'embedded file store',
    engine: host === 'process' ? 'own process (cxpulse start)' : 'in the bench process',
    events: n,
    received: clientLatency.length,
    offeredRate: rate || 'max',
    feedMode: engine.feedMode,
    workers: engine.workers,
    eventsPerSec: Math.round(clientLatency.length / elapsed),
    publishToFeedMs: roundAll(summarize(clientLatency)),
    engineScoringMs: roundAll(summarize(engineLatency)),
  };
}

const roundAll = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 10) / 10]));

/** Paced load at each rate, once per feed mode: p50/p99 publish -> feed, after `warmupSeconds` of unmeasured traffic at the same rate. */
async function paced(rates: readonly number[], seconds: number, modes: readonly FeedMode[], warmupSeconds: number, host: EngineHost) {
  const runs = [];
  for (const rate of rates) {
    for (const mode of modes) {
      say(`  ${rate} events/s for ${seconds} s, CXPULSE_FEED_MODE=${mode} ...`);
      const r = await endToEnd(rate * seconds, rate, { CXPULSE_FEED_MODE: mode }, rate * warmupSeconds, host);
      say(`    ${r.received}/${r.events} on the feed, ${r.eventsPerSec} events/s; publish->feed p50 ${r.publishToFeedMs.p50} ms, p99 ${r.publishToFeedMs.p99} ms`);
      runs.push(r);
    }
  }
  return runs;
}

export async function runBench(o: BenchOptions): Promise<void> {
  const modes = o.modes ?? ['model', 'e2e'];
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: loadavg().map((x) => Math.round(x * 10) / 10) };
  say(`bench on ${machine.cpus} x ${machine.cpu}, Node ${machine.node}, load average ${machine.loadAverage.join(' ')}; parts: ${modes.join(', ')}`);
  const report: Record<string, unknown> = { date: new Date().toISOString(), machine };
  let complete = true;
  if (modes.includes('model')) {
    say(`model throughput over ${o.texts} simulated texts ...`);
    const model = await modelThroughput(o.texts);
    say(`    ${model.textsPerSec} texts/s on one thread (${model.backend}); featurize ${model.featurizeUsPerText} µs, predict ${model.predictUsPerText} µs per text`);
    say(`    all heads + hidden signals (the engine's path): ${model.allHeadsTextsPerSec} texts/s; predictAll ${model.predictAllUsPerText} µs per text`);
    report.model = model;
  }
  if (modes.includes('e2e')) {
    say(`end to end: ${o.events} events through NATS -> engine -> store -> feed ...`);
    const e2e = await endToEnd(o.events, o.rate, {}, 0, o.engine ?? 'inline');
    say(`    ${e2e.received}/${e2e.events} scored, ${e2e.eventsPerSec} events/s; publish->feed p50 ${e2e.publishToFeedMs.p50} ms, p99 ${e2e.publishToFeedMs.p99} ms`);
    report.endToEnd = e2e;
    complete &&= e2e.received === e2e.events;
  }
  if (modes.includes('drain')) {
    const workers = o.workers ?? [0, 1, 2];
    say(`backlog drain: ${o.drainEvents ?? 60_000} events queued in JetStream, then the engine started; CXPULSE_WORKERS ${workers.join(', ')} x ${o.repeat ?? 1} ...`);
    const drain = await drainBench(o.drainEvents ?? 60_000, workers, o.repeat ?? 1, o.profile);
    for (const s of drain.settings) say(`    workers=${s.workers}: ${s.eventsPerSec} events/s (x${s.ratio}; runs ${s.min}-${s.max}), ${s.cpuUsPerEvent} µs CPU per event, main thread ${s.mainThreadCpuUsPerEvent ?? '?'} µs (alone it would saturate at ${s.mainThreadCeilingPerSec ?? '?'} events/s), busy ${Math.round(s.mainThreadBusy * 100)} %`);
    report.drain = drain;
    complete &&= drain.allExact;
    if (o.instances && o.instances.length > 0) {
      const w = workers[0] ?? 0;
      say(`scale-out drain: the same backlog in 12 partitions, drained by ${o.instances.join(', ')} engine processes (CXPULSE_WORKERS=${w} each) x ${o.repeat ?? 1} ...`);
      const scale = await scaleOutBench(o.drainEvents ?? 60_000, o.instances, w, o.repeat ?? 1);
      for (const s of scale.settings) say(`    instances=${s.instances}: ${s.eventsPerSec} events/s (x${s.ratio}; runs ${s.min}-${s.max})`);
      report.scaleOut = scale;
      complete &&= scale.allExact;
    }
  }
  if (modes.includes('paced')) {
    say('paced JetStream load, publish -> feed, per feed mode ...');
    const runs = await paced(o.pacedRates ?? [1000, 3000], o.pacedSeconds ?? 10, o.feedModes ?? ['live', 'durable'], o.pacedWarmup ?? 3, o.engine ?? 'inline');
    report.paced = runs;
    complete &&= runs.every((r) => r.received === r.events);
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (o.json) await writeFile(o.json, JSON.stringify(report, null, 2));
  if (!complete) process.exitCode = 1;
}

export { formatRedactionScores, readLabelledLines, scoreRedaction, type RedactionScores } from './redaction.ts';
