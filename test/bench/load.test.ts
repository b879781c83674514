/**
 * The load kit's twin (`npm run load`, bench/load) against a real engine: a private nats-server,
 * ClickHouse (a database of this file's own), CXPULSE_JWT_SECRET set. Each scenario runs for 3 s
 * at a low rate and its result is checked for what it counted, never for how fast anything was:
 * the latency thresholds are set out of reach of any machine here, except in the run that sets one
 * impossible (p(99) < 0) and must exit 99, as k6 does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { PACKAGE_ROOT } from '../../engine/config/index.ts';
import type { Engine } from '../../engine/runtime/index.ts';
import { startTestEngine, testDatabase } from '../helpers/engine.ts';
import { SECRET, token } from '../feed/helpers.ts';
import { planFrom, SCENARIO_THRESHOLDS, type ScenarioName } from '../../bench/k6/lib/plan.ts';
import { thresholdsFor, type ThresholdTable } from '../../bench/k6/lib/thresholds.ts';
import { readThresholdsFile, runLoad, type LoadResult } from '../../bench/load/run.ts';

let nats: NatsServerHandle;
let engine: Engine;
let dataDir: string;
const db = testDatabase('cxpulse_load');

beforeAll(async () => {
  nats = await startNatsServer();
  dataDir = await mkdtemp(join(tmpdir(), 'cxpulse-load-'));
  engine = await startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_DB: db.name, CXPULSE_DATA_DIR: dataDir, CXPULSE_JWT_SECRET: SECRET, CXPULSE_CONNECTORS: 'none' });
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await nats?.dispose();
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Latency thresholds no machine misses: the smoke checks counts, not speed. */
const REACHABLE: ThresholdTable = { http_req_duration: ['p(99)<600000'], feed_latency: ['p(99)<600000'] };

async function run(scenario: ScenarioName, settings: Record<string, string>, tokenSettings: Record<string, string>): Promise<LoadResult> {
  const plan = planFrom(scenario, { CXPULSE_URL: engine.url, DURATION: '3', GRACE: '60', ...settings });
  const overrides = Object.fromEntries(Object.entries(REACHABLE).filter(([m]) => SCENARIO_THRESHOLDS[scenario].includes(m)));
  const thresholds = thresholdsFor(scenario, await readThresholdsFile(), overrides);
  return runLoad({ plan, tokenSettings, thresholds });
}

function expectCleanHttp(r: LoadResult, batch: number) {
  const m = r.metrics;
  expect(m.http_reqs.count).toBeGreaterThan(0);
  expect(m.http_req_failed).toEqual({ rate: 0, failed: 0, total: m.http_reqs.count });
  // Every offered request was made, answered, and answered 202 for its whole batch.
  expect(m.http_reqs.count).toBe(r.offeredRequests);
  expect(m.events_sent.count).toBe(m.http_reqs.count * batch);
  expect(m.http_req_duration.count).toBe(m.http_reqs.count);
  expect(m.http_req_duration.med).toBeGreaterThan(0);
  expect(m.http_req_duration.p99).toBeGreaterThanOrEqual(m.http_req_duration.p95);
}

