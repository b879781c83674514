/**
 * The load kit's two halves agree: every scenario of the twin (npm run load) has its k6 script
 * with the same thresholds from the one thresholds file, the twin reports the metrics the k6
 * scripts declare, and the shared parts (events, feed tally, thresholds, tokens) do what the
 * k6 scripts rely on. The k6 scripts' types are checked by `npm run typecheck` (tsc -p bench/k6).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../engine/config/index.ts';
import { verifyToken } from '../../engine/access/index.ts';
import { SCENARIOS, SCENARIO_THRESHOLDS, planFrom, parseSeconds } from '../../bench/k6/lib/plan.ts';
import { eventId, makeEvent, requestBody, seqOf } from '../../bench/k6/lib/events.ts';
import { FeedTally } from '../../bench/k6/lib/feed.ts';
import { overridesFrom, parseThreshold, thresholdsFor, type ThresholdsFile } from '../../bench/k6/lib/thresholds.ts';
import { jwtSubject, signJwt, tokensFrom } from '../../bench/k6/lib/tokens.ts';
import { evaluate, metricsOf, percentile, type Samples } from '../../bench/load/metrics.ts';
import { nodeEncoders } from '../../bench/load/run.ts';

const K6 = join(PACKAGE_ROOT, 'bench', 'k6');
const file = JSON.parse(readFileSync(join(K6, 'thresholds.json'), 'utf8')) as ThresholdsFile;
const k6Lib = readFileSync(join(K6, 'lib', 'k6.ts'), 'utf8');
/** Metrics the k6 scripts declare (new Counter('x'), new Trend('x', ...)). */
const declaredInK6 = [...k6Lib.matchAll(/new (?:Counter|Trend|Rate|Gauge)\('([a-z_]+)'/g)].map((m) => m[1]!);
/** k6's built-in HTTP metrics the twin reports too. */
const K6_BUILTIN = ['http_reqs', 'http_req_failed', 'http_req_duration'];

const samples = (over: Partial<Samples> = {}): Samples => ({
  httpDurations: [10, 20, 30, 40], httpNoAnswer: 0, httpFailed: 0, eventsSent: 40, feedLatencies: [100, 200, 300],
  feedEvents: 3, feedDropped: 0, feedErrors: 0, feedDuplicates: 0, feedForeign: 0, seconds: 2, ...over,
});

describe('k6 scripts and their twin', () => {
  it.each(SCENARIOS)('scenario %s has a k6 script using its plan and thresholds, exporting the exec functions', (s) => {
    const path = join(K6, `${s}.ts`);
    expect(existsSync(path), path).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(`planFrom('${s}', __ENV)`);
    expect(text).toContain(`thresholdsFor('${s}', file, overridesFrom(__ENV.THRESHOLDS))`);
    expect(text).toContain("open('./thresholds.json')");
    expect(text).toMatch(/export function setup\(\)/);
    expect(text).toContain("export { ingest, wallboard, agent } from './lib/k6.ts';");
  });

  it('the thresholds file has exactly the metrics the scenarios apply, each expression valid', () => {
    const used = new Set(Object.values(SCENARIO_THRESHOLDS).flat());
    expect(new Set(Object.keys(file.thresholds))).toEqual(used);
    for (const exprs of Object.values(file.thresholds)) for (const e of exprs) expect(() => parseThreshold(e)).not.toThrow();
  });

  it('the twin reports every metric the k6 scripts have, under the same names, and every threshold metric is one', () => {
    expect(declaredInK6).toEqual(expect.arrayContaining(['events_sent', 'feed_latency', 'feed_events', 'feed_dropped', 'feed_errors']));
    const twin = Object.keys(metricsOf(samples())).sort();
    expect(twin).toEqual([...K6_BUILTIN, ...declaredInK6].sort());
    for (const m of Object.values(SCENARIO_THRESHOLDS).flat()) expect(twin).toContain(m);
  });

  it('npm run typecheck type-checks the k6 scripts against @types/k6', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toContain('tsc -p bench/k6');
    expect(readFileSync(join(K6, 'tsconfig.json'), 'utf8')).toContain('"types": ["k6"]');
  });
});

