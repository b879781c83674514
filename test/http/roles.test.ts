/**
 * Every route of a real engine (a private nats-server, the real ClickHouse, the shipped model and
 * connectors) with CXPULSE_JWT_SECRET set: the table below names each route's roles and a request
 * it should take. The routes come from the engine's own OpenAPI document, so a route added without
 * a row here fails, and so does a route that answers without the token its row asks for. For each:
 * no token 401, a wrong role 403, every right role a success.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import type { Engine } from '../../engine/runtime/index.ts';
import type { Role } from '../../engine/access/index.ts';
import { startTestEngine, testDatabase, waitUntil } from '../helpers/engine.ts';
import { connect as connectFeed, SECRET, token } from '../feed/helpers.ts';

const NATS_PASSWORD = 'n4ts-pa55word-in-the-url';
let nats: NatsServerHandle;
let nc: NatsConnection;
let engine: Engine;
let dataDir: string;
const db = testDatabase('cxpulse_roles');

beforeAll(async () => {
  nats = await startNatsServer();
  dataDir = await mkdtemp(join(tmpdir(), 'cxpulse-roles-'));
  // The server has no accounts, so it takes any user and password: enough to see whether they leak.
  const natsUrl = nats.url.replace('nats://', `nats://cxpulse:${NATS_PASSWORD}@`);
  engine = await startTestEngine({ NATS_URL: natsUrl, CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_DB: db.name, CXPULSE_DATA_DIR: dataDir, CXPULSE_JWT_SECRET: SECRET });
  nc = await connect({ servers: nats.url });
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  await nc?.close();
  await nats?.dispose();
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
});

type Auth = Record<string, string>;
const bearer = async (role: Role, sub = `${role}-1`): Promise<Auth> => ({ authorization: `Bearer ${await token({ role, sub })}` });

async function http(method: string, path: string, auth: Auth, body?: unknown): Promise<{ status: number; json: () => unknown }> {
  const res = await fetch(`${engine.url}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: () => JSON.parse(text) as unknown };
}

/** 101 when the socket opens (then closed), else the status of the plain HTTP refusal. */
function upgrade(path: string, auth: Auth): Promise<number> {
  const ws = new WebSocket(`${engine.url.replace(/^http/, 'ws')}${path}`, { headers: auth });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

let n = 0;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${++n}`;
const event = (over: Record<string, unknown> = {}) => ({ id: uid('roles'), channel: 'chat', conversationId: uid('conv'), customerId: 'cust-r', author: 'customer', text: 'Where is my refund?', ts: Date.now(), ...over });
const shadow = (auth: Auth) => http('POST', '/v1/models/reload', auth, { shadow: true });

interface Row {
  /** Roles that may use the route; 'public' for none needed. */
  roles: readonly Role[] | 'public';
  /** Sends a request the route should take, with these headers; answers the status. */
  send(auth: Auth): Promise<number>;
  ok: number;
}

const ROUTES: Record<string, Row> = {
  'POST /v1/events': { roles: ['ingest', 'admin'], send: async (a) => (await http('POST', '/v1/events', a, event())).status, ok: 202 },
  'GET /v1/feed': { roles: ['agent', 'supervisor', 'admin'], send: (a) => upgrade('/v1/feed', a), ok: 101 },
  'GET /v1/reports/:kind': { roles: ['supervisor', 'admin'], send: async (a) => (await http('GET', '/v1/reports/daily?date=2026-11-20&format=json', a)).status, ok: 200 },
  'GET /v1/actions': { roles: ['supervisor', 'admin'], send: async (a) => (await http('GET', '/v1/actions', a)).status, ok: 200 },
  'GET /v1/actions/learning': { roles: ['supervisor', 'admin'], send: async (a) => (await http('GET', '/v1/actions/learning', a)).status, ok: 200 },
  // 404: the route ran (no such action) after the role check let the request through.
  'POST /v1/actions/:id/outcome': { roles: ['supervisor', 'admin'], send: async (a) => (await http('POST', '/v1/actions/act_none/outcome', a, { outcome: 'done' })).status, ok: 404 },
  'GET /v1/models': { roles: ['admin'], send: async (a) => (await http('GET', '/v1/models', a)).status, ok: 200 },
  'POST /v1/models/reload': { roles: ['admin'], send: async (a) => (await http('POST', '/v1/models/reload', a, {})).status, ok: 200 },
  'POST /v1/models/promote': {
    roles: ['admin'],
    send: async (a) => {
      if (a.authorization) await shadow(await bearer('admin'));
      return (await http('POST', '/v1/models/promote', a)).status;
    },
    ok: 200,
  },
  'DELETE /v1/models/shadow': {
    roles: ['admin'],
    send: async (a) => {
      if (a.authorization) await shadow(await bearer('admin'));
      const status = (await http('DELETE', '/v1/models/shadow', a)).status;
      await http('DELETE', '/v1/models/shadow', await bearer('admin'));
      return status;
    },
    ok: 200,
  },
  'DELETE /v1/customers/:id': { roles: ['admin'], send: async (a) => (await http('DELETE', `/v1/customers/${uid('cust-gone')}`, a)).status, ok: 200 },
  'POST /v1/connectors/chat/webhook': {
    roles: ['ingest', 'admin'],
    send: async (a) => (await http('POST', '/v1/connectors/chat/webhook', a, { messageId: uid('chat'), conversationId: 'c-chat', customerId: 'u-1', author: 'customer', text: 'Hello?', ts: Date.now() })).status,
    ok: 202,
  },
  'GET /v1/connectors/chat/ws': { roles: ['ingest', 'admin'], send: (a) => upgrade('/v1/connectors/chat/ws', a), ok: 101 },
  'POST /v1/connectors/calls': {
    roles: ['ingest', 'admin'],
    send: async (a) =>
      (await http('POST', '/v1/connectors/calls', a, { callId: uid('call'), customerId: 'cust-c', startedAt: new Date().toISOString(), turns: [{ speaker: 'customer', text: 'I was cut off twice.', startSec: 1, endSec: 3 }] }))
        .status,
    ok: 202,
  },
  'POST /v1/connectors/crm': {
    roles: ['ingest', 'admin'],
    send: async (a) => (await http('POST', '/v1/connectors/crm', a, { id: uid('inv'), type: 'payment_late', customerId: 'cust-c', ts: new Date().toISOString(), daysLate: 3 })).status,
    ok: 202,
  },
  'GET /healthz': { roles: 'public', send: async (a) => (await http('GET', '/healthz', a)).status, ok: 200 },
  'GET /readyz': { roles: 'public', send: async (a) => (await http('GET', '/readyz', a)).status, ok: 200 },
  'GET /metrics': { roles: 'public', send: async (a) => (await http('GET', '/metrics', a)).status, ok: 200 },
  'GET /wallboard': { roles: 'public', send: async (a) => (await http('GET', '/wallboard', a)).status, ok: 200 },
  'GET /agent': { roles: 'public', send: async (a) => (await http('GET', '/agent', a)).status, ok: 200 },
};

const ALL_ROLES: Role[] = ['agent', 'supervisor', 'ingest', 'admin'];

describe('roles on every route (CXPULSE_JWT_SECRET set)', () => {
  it('has a row for every route of the OpenAPI document, and none for a route that is not there', async () => {
    const doc = (await (await fetch(`${engine.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(routes.sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it.each(Object.entries(ROUTES))('%s: no token 401, a wrong role 403, each right role succeeds', async (_route, row) => {
    if (row.roles === 'public') {
      expect(await row.send({})).toBe(row.ok);
      return;
    }
    expect(await row.send({})).toBe(401);
    expect(await row.send({ authorization: 'Bearer not.a.jwt' })).toBe(401);
    const allowed = row.roles;
    for (const wrong of ALL_ROLES.filter((r) => !allowed.includes(r))) expect(await row.send(await bearer(wrong)), wrong).toBe(403);
    for (const right of allowed) expect(await row.send(await bearer(right)), right).toBe(row.ok);
  }, 60_000);

  it('answers 401 and 403 with the catalog error naming what is missing', async () => {
    const none = await http('POST', '/v1/events', {}, event());
    expect(none.json()).toEqual({ error: { code: 'CX_ERR_UNAUTHORIZED', message: expect.stringMatching(/requires a token/) } });
    const agent = await http('POST', '/v1/models/reload', await bearer('supervisor'), {});
    expect(agent.json()).toEqual({ error: { code: 'CX_ERR_FORBIDDEN', message: "role 'supervisor' may not use POST /v1/models/reload; it needs admin" } });
  });

  it('shows the model folder, a server path, to an admin only', async () => {
    const models = (await http('GET', '/v1/models', await bearer('admin'))).json() as { activeDir?: string };
    expect(models.activeDir).toMatch(/models/);
  });
});

describe('the ops routes say nothing secret', () => {
  it('/readyz names the bus without the password in its URL; /metrics does not carry it either', async () => {
    const ready = (await http('GET', '/readyz', {})).json() as { checks: Record<string, { detail: string }> };
    expect(ready.checks.bus?.detail).toMatch(/^nats nats:\/\/127\.0\.0\.1:\d+/);
    const body = JSON.stringify(ready) + (await (await fetch(`${engine.url}/metrics`)).text());
    expect(body).not.toContain(NATS_PASSWORD);
    expect(body).not.toContain('cxpulse:');
  });
});

describe('routing conversations to agents trusts only authenticated publishers', () => {
  it('refuses an agent posting an event that names itself, and its feed never shows that conversation', async () => {
    const agentFeed = await connectFeed(engine.url.replace(/^http/, 'ws') + '/v1/feed', { header: await token({ role: 'agent', sub: 'agent-7' }) });
    const supFeed = await connectFeed(engine.url.replace(/^http/, 'ws') + '/v1/feed', { header: await token({ role: 'supervisor', sub: 'sup-1' }) });
    const stolen = uid('victim');
    const mine = uid('assigned');
    // The agent tries to claim someone else's conversation: refused, nothing published.
    const claim = await http('POST', '/v1/events', await bearer('agent', 'agent-7'), event({ conversationId: stolen, author: 'agent', agentId: 'agent-7', text: 'Mine now.' }));
    expect(claim.status).toBe(403);
    // The real traffic, from the ingest role: the victim conversation belongs to agent-8, the other to agent-7.
    const ingest = await bearer('ingest', 'chat-gateway');
    const sent = [
      event({ conversationId: stolen, author: 'agent', agentId: 'agent-8', text: 'Hi, Anna here.' }),
      event({ conversationId: stolen, text: 'My card number was charged twice.' }),
      event({ conversationId: mine, author: 'agent', agentId: 'agent-7', text: 'Hello, how can I help?' }),
      event({ conversationId: mine, text: 'The app crashes on login.' }),
    ];
    expect((await http('POST', '/v1/events', ingest, sent)).status).toBe(202);
    await waitUntil(() => sent.every((e) => supFeed.scores().some((s) => s.id === e.id)), 30_000, () => `supervisor has ${supFeed.scores().length} events`);
    await waitUntil(() => agentFeed.scores().filter((s) => s.conversationId === mine).length === 2, 10_000, () => 'agent-7 gets its own conversation');
    expect(agentFeed.scores().filter((s) => s.conversationId === stolen)).toEqual([]);
    expect(supFeed.scores().filter((s) => s.conversationId === stolen).map((s) => s.agentId ?? null)).toEqual(['agent-8', null]);
    agentFeed.ws.close();
    supFeed.ws.close();
  }, 60_000);
});

describe('field caps on the NATS path', () => {
  it('dead-letters an event from NATS whose subject is over the cap, naming the field and the setting', async () => {
    const jsm = await jetstreamManager(nc);
    const before = (await jsm.streams.info('CX_DLQ')).state.messages;
    const e = event({ channel: 'email', subject: 'S'.repeat(5000) });
    await jetstream(nc).publish('cx.events.email', JSON.stringify(e), { msgID: e.id as string });
    await waitUntil(async () => (await jsm.streams.info('CX_DLQ')).state.messages > before, 20_000, () => 'dlq entry');
    const entry = (await jsm.streams.getMessage('CX_DLQ', { seq: before + 1 }))!.json<{ error: { code: string; field: string; message: string } }>();
    expect(entry.error).toMatchObject({ code: 'CX_ERR_FIELD_TOO_LARGE', field: 'subject' });
    expect(entry.error.message).toMatch(/5000 characters; the limit is 1000 \(CXPULSE_MAX_SUBJECT_LENGTH\)/);
  }, 30_000);
});
