/**
 * The k6 scenarios' twin without k6 (`npm run load`): the HTTP load through autocannon, the feed
 * subscribers through `ws`, and the same plan, events, feed tally and thresholds as the k6 scripts
 * (bench/k6/lib). One difference: the twin knows which events the engine accepted, so it counts
 * dropped feed messages exactly; a k6 subscriber counts the gaps between the events it saw.
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import WebSocket from 'ws';
import { requestRate, type Plan } from '../k6/lib/plan.ts';
import { newRunId, requestBody } from '../k6/lib/events.ts';
import { FeedTally, type Expectation } from '../k6/lib/feed.ts';
import { tokensFrom, type Encoders, type RunTokens } from '../k6/lib/tokens.ts';
import type { ThresholdsFile, ThresholdTable } from '../k6/lib/thresholds.ts';
import { evaluate, metricsOf, type LoadMetrics, type Samples, type ThresholdOutcome } from './metrics.ts';

/** The run could not start or go on (engine not reachable, token refused, bad settings): exit 2. */
export class LoadError extends Error {}

export const nodeEncoders: Encoders = {
  b64url: (text) => Buffer.from(text, 'utf8').toString('base64url'),
  hmacSha256B64url: (secret, data) => createHmac('sha256', secret).update(data).digest('base64url'),
  fromB64url: (segment) => Buffer.from(segment, 'base64url').toString('utf8'),
};

export const THRESHOLDS_FILE = new URL('../k6/thresholds.json', import.meta.url);

export async function readThresholdsFile(): Promise<ThresholdsFile> {
  return JSON.parse(await readFile(THRESHOLDS_FILE, 'utf8')) as ThresholdsFile;
}

export interface LoadOptions {
  plan: Plan;
  /** The token settings (bench/k6/lib/tokens.ts TOKEN_SETTINGS), from the environment and flags. */
  tokenSettings: Record<string, string | undefined>;
  thresholds: ThresholdTable;
  /**
   * HTTP connections (default: one per 2 requests/s, up to 200). autocannon paces each connection
   * (at most its share of the rate per second) and waits for each answer before the next request,
   * so a connection keeps its share only while answers take less than 1 / share seconds.
   */
  connections?: number;
  /** A line of progress, about once a second. */
  progress?: (line: string) => void;
}

export interface LoadResult {
  runId: string;
  plan: Plan;
  /** Requests per second autocannon was asked for (whole requests: rate / batch, rounded). */
  offeredRequestsPerSec: number;
  /** Requests the plan offered in its duration; each is made and answered unless the run had to stop 30 s past its duration. */
  offeredRequests: number;
  connections: number;
  tokens: RunTokens['source'];
  metrics: LoadMetrics;
  /** Per subscriber: kind, events received, dropped, errors. */
  subscribers: { kind: 'wallboard' | 'agent'; id?: string; received: number; dropped: number; duplicates: number; foreign: number; error?: string }[];
  thresholds: ThresholdOutcome[];
  /** Every threshold held. */
  ok: boolean;
}

interface Subscriber {
  kind: 'wallboard' | 'agent';
  id?: string;
  tally: FeedTally;
  ws: WebSocket;
  latencies: number[];
  closing: boolean;
  error?: string;
}