describe('thresholds', () => {
  it('are evaluated as k6 does: p(N) interpolated, counts and rates', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(25);
    expect(percentile([10, 20, 30, 40], 99)).toBeCloseTo(39.7);
    const table = { http_req_duration: ['p(99)<0', 'med<100'], feed_dropped: ['count<1'], http_req_failed: ['rate<0.01'], events_sent: ['rate>=20'] };
    expect(evaluate(table, samples()).map((o) => [o.metric, o.threshold, o.ok])).toEqual([
      ['http_req_duration', 'p(99)<0', false], ['http_req_duration', 'med<100', true], ['feed_dropped', 'count<1', true],
      ['http_req_failed', 'rate<0.01', true], ['events_sent', 'rate>=20', true],
    ]);
    expect(evaluate({ http_req_failed: ['rate<0.01'] }, samples({ httpNoAnswer: 1, httpFailed: 1 }))[0]).toMatchObject({ ok: false, actual: 0.2 });
    // No latency samples at all: nothing holds a latency threshold.
    expect(evaluate({ feed_latency: ['p(99)<1000'] }, samples({ feedLatencies: [] }))[0]!.ok).toBe(false);
  });

  it('overrides replace a metric\'s list; unknown metrics, bad JSON and bad expressions are refused by name', () => {
    expect(thresholdsFor('ingest', file, overridesFrom('{"http_req_duration":["p(99)<0"]}'))).toEqual({ http_req_failed: file.thresholds.http_req_failed, http_req_duration: ['p(99)<0'] });
    expect(() => thresholdsFor('ingest', file, overridesFrom('{"feed_latency":["p(99)<1"]}'))).toThrow(/scenario ingest has no threshold metric 'feed_latency'/);
    expect(() => overridesFrom('{oops')).toThrow(/THRESHOLDS is not JSON/);
    expect(() => thresholdsFor('mixed', file, overridesFrom('{"feed_latency":["p99 < 1"]}'))).toThrow(/threshold 'p99 < 1' is not of the form/);
  });
});

describe('plan and events', () => {
  it('reads the settings with defaults per scenario and refuses bad ones by name', () => {
    expect(planFrom('mixed', {})).toMatchObject({ url: 'http://127.0.0.1:8080', rate: 200, batch: 10, agents: 10, wallboards: 2, leadS: 2 });
    expect(planFrom('ingest', { CXPULSE_URL: 'http://e:8080/', RATE: '50', DURATION: '2m', WALLBOARDS: '1' })).toMatchObject({ url: 'http://e:8080', rate: 50, durationS: 120, wallboards: 1, leadS: 2 });
    expect(parseSeconds('1.5m')).toBe(90);
    expect(() => planFrom('soak', {})).toThrow(/unknown scenario 'soak'/);
    expect(() => planFrom('feed', { RATE: '0' })).toThrow(/RATE must be a whole number >= 1, got '0'/);
    expect(() => planFrom('feed', { DURATION: 'soon' })).toThrow(/DURATION must be a duration/);
    expect(() => planFrom('feed', { BATCH: '50' })).toThrow(/BATCH \(50\) is more than RATE \(20\)/);
    expect(() => planFrom('feed', { CXPULSE_URL: 'engine:8080' })).toThrow(/CXPULSE_URL must be an http/);
  });

  it('numbers events across the run, stamps the send time and spreads them over the agents', () => {
    const agents = ['a-1', 'a-2', 'a-3'];
    const batch = JSON.parse(requestBody('run1', 6, 3, 1_796_000_000_000, agents)) as ReturnType<typeof makeEvent>[];
    expect(batch.map((e) => [e.id, e.agentId, e.ts])).toEqual([['run1-6', 'a-1', 1_796_000_000_000], ['run1-7', 'a-2', 1_796_000_000_000], ['run1-8', 'a-3', 1_796_000_000_000]]);
    expect(new Set(batch.map((e) => e.conversationId)).size).toBe(3);
    expect(JSON.parse(requestBody('run1', 5, 1, 1, []))).toMatchObject({ id: 'run1-5', channel: 'chat', author: 'customer' });
    expect(JSON.parse(requestBody('run1', 5, 1, 1, [])).agentId).toBeUndefined();
    expect(seqOf('run1', eventId('run1', 42))).toBe(42);
    expect(seqOf('run1', 'run10-42')).toBeUndefined();
    expect(seqOf('run1', 'run1-4x')).toBeUndefined();
  });
});