describe('npm run load against a real engine', () => {
  it('ingest: batched requests with an ingest token, all accepted, no feed', async () => {
    const r = await run('ingest', { RATE: '40', BATCH: '4' }, { CXPULSE_INGEST_TOKEN: await token({ role: 'ingest', sub: 'load-test' }) });
    expectCleanHttp(r, 4);
    expect(r.subscribers).toEqual([]);
    expect(r.thresholds.map((t) => t.metric)).toEqual(['http_req_failed', 'http_req_duration']);
    expect(r.ok).toBe(true);
  }, 120_000);

  it('feed: single events; two wallboards with an admin token each get every accepted event once', async () => {
    const r = await run('feed', { RATE: '20', WALLBOARDS: '2' }, { CXPULSE_TOKEN: await token({ role: 'admin', sub: 'load-test' }) });
    expectCleanHttp(r, 1);
    const sent = r.metrics.events_sent.count;
    expect(sent).toBeGreaterThan(0);
    expect(r.subscribers.map((s) => [s.kind, s.dropped, s.foreign, s.error])).toEqual([['wallboard', 0, 0, undefined], ['wallboard', 0, 0, undefined]]);
    for (const s of r.subscribers) expect(s.received).toBe(sent);
    expect(r.metrics.feed_events.count).toBe(2 * sent);
    expect(r.metrics.feed_dropped.count).toBe(0);
    expect(r.metrics.feed_errors.count).toBe(0);
    expect(r.metrics.feed_latency.count).toBe(r.metrics.feed_events.count);
    expect(r.metrics.feed_latency.min).toBeGreaterThan(0);
    expect(r.metrics.feed_latency.p99).toBeGreaterThanOrEqual(r.metrics.feed_latency.med);
    expect(r.ok).toBe(true);
  }, 120_000);

  it('mixed: tokens signed from CXPULSE_JWT_SECRET; each agent gets exactly its own conversations, the wallboard all', async () => {
    const r = await run('mixed', { RATE: '40', BATCH: '4', AGENTS: '2', WALLBOARDS: '1' }, { CXPULSE_JWT_SECRET: SECRET });
    expectCleanHttp(r, 4);
    const sent = r.metrics.events_sent.count;
    expect(r.tokens).toBe('signed');
    const [wallboard, ...agents] = r.subscribers;
    expect(wallboard).toMatchObject({ kind: 'wallboard', dropped: 0, foreign: 0 });
    expect(wallboard!.received).toBe(sent);
    expect(agents.map((a) => [a.kind, a.id, a.dropped, a.foreign])).toEqual([['agent', 'cxpulse-load-agent-1', 0, 0], ['agent', 'cxpulse-load-agent-2', 0, 0]]);
    // Events alternate between the two agents: each gets its half, never the other's.
    expect(agents[0]!.received + agents[1]!.received).toBe(sent);
    expect(agents[0]!.received).toBe(sent / 2);
    expect(r.metrics.feed_errors.count).toBe(0);
    expect(r.metrics.feed_dropped.count).toBe(0);
    expect(r.metrics.feed_latency.med).toBeGreaterThan(0);
    expect(r.thresholds.map((t) => t.metric)).toEqual(['http_req_failed', 'http_req_duration', 'feed_latency', 'feed_events', 'feed_dropped', 'feed_errors']);
    expect(r.ok).toBe(true);
  }, 120_000);
});

/** `npm run load` as a process (tsx, as the npm script runs it): exit code, stdout, stderr. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/load/main.ts', ...args], { cwd: PACKAGE_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (err += String(d)));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

describe('npm run load exit codes', () => {
  it('exits 99, as k6 does, when a threshold fails: p(99) of the HTTP latency below 0 ms', async () => {
    const r = await cli(['--scenario', 'ingest', '--url', engine.url, '--rate', '10', '--duration', '2', '--thresholds', '{"http_req_duration":["p(99)<0"]}'], { CXPULSE_JWT_SECRET: SECRET });
    expect(r.code, r.err).toBe(99);
    expect(r.out).toMatch(/✓ http_req_failed rate<0\.01/);
    expect(r.out).toMatch(/✗ http_req_duration p\(99\)<0 {2}\(\d/);
    expect(r.out).toMatch(/thresholds failed: http_req_duration p\(99\)<0/);
  }, 120_000);

  it('exits 2 with one line when the token is refused or the engine is not there', async () => {
    const refused = await cli(['--scenario', 'ingest', '--url', engine.url, '--token', 'not-a-jwt']);
    expect(refused.code).toBe(2);
    expect(refused.err.trim()).toBe('load: POST /v1/events refused the ingest token (401): CX_ERR_UNAUTHORIZED token is not a valid JWT (ERR_JWS_INVALID)');
    const agentToken = await token({ role: 'agent', sub: 'agent-1' });
    const wrongRole = await cli(['--scenario', 'ingest', '--url', engine.url, '--ingest-token', agentToken]);
    expect(wrongRole.code).toBe(2);
    expect(wrongRole.err).toMatch(/^load: POST \/v1\/events refused the ingest token \(403\): CX_ERR_FORBIDDEN/);
    const ingestToken = await token({ role: 'ingest', sub: 'load-test' });
    const cannotRead = await cli(['--scenario', 'feed', '--url', engine.url, '--token', ingestToken, '--wallboards', '2']);
    expect(cannotRead.code).toBe(2);
    expect(cannotRead.err).toBe("load: GET /v1/feed refused the wallboard (403): CX_ERR_FORBIDDEN role 'ingest' may not use GET /v1/feed; it needs agent, supervisor or admin\n");
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const gone = await cli(['--scenario', 'mixed', '--url', nobody]);
    expect(gone.code).toBe(2);
    expect(gone.err).toBe(`load: engine not reachable at ${nobody}: ECONNREFUSED\n`);
  }, 120_000);
});