const bearer = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });
/** How long past its planned duration the ingest may run to finish the offered requests (k6's default gracefulStop). */
const GRACEFUL_STOP_S = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The engine answers at all (any status of /healthz: with CXPULSE_OPS_PORT it may be a 404 here). */
async function reachable(url: string): Promise<void> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new LoadError(`engine not reachable at ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
}

/** The ingest token is taken: an empty batch is refused with 400 after the token check, with 401/403 before it. */
async function ingestTokenTaken(url: string, token: string | undefined): Promise<void> {
  const res = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: '[]', signal: AbortSignal.timeout(5000) });
  const body = await res.text();
  if (res.status === 401 || res.status === 403) throw new LoadError(`POST /v1/events refused the ingest token (${res.status}): ${messageOf(body)}`);
}

const messageOf = (body: string) => {
  try {
    const e = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
    if (e?.message) return `${e.code ?? ''} ${e.message}`.trim();
  } catch {
    // not the error catalog's JSON: the body as it is
  }
  return body.slice(0, 200);
};

/** Opens a subscriber and waits for its `hello`; a refused upgrade is a LoadError naming the status and the engine's message. */
function subscribe(url: string, runId: string, expectation: Expectation, token: string | undefined, id?: string): Promise<Subscriber> {
  const kind = expectation.kind;
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/feed`, { headers: bearer(token), handshakeTimeout: 10_000 });
  const sub: Subscriber = { kind, tally: new FeedTally(runId, expectation), ws, latencies: [], closing: false };
  if (id !== undefined) sub.id = id;
  return new Promise((resolve, reject) => {
    let hello = false;
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => reject(new LoadError(`GET /v1/feed refused the ${kind}${id ? ` ${id}` : ''} (${res.statusCode}): ${messageOf(body)}`)));
    });
    ws.on('message', (data) => {
      const text = String(data);
      if (!hello) {
        hello = true;
        resolve(sub);
      }
      const ms = sub.tally.take(text, Date.now());
      if (ms !== undefined) sub.latencies.push(ms);
    });
    ws.on('error', (e) => {
      if (!hello) reject(new LoadError(`feed not reachable at ${url}/v1/feed: ${e.message}`));
      else sub.error ??= e.message;
    });
    ws.on('close', (code, reason) => {
      if (!sub.closing) sub.error ??= `closed by the engine: ${code}${reason.length > 0 ? ` ${String(reason)}` : ''}`;
    });
  });
}

