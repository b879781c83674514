/**
 * Each cap on the work one client can cause, on the engine's real HTTP app with the shipped
 * connectors, on a real port where the cap is about connections (timeouts, WebSockets): every
 * refusal is the documented 4xx/503 naming the field or setting, and nothing refused is published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { buildApp, type HttpLimits } from '../../engine/http/index.ts';
import type { EventBus } from '../../engine/bus/index.ts';
import { createFeedHub } from '../../engine/feed/index.ts';
import { createLogger, createMetrics } from '../../engine/observability/index.ts';
import { loadConfig } from '../../engine/config/index.ts';
import { httpLimitsOf } from '../../engine/runtime/index.ts';
import { fieldLimitsOf } from '../../engine/event/index.ts';
import { runConnectors, selectConnectors } from '../../engine/connector/index.ts';
import { CONNECTORS } from '../../connectors/index.ts';
import { recordingBus } from '../connectors/helpers.ts';
import { SECRET, token } from '../feed/helpers.ts';

interface TestApp {
  app: FastifyInstance;
  rec: ReturnType<typeof recordingBus>;
  url: string;
}
const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});

/** The engine's app and connectors, configured from `env` as `cxpulse start` would, listening on a free port. */
async function start(env: Record<string, string> = {}, over: { limits?: Partial<HttpLimits>; bus?: Pick<EventBus, 'publishEvent' | 'deadLetter'> } = {}): Promise<TestApp> {
  const cfg = loadConfig(env);
  const rec = recordingBus();
  const bus = over.bus ?? rec.bus;
  const log = createLogger('silent');
  const metrics = createMetrics();
  const app = await buildApp({
    log,
    metrics,
    bus,
    feed: createFeedHub(),
    jwtSecret: cfg.CXPULSE_JWT_SECRET,
    maxTextBytes: cfg.CXPULSE_MAX_TEXT_BYTES,
    maxBodyBytes: cfg.CXPULSE_MAX_BODY_BYTES,
    limits: {
      ...httpLimitsOf(cfg),
      ...over.limits,
    },
    backend: () => 'cpu',
    readiness: async () => ({ ready: true, checks: {} }),
  });
  const running = await runConnectors({ app, bus, registry: metrics.registry, log, maxTextBytes: cfg.CXPULSE_MAX_TEXT_BYTES, fieldLimits: fieldLimitsOf(cfg), selected: selectConnectors(cfg, CONNECTORS) });
  app.addHook('onClose', () => running.stop());
  await app.listen({ port: 0, host: '127.0.0.1' });
  apps.push(app);
  return { app, rec, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

const event = (over: Record<string, unknown> = {}) => ({ id: 'lim-1', channel: 'email', conversationId: 'c-1', customerId: 'cust-1', author: 'customer', text: 'My invoice is wrong', ts: 1795000000000, ...over });
const post = (t: TestApp, body: unknown, url = '/v1/events', headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

describe('caps on the fields of an event (defaults)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await start();
  });
  const deep = (levels: number): Record<string, unknown> => (levels === 0 ? { leaf: 1 } : { n: deep(levels - 1) });

  it.each([
    ['id', { id: 'i'.repeat(257) }, 413, 'CX_ERR_FIELD_TOO_LARGE', 'id', /257 characters; the limit is 256 \(CXPULSE_MAX_ID_LENGTH\)/],
    ['conversationId', { conversationId: 'c'.repeat(300) }, 413, 'CX_ERR_FIELD_TOO_LARGE', 'conversationId', /CXPULSE_MAX_ID_LENGTH/],
    ['customerId', { customerId: 'u'.repeat(300) }, 413, 'CX_ERR_FIELD_TOO_LARGE', 'customerId', /CXPULSE_MAX_ID_LENGTH/],
    ['agentId', { agentId: 'a'.repeat(300) }, 413, 'CX_ERR_FIELD_TOO_LARGE', 'agentId', /CXPULSE_MAX_ID_LENGTH/],
    ['subject', { subject: 'S'.repeat(128 * 1024) }, 413, 'CX_ERR_FIELD_TOO_LARGE', 'subject', /131072 characters; the limit is 1000 \(CXPULSE_MAX_SUBJECT_LENGTH\)/],
    ['a long lang', { lang: 'e'.repeat(36) }, 413, 'CX_ERR_FIELD_TOO_LARGE', 'lang', /36 characters; the limit is 35/],
    ['lang that is not a language tag', { lang: "en'} or 1=1 --" }, 400, 'CX_ERR_INVALID_VALUE', 'lang', /language tag/],
    ['a meta key', { meta: { ['k'.repeat(129)]: 1 } }, 413, 'CX_ERR_FIELD_TOO_LARGE', 'meta', /129 characters; the limit is 128 \(CXPULSE_MAX_META_KEY_LENGTH\)/],
    ['a meta value', { meta: { note: 'v'.repeat(4097) } }, 413, 'CX_ERR_FIELD_TOO_LARGE', 'meta.note', /CXPULSE_MAX_META_VALUE_LENGTH/],
    ['a nested meta value', { meta: { a: { b: ['v'.repeat(5000)] } } }, 413, 'CX_ERR_FIELD_TOO_LARGE', 'meta.a.b.0', /limit for a value in meta is 4096/],
    ['meta nested too deep', { meta: deep(9) }, 400, 'CX_ERR_INVALID_VALUE', expect.stringMatching(/^meta(\.n)+$/), /deeper than 8 levels/],
    ['meta as a whole', { meta: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'v'.repeat(4000)])) }, 413, 'CX_ERR_FIELD_TOO_LARGE', 'meta', /the limit is 16384 \(CXPULSE_MAX_META_BYTES\)/],
  ])('refuses %s, naming the field and its limit, and publishes nothing', async (_what, over, status, code, field, message) => {
    const before = t.rec.published.length;
    const res = await post(t, event({ id: `f-${Math.random()}`, ...over }));
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatchObject({ code, field });
    expect(res.json().error.message).toMatch(message);
    expect(t.rec.published.length).toBe(before);
  });

  it('takes every field at its limit', async () => {
    const atLimit = event({ id: 'i'.repeat(256), agentId: 'a'.repeat(256), subject: 'S'.repeat(1000), lang: 'zh-Hant-TW', meta: { ['k'.repeat(128)]: 'v'.repeat(4096), nested: deep(5) } });
    const res = await post(t, atLimit);
    expect(res.statusCode).toBe(202);
    expect(t.rec.published.at(-1)?.msgId).toBe('i'.repeat(256));
  });

  it('refuses JSON nested deeper than 64 levels before parsing it', async () => {
    const res = await post(t, `${'['.repeat(500_000)}${']'.repeat(500_000)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'CX_ERR_INVALID_JSON' });
    expect(res.json().error.message).toMatch(/deeper than 64 levels/);
  });

  it('applies the same caps in the connectors, dead-lettering what they refuse', async () => {
    const before = t.rec.deadLetters.length;
    const res = await post(t, { messageId: 'chat-long-id', conversationId: 'c'.repeat(300), customerId: 'u', author: 'customer', text: 'hi', ts: 1795000000000 }, '/v1/connectors/chat/webhook');
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'CX_ERR_FIELD_TOO_LARGE', field: 'conversationId' });
    expect(t.rec.deadLetters.length).toBe(before + 1);
  });
});

describe('caps as settings', () => {
  it('reads each field cap and the batch cap from the environment', async () => {
    const t = await start({ CXPULSE_MAX_ID_LENGTH: '8', CXPULSE_MAX_SUBJECT_LENGTH: '5', CXPULSE_MAX_BATCH_EVENTS: '3' });
    expect((await post(t, event({ id: 'abcdefghi' }))).json().error.message).toMatch(/the limit is 8 \(CXPULSE_MAX_ID_LENGTH\)/);
    expect((await post(t, event({ subject: 'subject' }))).json().error.message).toMatch(/the limit is 5 \(CXPULSE_MAX_SUBJECT_LENGTH\)/);
    const four = [1, 2, 3, 4].map((i) => event({ id: `b-${i}` }));
    const over = await post(t, four);
    expect(over.statusCode).toBe(413);
    expect(over.json().error).toMatchObject({ code: 'CX_ERR_BATCH_TOO_LARGE' });
    expect(over.json().error.message).toMatch(/4 events; the limit is 3 \(CXPULSE_MAX_BATCH_EVENTS\)/);
    expect(t.rec.published).toEqual([]);
    expect((await post(t, four.slice(0, 3))).statusCode).toBe(202);
    expect(t.rec.published.map((p) => p.msgId)).toEqual(['b-1', 'b-2', 'b-3']);
  });

  it('refuses a CRM batch over the cap whole, as one dead letter (JSON and CSV)', async () => {
    const t = await start({ CXPULSE_MAX_BATCH_EVENTS: '2' });
    const crm = (i: number) => ({ id: `inv-${i}`, type: 'payment_late', customerId: 'c-1', ts: '2026-11-20T00:00:00Z', daysLate: 3 });
    const json = await post(t, [crm(1), crm(2), crm(3)], '/v1/connectors/crm');
    expect(json.statusCode).toBe(413);
    expect(json.json().error).toMatchObject({ code: 'CX_ERR_BATCH_TOO_LARGE' });
    const csv = await t.app.inject({ method: 'POST', url: '/v1/connectors/crm', headers: { 'content-type': 'text/csv' }, payload: 'id,type,customerId,ts,daysLate\na,payment_late,c,2026-11-20,1\nb,payment_late,c,2026-11-20,1\nc,payment_late,c,2026-11-20,1\n' });
    expect(csv.statusCode).toBe(413);
    expect(t.rec.deadLetters.map((d) => d.error.code)).toEqual(['CX_ERR_BATCH_TOO_LARGE', 'CX_ERR_BATCH_TOO_LARGE']);
    expect(t.rec.published).toEqual([]);
  });
});

describe('the ingest rate limit', () => {
  it('counts per token subject, answers 429 with retry-after, and leaves other routes alone', async () => {
    const t = await start({ CXPULSE_JWT_SECRET: SECRET, CXPULSE_RATE_LIMIT_MAX: '3', CXPULSE_RATE_LIMIT_WINDOW_MS: '60000' });
    const a = { authorization: `Bearer ${await token({ role: 'ingest', sub: 'gateway-a' })}` };
    const b = { authorization: `Bearer ${await token({ role: 'ingest', sub: 'gateway-b' })}` };
    for (let i = 0; i < 3; i++) expect((await post(t, event({ id: `r-a-${i}` }), '/v1/events', a)).statusCode).toBe(202);
    const limited = await post(t, event({ id: 'r-a-3' }), '/v1/events', a);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('CX_ERR_RATE_LIMITED');
    expect(limited.json().error.message).toMatch(/more than 3 ingest requests in 60000 ms/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Each route counts on its own; another subject has its own budget.
    expect((await post(t, { id: 'x', type: 'payment_late', customerId: 'c', ts: '2026-11-20', daysLate: 1 }, '/v1/connectors/crm', a)).statusCode).toBe(202);
    expect((await post(t, event({ id: 'r-b-0' }), '/v1/events', b)).statusCode).toBe(202);
    for (let i = 0; i < 10; i++) expect((await t.app.inject('/healthz')).statusCode).toBe(200);
    expect(t.rec.published.map((p) => p.msgId)).toEqual(['r-a-0', 'r-a-1', 'r-a-2', 'crm:payment_late:x', 'r-b-0']);
  });

  it('counts per client address without a secret', async () => {
    const t = await start({ CXPULSE_RATE_LIMIT_MAX: '2' });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await fetch(`${t.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event({ id: `ip-${i}` })) })).status);
    expect(codes).toEqual([202, 202, 429]);
  });
});

