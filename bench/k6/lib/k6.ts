/**
 * The k6 side of the load kit: options (scenarios and thresholds), setup, and the three exec
 * functions (`ingest`, `wallboard`, `agent`) the entry scripts (bench/k6/{ingest,feed,mixed}.ts)
 * export. The plan, the events and the feed tally are the runtime-neutral modules beside this
 * one, which the twin (bench/load) runs too.
 */
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { WebSocket } from 'k6/websockets';
import { setTimeout } from 'k6/timers';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import type { Options, Scenario } from 'k6/options';
import { requestRate, type Plan } from './plan.ts';
import { newRunId, requestBody } from './events.ts';
import { FeedTally, type Expectation } from './feed.ts';
import { tokensFrom, type Encoders, type RunTokens } from './tokens.ts';
import type { ThresholdTable } from './thresholds.ts';

// Custom metrics (k6 adds http_reqs, http_req_duration and http_req_failed itself). Same names in the twin.
/** Events the engine accepted (202). */
const eventsSent = new Counter('events_sent');
/** Publish (the request's send time, carried as the event's `ts`) -> `score` message on the feed, ms. */
const feedLatency = new Trend('feed_latency', true);
/** Events of this run received on the feed, each id once per subscriber. */
const feedEvents = new Counter('feed_events');
/** Expected events a subscriber did not receive (gaps between the first and last it saw). */
const feedDropped = new Counter('feed_dropped');
/** Subscribers refused, failed or closed by the engine before the end. */
const feedErrors = new Counter('feed_errors');
/** Resent events (same id again: the feed is a live view) and other agents' events an agent got. */
const feedDuplicates = new Counter('feed_duplicates');
const feedForeign = new Counter('feed_foreign');

export const encoders: Encoders = {
  b64url: (text) => encoding.b64encode(text, 'rawurl'),
  hmacSha256B64url: (secret, data) => crypto.hmac('sha256', secret, data, 'base64rawurl'),
  fromB64url: (segment) => encoding.b64decode(segment, 'rawurl', 's'),
};

export interface SetupData {
  plan: Plan;
  runId: string;
  tokens: RunTokens;
}

/** k6 options for a plan: an ingest scenario at a constant arrival rate, one VU per subscriber. */
export function k6Options(plan: Plan, thresholds: ThresholdTable): Options {
  const perSecond = requestRate(plan);
  const scenarios: Record<string, Scenario> = {
    ingest: {
      executor: 'constant-arrival-rate',
      exec: 'ingest',
      // `rate` iterations (requests) per `timeUnit`: plan.rate events per second in requests of plan.batch.
      rate: plan.rate,
      timeUnit: `${plan.batch}s`,
      duration: `${plan.durationS}s`,
      startTime: `${plan.leadS}s`,
      preAllocatedVUs: Math.max(2, Math.ceil(perSecond / 10)),
      maxVUs: Math.max(20, Math.ceil(perSecond * 2)),
    },
  };
  const subscriberStage = (exec: string, vus: number): Scenario => ({
    executor: 'per-vu-iterations',
    exec,
    vus,
    iterations: 1,
    maxDuration: `${Math.ceil(plan.leadS + plan.durationS + plan.graceS + 30)}s`,
  });
  if (plan.wallboards > 0) scenarios.wallboards = subscriberStage('wallboard', plan.wallboards);
  if (plan.agents > 0) scenarios.agents = subscriberStage('agent', plan.agents);
  return {
    scenarios,
    thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'],
    // Connect every subscriber: one setup request and one per subscriber are not ingest load.
    setupTimeout: '30s',
  };
}

const bearer = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });

/**
 * Before the load: the engine answers, and the ingest token is taken (an empty batch is refused
 * with 400 after the token check, 401/403 when the token is wrong). Aborts the run (k6 exit 108)
 * with one line otherwise.
 */
export function setupRun(plan: Plan): SetupData {
  const tokens = tokensFrom(plan, __ENV, encoders, Date.now() / 1000);
  const health = http.get(`${plan.url}/healthz`, { tags: { name: 'setup' }, responseCallback: http.expectedStatuses({ min: 100, max: 599 }) });
  if (health.status === 0) exec.test.abort(`engine not reachable at ${plan.url}: ${health.error}`);
  const probe = http.post(`${plan.url}/v1/events`, '[]', {
    headers: { 'content-type': 'application/json', ...bearer(tokens.ingest) },
    tags: { name: 'setup' },
    responseCallback: http.expectedStatuses(400),
  });
  if (probe.status === 401 || probe.status === 403) exec.test.abort(`POST /v1/events refused the ingest token (${probe.status}): ${String(probe.body)}`);
  const runId = newRunId(Date.now(), Math.random());
  console.log(`run ${runId}: tokens ${tokens.source}`);
  return { plan, runId, tokens };
}

/** One request of the ingest scenario: events iteration * batch .. + batch - 1, stamped with the send time. */
export function ingest(data: SetupData): void {
  const { plan, runId, tokens } = data;
  const first = exec.scenario.iterationInTest * plan.batch;
  const body = requestBody(runId, first, plan.batch, Date.now(), tokens.agents.map((a) => a.id));
  const res = http.post(`${plan.url}/v1/events`, body, {
    headers: { 'content-type': 'application/json', ...bearer(tokens.ingest) },
    tags: { name: 'POST /v1/events', batch: String(plan.batch) },
  });
  if (check(res, { 'events accepted (202)': (r) => r.status === 202 })) eventsSent.add(plan.batch);
}

/** A wallboard: reads the whole feed until the ingest has ended and the grace period passed. */
export function wallboard(data: SetupData): void {
  subscribe(data, { kind: 'wallboard' }, data.tokens.wallboard, 'wallboard');
}

/** Agent k of the run (its VU's one iteration in the `agents` scenario): reads its own conversations. */
export function agent(data: SetupData): void {
  const index = exec.scenario.iterationInTest;
  const a = data.tokens.agents[index];
  if (a === undefined) exec.test.abort(`agent ${index} has no id: AGENTS and the agent tokens disagree`);
  subscribe(data, { kind: 'agent', index, agents: data.tokens.agents.length }, a?.token, 'agent');
}

function subscribe(data: SetupData, expectation: Expectation, token: string | undefined, kind: string): void {
  const { plan, runId } = data;
  const tally = new FeedTally(runId, expectation);
  const url = `${plan.url.replace(/^http/, 'ws')}/v1/feed`;
  const ws = new WebSocket(url, null, { headers: bearer(token), tags: { subscriber: kind } });
  let closing = false;
  let failed = false;
  ws.onopen = () => {
    // Stay until the ingest (which starts leadS after the subscribers) has ended, plus the grace period.
    setTimeout(() => {
      closing = true;
      ws.close();
    }, (plan.leadS + plan.durationS + plan.graceS) * 1000);
  };
  ws.onmessage = (e) => {
    if (e === undefined || typeof e.data !== 'string') return;
    const ms = tally.take(e.data, Date.now());
    if (ms !== undefined) feedLatency.add(ms, { subscriber: kind });
  };
  ws.onerror = (e) => {
    failed = true;
    console.error(`${kind} feed socket: ${e?.error ?? 'error'}`);
  };
  ws.onclose = () => {
    if (failed || !closing) feedErrors.add(1, { subscriber: kind });
    feedEvents.add(tally.received, { subscriber: kind });
    feedDropped.add(tally.droppedWithinSeen(), { subscriber: kind });
    feedDuplicates.add(tally.duplicates, { subscriber: kind });
    feedForeign.add(tally.foreign, { subscriber: kind });
  };
}