describe('feed tally', () => {
  const score = (id: string, tsMs: number) => JSON.stringify({ type: 'score', event: { id, tsMs } });

  it('gives the latency of each first arrival; counts resends, other runs and other agents apart', () => {
    const t = new FeedTally('r', { kind: 'agent', index: 1, agents: 2 });
    expect(t.take(JSON.stringify({ type: 'hello', protocol: 1 }), 0)).toBeUndefined();
    expect(t.take(score('r-1', 1000), 1250)).toBe(250);
    expect(t.take(score('r-1', 1000), 1300)).toBeUndefined();
    expect(t.take(score('r-2', 1000), 1300)).toBeUndefined();
    expect(t.take(score('other-3', 1000), 1300)).toBeUndefined();
    expect(t.take(JSON.stringify({ type: 'cue', conversationId: 'x', cue: {} }), 1300)).toBeUndefined();
    expect(t.take('not json', 1300)).toBeUndefined();
    expect([t.received, t.duplicates, t.foreign, t.malformed]).toEqual([1, 1, 1, 1]);
  });

  it('counts drops from the gaps it saw (k6) or exactly from what was accepted (twin)', () => {
    const t = new FeedTally('r', { kind: 'wallboard' });
    for (const s of [0, 1, 3, 6]) t.take(score(`r-${s}`, 0), 1);
    t.take(JSON.stringify({ type: 'snapshot', events: [{ id: 'r-4' }], cues: [], alerts: [] }), 1);
    expect(t.droppedWithinSeen()).toBe(2); // 2 and 5
    expect(t.droppedOf([0, 1, 2, 3, 4, 5, 6, 7, 8])).toBe(4); // 2, 5, 7, 8
    const agent = new FeedTally('r', { kind: 'agent', index: 0, agents: 3 });
    for (const s of [0, 6]) agent.take(score(`r-${s}`, 0), 1);
    expect(agent.droppedWithinSeen()).toBe(1); // 3
    expect(agent.droppedOf([0, 1, 2, 3, 4, 5, 6])).toBe(1);
  });
});

describe('tokens', () => {
  const secret = 'a-load-test-secret-of-at-least-32-bytes!';
  const key = new TextEncoder().encode(secret);
  const plan = planFrom('mixed', { AGENTS: '2', WALLBOARDS: '1' });
  const now = Date.now() / 1000;

  it('signs tokens the engine verifies, with the role each part needs', async () => {
    const t = tokensFrom(plan, { CXPULSE_JWT_SECRET: secret }, nodeEncoders, now);
    expect(t.source).toBe('signed');
    expect(await verifyToken(t.ingest, key)).toMatchObject({ ok: true, principal: { role: 'ingest' } });
    expect(await verifyToken(t.wallboard, key)).toMatchObject({ ok: true, principal: { role: 'supervisor' } });
    expect(t.agents.map((a) => a.id)).toEqual(['cxpulse-load-agent-1', 'cxpulse-load-agent-2']);
    expect(await verifyToken(t.agents[1]!.token, key)).toMatchObject({ ok: true, principal: { role: 'agent', sub: 'cxpulse-load-agent-2' } });
    expect(await verifyToken(t.ingest, new TextEncoder().encode('another-secret-of-at-least-32-bytes-long'))).toMatchObject({ ok: false });
  });

  it('takes given tokens, agent ids from their sub; refuses too few agent tokens', () => {
    const a1 = signJwt({ role: 'agent', sub: 'agent-17', exp: now + 60 }, secret, nodeEncoders);
    const a2 = signJwt({ role: 'agent', sub: 'agent-18', exp: now + 60 }, secret, nodeEncoders);
    expect(jwtSubject(a1, nodeEncoders)).toBe('agent-17');
    const t = tokensFrom(plan, { CXPULSE_TOKEN: 'admin.jwt.x', CXPULSE_AGENT_TOKENS: `${a1}, ${a2}` }, nodeEncoders, now);
    expect(t).toEqual({ ingest: 'admin.jwt.x', wallboard: 'admin.jwt.x', agents: [{ id: 'agent-17', token: a1 }, { id: 'agent-18', token: a2 }], source: 'given' });
    expect(() => tokensFrom(plan, { CXPULSE_TOKEN: 'admin.jwt.x', CXPULSE_AGENT_TOKENS: a1 }, nodeEncoders, now)).toThrow(/AGENTS is 2 but CXPULSE_AGENT_TOKENS holds 1 tokens/);
    expect(() => tokensFrom(plan, { CXPULSE_AGENT_TOKENS: `${a1},${a1}` }, nodeEncoders, now)).toThrow(/same sub/);
    // An open engine: no tokens at all, agents still get ids for routing.
    expect(tokensFrom(plan, {}, nodeEncoders, now)).toEqual({ agents: [{ id: 'cxpulse-load-agent-1' }, { id: 'cxpulse-load-agent-2' }], source: 'none' });
  });
});