describe('the request timeout', () => {
  it('cuts off a body that does not arrive within CXPULSE_REQUEST_TIMEOUT_MS with 408, publishing nothing', async () => {
    const t = await start({ CXPULSE_REQUEST_TIMEOUT_MS: '1000' });
    const port = Number(new URL(t.url).port);
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":"slow",'));
      let got = '';
      s.on('data', (d) => (got += String(d)));
      s.on('close', () => resolve(got));
      s.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(t.rec.published).toEqual([]);
  }, 15_000);
});

/** 101 when the socket opens (left open), else the HTTP status and body of the refusal. */
function open(url: string): Promise<{ status: number; ws?: WebSocket; body?: { error?: { code?: string; message?: string } } }> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
    ws.once('error', reject);
  });
}
const closed = (ws: WebSocket) => new Promise((r) => (ws.readyState === ws.CLOSED ? r(undefined) : ws.once('close', r)));

describe('caps on WebSocket connections', () => {
  it.each([
    ['the feed', '/v1/feed', { CXPULSE_FEED_MAX_CLIENTS: '2' }, /CXPULSE_FEED_MAX_CLIENTS/],
    ['the chat widget socket', '/v1/connectors/chat/ws', { CXPULSE_CHAT_WS_MAX_CONNECTIONS: '2' }, /CXPULSE_CHAT_WS_MAX_CONNECTIONS/],
  ])('%s refuses the socket over the cap with 503 before the upgrade, and takes one again when one closes', async (_what, path, env, setting) => {
    const t = await start(env);
    const url = `${t.url.replace(/^http/, 'ws')}${path}`;
    const first = await open(url);
    const second = await open(url);
    expect([first.status, second.status]).toEqual([101, 101]);
    const third = await open(url);
    expect(third.status).toBe(503);
    expect(third.body?.error?.code).toBe('CX_ERR_TOO_MANY_CONNECTIONS');
    expect(third.body?.error?.message).toMatch(setting);
    first.ws!.close();
    await closed(first.ws!);
    // The server sees the close a moment after the client.
    let again = await open(url);
    for (let i = 0; again.status !== 101 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 20));
      again = await open(url);
    }
    expect(again.status).toBe(101);
    second.ws!.close();
    again.ws!.close();
  });
});

