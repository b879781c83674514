import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { SignJWT } from 'jose';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/http/index.ts';
import { createMemoryBus } from '../../engine/bus/index.ts';
import { createFeedHub, type FeedHub, type FeedHubOptions, type FeedMessage } from '../../engine/feed/index.ts';
import { createLogger, createMetrics, type Metrics } from '../../engine/observability/index.ts';
import type { ScoredEvent } from '../../engine/event/index.ts';

export const SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

export function scored(id: string, conversationId: string, over: Partial<ScoredEvent> = {}): ScoredEvent {
  return {
    id,
    channel: 'chat',
    conversationId,
    customerId: `cust-${conversationId}`,
    author: 'customer',
    tsMs: 1795000000000,
    text: 'where is my refund?',
    lang: 'en',
    langConfidence: 0.9,
    sentiment: { label: 'negative', score: -0.6, confidence: 0.8 },
    conversation: { turns: 1, recent: [-0.6], trend: 0 },
    modelVersion: 'test',
    latencyMs: 1,
    receivedAtMs: 1795000000000,
    ...over,
  };
}

export async function token(claims: Record<string, unknown>, opts: { secret?: string; expiresIn?: string | number; noExp?: boolean } = {}): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (!opts.noExp) jwt = jwt.setExpirationTime(opts.expiresIn ?? '5m');
  return jwt.sign(new TextEncoder().encode(opts.secret ?? SECRET));
}

export interface FeedApp {
  app: FastifyInstance;
  hub: FeedHub;
  metrics: Metrics;
  wsUrl: string;
  close(): Promise<void>;
}

/** The real fastify app on a loopback port with its own hub, no engine behind it. */
export async function startFeedApp(opts: { secret?: string; claims?: { issuer?: string; audience?: string }; hub?: Partial<FeedHubOptions> } = {}): Promise<FeedApp> {
  const metrics = createMetrics();
  const hub = createFeedHub({ onClients: (n) => metrics.feedClients.set(n), onDropped: (n) => metrics.feedDropped.inc(n) }, opts.hub);
  const app = await buildApp({
    log: createLogger('silent'),
    metrics,
    bus: createMemoryBus(),
    feed: hub,
    jwtSecret: opts.secret,
    ...(opts.claims ? { jwtClaims: opts.claims } : {}),
    maxTextBytes: 32 * 1024,
    maxBodyBytes: 1 << 20,
    backend: () => 'cpu',
    readiness: async () => ({ ready: true, checks: {} }),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return {
    app,
    hub,
    metrics,
    wsUrl: `ws://127.0.0.1:${port}/v1/feed`,
    async close() {
      hub.closeAll(1001, 'test over');
      await app.close();
    },
  };
}

export interface TestClient {
  ws: WebSocket;
  messages: FeedMessage[];
  scores(): ScoredEvent[];
  closed: Promise<{ code: number; reason: string }>;
  /** Stops reading from the TCP socket, as a frozen browser tab would. */
  stall(): void;
  resume(): void;
}

export async function connect(url: string, auth: { header?: string; query?: string } = {}): Promise<TestClient> {
  const u = auth.query === undefined ? url : `${url}?token=${encodeURIComponent(auth.query)}`;
  const ws = new WebSocket(u, auth.header === undefined ? {} : { headers: { authorization: `Bearer ${auth.header}` } });
  const messages: FeedMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as FeedMessage));
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // ws keeps the TCP socket private; pausing it is the only way to make a real client stop reading.
  const raw = () => (ws as unknown as { _socket: Socket })._socket;
  return {
    ws,
    messages,
    scores: () => messages.flatMap((m) => (m.type === 'score' ? [m.event] : [])),
    closed,
    stall: () => raw().pause(),
    resume: () => raw().resume(),
  };
}

/** Attempts a connection that the server should refuse before the upgrade; returns the HTTP answer. */
export function refusal(url: string, auth: { header?: string; query?: string } = {}): Promise<{ status: number; body: { error?: { code?: string; message?: string } } }> {
  const u = auth.query === undefined ? url : `${url}?token=${encodeURIComponent(auth.query)}`;
  const ws = new WebSocket(u, auth.header === undefined ? {} : { headers: { authorization: auth.header } });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      reject(new Error('the feed accepted a connection it should have refused'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as { error?: { code?: string; message?: string } } }));
    });
    ws.once('error', (e) => reject(e));
  });
}

export async function until(cond: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