/** Runs a plan: subscribers first, then the ingest for the plan's duration, then the grace period. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const { plan } = o;
  const say = o.progress ?? (() => {});
  await reachable(plan.url);
  let tokens: RunTokens;
  try {
    tokens = tokensFrom(plan, o.tokenSettings, nodeEncoders, Date.now() / 1000);
  } catch (e) {
    throw new LoadError((e as Error).message);
  }
  await ingestTokenTaken(plan.url, tokens.ingest);
  const runId = newRunId(Date.now(), Math.random());
  const agentIds = tokens.agents.map((a) => a.id);

  const opening = await Promise.allSettled([
    ...Array.from({ length: plan.wallboards }, () => subscribe(plan.url, runId, { kind: 'wallboard' }, tokens.wallboard)),
    ...tokens.agents.map((a, k) => subscribe(plan.url, runId, { kind: 'agent', index: k, agents: agentIds.length }, a.token, a.id)),
  ]);
  const subs = opening.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const refused = opening.find((r) => r.status === 'rejected');
  if (refused !== undefined) {
    for (const s of subs) s.ws.terminate();
    throw (refused as PromiseRejectedResult).reason;
  }
  if (subs.length > 0) say(`run ${runId}: ${subs.length} subscriber${subs.length === 1 ? '' : 's'} connected (tokens: ${tokens.source})`);

  const reqRate = Math.max(1, Math.round(requestRate(plan)));
  const connections = Math.min(reqRate, o.connections ?? Math.min(200, Math.max(1, Math.ceil(reqRate / 2))));
  const accepted: number[] = [];
  const httpDurations: number[] = [];
  let httpNoAnswer = 0;
  let httpFailed = 0;
  let nextSeq = 0;
  const refusals = new Map<string, number>();

  const offered = Math.max(connections, Math.round(reqRate * plan.durationS));
  let lastAnswer = 0;
  say(`ingest: ${reqRate} requests/s of ${plan.batch} event${plan.batch === 1 ? '' : 's'} for ${plan.durationS} s over ${connections} connection${connections === 1 ? '' : 's'} ...`);
  const t0 = Date.now();
  const ticker = setInterval(() => {
    const s = Math.round((Date.now() - t0) / 1000);
    const feed = subs.reduce((n, x) => n + x.tally.received, 0);
    const onFeed = subs.length === 0 ? '' : `; feed: ${feed} received by ${subs.length} subscriber${subs.length === 1 ? '' : 's'}`;
    say(`  ${s} s: ${httpDurations.length + httpNoAnswer} of ${offered} requests (${httpFailed} failed), ${accepted.length} events accepted${onFeed}`);
  }, 1000);
  try {
    await new Promise<void>((resolve, reject) => {
      const instance = autocannon(
        {
          url: `${plan.url}/v1/events`,
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(tokens.ingest) },
          connections,
          overallRate: reqRate,
          // The offered number of requests, each answered before the run ends (k6 too lets an
          // iteration in flight finish, within its graceful stop); a hard stop below if that drags.
          amount: offered,
          timeout: 10,
          requests: [
            {
              setupRequest: (req, context) => {
                const c = context as { first?: number };
                c.first = nextSeq;
                nextSeq += plan.batch;
                return { ...req, body: requestBody(runId, c.first, plan.batch, Date.now(), agentIds) };
              },
              onResponse: (status, body, context) => {
                const first = (context as { first?: number }).first;
                if (status === 202 && first !== undefined) for (let k = 0; k < plan.batch; k++) accepted.push(first + k);
                else if (status >= 400) {
                  const key = `${status} ${messageOf(body)}`;
                  refusals.set(key, (refusals.get(key) ?? 0) + 1);
                }
              },
            },
          ],
        },
        (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
      );
      const hardStop = setTimeout(() => {
        say(`  stopping: ${GRACEFUL_STOP_S} s past the planned ${plan.durationS} s, ${httpDurations.length + httpNoAnswer} of ${offered} requests made`);
        instance.stop();
      }, (plan.durationS + GRACEFUL_STOP_S) * 1000);
      instance.on('done', () => clearTimeout(hardStop));
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        lastAnswer = Date.now();
        httpDurations.push(responseTime);
        if (statusCode >= 400) httpFailed++;
      });
      instance.on('reqError', () => {
        httpNoAnswer++;
        httpFailed++;
      });
    });
  } finally {
    clearInterval(ticker);
  }
  const seconds = Math.max(0.001, ((lastAnswer || Date.now()) - t0) / 1000);
  for (const [what, n] of refusals) say(`  refused ${n} time${n === 1 ? '' : 's'}: ${what}`);

  if (subs.length > 0) {
    say(`ingest done; waiting up to ${plan.graceS} s for the feed ...`);
    const deadline = Date.now() + plan.graceS * 1000;
    const complete = () => subs.every((s) => s.tally.droppedOf(accepted) === 0);
    while (Date.now() < deadline && !complete()) await sleep(100);
  }
  for (const s of subs) {
    s.closing = true;
    s.ws.close(1000);
  }

  const samples: Samples = {
    httpDurations,
    httpNoAnswer,
    httpFailed,
    eventsSent: accepted.length,
    feedLatencies: subs.flatMap((s) => s.latencies),
    feedEvents: subs.reduce((n, s) => n + s.tally.received, 0),
    feedDropped: subs.reduce((n, s) => n + s.tally.droppedOf(accepted), 0),
    feedErrors: subs.filter((s) => s.error !== undefined).length,
    feedDuplicates: subs.reduce((n, s) => n + s.tally.duplicates, 0),
    feedForeign: subs.reduce((n, s) => n + s.tally.foreign, 0),
    seconds,
  };
  const metrics = metricsOf(samples);
  const thresholds = evaluate(o.thresholds, samples, metrics);
  return {
    runId,
    plan,
    offeredRequestsPerSec: reqRate,
    offeredRequests: offered,
    connections,
    tokens: tokens.source,
    metrics,
    subscribers: subs.map((s) => ({
      kind: s.kind,
      ...(s.id === undefined ? {} : { id: s.id }),
      received: s.tally.received,
      dropped: s.tally.droppedOf(accepted),
      duplicates: s.tally.duplicates,
      foreign: s.tally.foreign,
      ...(s.error === undefined ? {} : { error: s.error }),
    })),
    thresholds,
    ok: thresholds.every((t) => t.ok),
  };
}