describe('backpressure on the chat WebSocket', () => {
  it('stops reading a socket with CXPULSE_CHAT_WS_MAX_PENDING frames waiting, then answers every frame in order', async () => {
    // A bus that holds every publish until released: frames pile up as they would behind a slow NATS.
    const rec = recordingBus();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let publishes = 0;
    const slowBus: Pick<EventBus, 'publishEvent' | 'deadLetter'> = {
      publishEvent: async (...a) => (publishes++, await gate, rec.bus.publishEvent(...a)),
      deadLetter: rec.bus.deadLetter,
    };
    const t = await start({ CXPULSE_CHAT_WS_MAX_PENDING: '8' }, { bus: slowBus });
    const ws = (await open(`${t.url.replace(/^http/, 'ws')}/v1/connectors/chat/ws`)).ws!;
    const replies: { type: string; id?: string }[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d))));
    // 800 turns of 30 KB (24 MB): far more than the TCP buffers between the two ends hold.
    const text = 'Where is my parcel? '.repeat(1500);
    const FRAMES = 800;
    for (let i = 0; i < FRAMES; i++) ws.send(JSON.stringify({ messageId: `bp-${i}`, conversationId: 'c-bp', customerId: 'u-bp', author: 'customer', text, ts: 1795000000000 + i }));
    await new Promise((r) => setTimeout(r, 1500));
    // The server took a handful of frames and stopped reading: the rest waits on the client's side.
    expect(publishes).toBe(1);
    expect(ws.bufferedAmount).toBeGreaterThan(4 << 20);
    release();
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`${replies.length} of ${FRAMES} replies`)), 60_000);
      const check = setInterval(() => {
        if (replies.length < FRAMES) return;
        clearTimeout(deadline);
        clearInterval(check);
        resolve();
      }, 50);
    });
    expect(replies.map((r) => r.id)).toEqual(Array.from({ length: FRAMES }, (_, i) => `chat:generic:bp-${i}`));
    expect(replies.every((r) => r.type === 'ack')).toBe(true);
    expect(rec.published.length).toBe(FRAMES);
    ws.close();
  }, 90_000);
});
