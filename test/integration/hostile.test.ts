/**
 * Hostile input against a real engine (a private nats-server, the real ClickHouse, the shipped
 * model, CXPULSE_JWT_SECRET set): oversized fields, deep nesting, huge bodies and batches, bad
 * encodings, slow bodies, connection floods, request floods, text made against the redaction
 * patterns, and the NATS path. Each case gets its documented answer, valid events sent between
 * them all land, and /healthz, probed all along, keeps answering well within a second (a bound far
 * above typical, so the test does not flake; the measured worst case is printed). The engine runs
 * as `cxpulse start` in a process of its own, and so does the probe, so neither the test's own work
 * (building megabytes of payload) nor the other shows up in the figure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import WebSocket from 'ws';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { freePort, startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { PACKAGE_ROOT } from '../../engine/config/index.ts';
import { queryNumber, testDatabase, waitUntil } from '../helpers/engine.ts';
import { SECRET, token } from '../feed/helpers.ts';

const MiB = 1 << 20;
let nats: NatsServerHandle;
let nc: NatsConnection;
let engineProcess: ChildProcess;
let prober: ChildProcess;
let dataDir: string;
const engine = { url: '' };
const db = testDatabase('cxpulse_hostile');

/** GET /healthz every 25 ms on a fresh connection each time; on SIGTERM prints {answers, failures, worstMs}. */
const PROBE = `
const http = require('node:http');
const url = process.argv[1];
const r = { answers: 0, failures: [], worstMs: 0 };
let stop = false;
process.on('SIGTERM', () => (stop = true));
const once = () => new Promise((resolve) => {
  const req = http.get(url, { agent: false, timeout: 5000 }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => resolve(e.message));
});
(async () => {
  while (!stop) {
    const t = performance.now();
    const status = await once();
    r.worstMs = Math.max(r.worstMs, performance.now() - t);
    if (status === 200) r.answers++; else r.failures.push(status);
    await new Promise((res) => setTimeout(res, 25));
  }
  process.stdout.write(JSON.stringify(r));
})();
`;
let probeResult: Promise<{ answers: number; failures: unknown[]; worstMs: number }>;

beforeAll(async () => {
  nats = await startNatsServer();
  dataDir = await mkdtemp(join(tmpdir(), 'cxpulse-hostile-'));
  const port = await freePort();
  engine.url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    NATS_URL: nats.url,
    CLICKHOUSE_URL: 'http://127.0.0.1:8123',
    CLICKHOUSE_DB: db.name,
    CXPULSE_DATA_DIR: dataDir,
    CXPULSE_JWT_SECRET: SECRET,
    CXPULSE_REQUEST_TIMEOUT_MS: '2000',
    CXPULSE_FEED_MAX_CLIENTS: '40',
    CXPULSE_RATE_LIMIT_MAX: '200',
    CXPULSE_RATE_LIMIT_WINDOW_MS: '60000',
    LOG_LEVEL: 'fatal',
  };
  engineProcess = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'start'], { cwd: PACKAGE_ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitUntil(async () => (await fetch(`${engine.url}/readyz`).then((r) => r.status, () => 0)) === 200, 90_000, () => 'engine ready');
  nc = await connect({ servers: nats.url });
  prober = spawn(process.execPath, ['-e', PROBE, `${engine.url}/healthz`], { stdio: ['ignore', 'pipe', 'inherit'] });
  probeResult = new Promise((resolve) => {
    let out = '';
    prober.stdout!.on('data', (d) => (out += String(d)));
    prober.on('exit', () => resolve(JSON.parse(out || '{"answers":0,"failures":["no output"],"worstMs":0}')));
  });
}, 120_000);

afterAll(async () => {
  prober?.kill('SIGTERM');
  if (engineProcess && engineProcess.exitCode === null) {
    const exited = new Promise((r) => engineProcess.once('exit', r));
    engineProcess.kill('SIGTERM');
    await exited;
  }
  await nc?.close();
  await nats?.dispose();
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
});

let n = 0;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${++n}`;
const valid: string[] = [];
const event = (over: Record<string, unknown> = {}) => ({ id: uid('h'), channel: 'chat', conversationId: 'c-hostile', customerId: 'cust-h', author: 'customer', text: 'Where is my refund?', ts: Date.now(), ...over });
const auth = async (sub: string) => ({ authorization: `Bearer ${await token({ role: 'ingest', sub }, { expiresIn: '1h' })}` });

async function send(body: string | Uint8Array<ArrayBuffer>, opts: { path?: string; sub?: string; type?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${engine.url}${opts.path ?? '/v1/events'}`, {
    method: 'POST',
    headers: { 'content-type': opts.type ?? 'application/json', ...(await auth(opts.sub ?? 'hostile')), ...opts.headers },
    body,
  });
  const text = await res.text();
  let error: { code?: string; field?: string; message?: string } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    error = undefined;
  }
  return { status: res.status, error };
}

/**
 * Announces `bytes` of JSON body in Content-Length and waits for the answer without uploading it:
 * the engine refuses on the header, and an answer that arrives mid-upload would otherwise race the
 * client's writes (EPIPE when the server closes the connection after answering).
 */
async function announceBody(bytes: number) {
  const headers = { 'content-type': 'application/json', 'content-length': String(bytes), ...(await auth('hostile')) };
  return new Promise<{ status: number; error: { code?: string } | undefined }>((resolve, reject) => {
    let answered = false;
    const req = httpRequest(`${engine.url}/v1/events`, { method: 'POST', headers }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        req.destroy();
        let error: { code?: string } | undefined;
        try {
          error = (JSON.parse(text) as { error?: { code?: string } }).error;
        } catch {
          error = undefined;
        }
        resolve({ status: res.statusCode ?? 0, error });
      });
    });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    req.flushHeaders();
  });
}

/**
 * A POST on a connection of its own (node:http, no agent): the server closes a connection whose
 * headers are too large, and a socket shared with fetch's pool could be handed to the next request
 * before the client sees the close (that request then fails with ECONNRESET). A reset before any
 * answer resolves as status 0.
 */
async function sendOwnSocket(body: string, headers: Record<string, string>) {
  const all = { 'content-type': 'application/json', ...(await auth('hostile')), ...headers };
  return new Promise<{ status: number }>((resolve, reject) => {
    const req = httpRequest(`${engine.url}/v1/events`, { method: 'POST', headers: all, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', (e) => {
      try {
        resolve(resetAsStatus0({ cause: e }));
      } catch (err) {
        reject(err);
      }
    });
    req.end(body);
  });
}

/** A fetch that failed because the server reset the connection, as status 0; anything else is rethrown. */
function resetAsStatus0(e: unknown): { status: number } {
  const code = ((e as { cause?: { code?: string } }).cause ?? {}).code ?? '';
  if (['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code)) return { status: 0 };
  throw e;
}

/** A valid event posted after each case: it must be taken, and it must land. */
async function stillTakesValidEvents(): Promise<void> {
  const e = event();
  const r = await send(JSON.stringify(e), { sub: 'valid' });
  expect(r.status).toBe(202);
  valid.push(e.id);
}

const big = 'a'.repeat(MiB);
/** Status 0: the server closed the connection without an answer the client could read (see the headers case). */
const cases: [string, () => Promise<{ status: number; error?: { code?: string; field?: string } }>, number | number[], string | undefined, string | undefined][] = [
  ['a 1 MiB id', () => send(JSON.stringify(event({ id: big }))), 413, 'CX_ERR_FIELD_TOO_LARGE', 'id'],
  ['a 1 MiB conversationId', () => send(JSON.stringify(event({ conversationId: big }))), 413, 'CX_ERR_FIELD_TOO_LARGE', 'conversationId'],
  ['a 1 MiB customerId', () => send(JSON.stringify(event({ customerId: big }))), 413, 'CX_ERR_FIELD_TOO_LARGE', 'customerId'],
  ['a 1 MiB agentId', () => send(JSON.stringify(event({ agentId: big }))), 413, 'CX_ERR_FIELD_TOO_LARGE', 'agentId'],
  ['a 1 MiB lang', () => send(JSON.stringify(event({ lang: big }))), 413, 'CX_ERR_FIELD_TOO_LARGE', 'lang'],
  ['a 1 MiB subject', () => send(JSON.stringify(event({ channel: 'email', subject: big }))), 413, 'CX_ERR_FIELD_TOO_LARGE', 'subject'],
  ['a 1 MiB text', () => send(JSON.stringify(event({ text: big }))), 413, 'CX_ERR_TEXT_TOO_LARGE', 'text'],
  ['a 1 MiB meta value', () => send(JSON.stringify(event({ meta: { note: big } }))), 413, 'CX_ERR_FIELD_TOO_LARGE', 'meta.note'],
  ['a 1 MiB meta key', () => send(JSON.stringify(event({ meta: { [big]: 1 } }))), 413, 'CX_ERR_FIELD_TOO_LARGE', 'meta'],
  ['a 1 MiB channel', () => send(JSON.stringify(event({ channel: big }))), 413, 'CX_ERR_FIELD_TOO_LARGE', 'channel'],
  ['4 MiB of nested arrays', () => send(`${'['.repeat(2 * MiB - 8)}${']'.repeat(2 * MiB - 8)}`), 400, 'CX_ERR_INVALID_JSON', undefined],
  ['meta nested 60 deep', () => send(JSON.stringify(event({ meta: JSON.parse(`${'{"a":'.repeat(60)}1${'}'.repeat(60)}`) as object }))), 400, 'CX_ERR_INVALID_VALUE', undefined],
  ['a body over 4 MiB', () => announceBody(5 * MiB), 413, 'CX_ERR_BODY_TOO_LARGE', undefined],
  ['1,001 events in one request', () => send(JSON.stringify(Array.from({ length: 1001 }, () => event()))), 413, 'CX_ERR_BATCH_TOO_LARGE', undefined],
  ['malformed JSON', () => send('{"id": "x", '), 400, 'CX_ERR_INVALID_JSON', undefined],
  ['an empty body', () => send(''), 400, 'CX_ERR_INVALID_JSON', undefined],
  ['an array of numbers', () => send('[1,2,3]'), 400, 'CX_ERR_NOT_AN_OBJECT', undefined],
  ['a timestamp in 1970', () => send(JSON.stringify(event({ ts: '1970-01-01T00:00:00Z' }))), 400, 'CX_ERR_INVALID_TIMESTAMP', 'ts'],
  ['a language tag made for a query', () => send(JSON.stringify(event({ lang: "en' OR '1'='1" }))), 400, 'CX_ERR_INVALID_VALUE', 'lang'],
  ['text/plain', () => send('hello', { type: 'text/plain' }), 415, 'CX_ERR_UNSUPPORTED_MEDIA_TYPE', undefined],
  ['invalid UTF-8 to the chat webhook', () => send(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { path: '/v1/connectors/chat/webhook' }), 400, 'CX_ERR_BAD_ENCODING', undefined],
  ['nested arrays to the CRM connector', () => send(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, { path: '/v1/connectors/crm' }), 400, 'CX_ERR_INVALID_JSON', undefined],
  ['1,001 CSV rows to the CRM connector', () => send(`id,type,customerId,ts,daysLate\n${Array.from({ length: 1001 }, (_, i) => `r${i},payment_late,c,2026-11-20,1`).join('\n')}\n`, { path: '/v1/connectors/crm', type: 'text/csv' }), 413, 'CX_ERR_BATCH_TOO_LARGE', undefined],
  ['a forged token', () => send(JSON.stringify(event()), { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ.' } }), 401, 'CX_ERR_UNAUTHORIZED', undefined],
  // Node's HTTP parser answers 431 and closes at once, with the rest of the headers unread: the close is then a TCP
  // reset, which can reach the client before it reads the 431. Either way the request is refused and nothing stalls.
  ['16 KiB of headers', () => sendOwnSocket(JSON.stringify(event()), { 'x-junk': 'j'.repeat(20_000) }), [431, 0], undefined, undefined],
];

describe('hostile input to a running engine', () => {
  it.each(cases)('%s gets its documented answer, and a valid event after it is taken', async (_what, run, status, code, field) => {
    const r = await run();
    expect([status].flat()).toContain(r.status);
    if (code !== undefined) expect(r.error?.code).toBe(code);
    if (field !== undefined) expect(r.error?.field).toBe(field);
    await stillTakesValidEvents();
  }, 30_000);

  it('text made against the redaction patterns is scored, redacted, and costs no stall', async () => {
    const texts = [
      `${'a'.repeat(30_000)}@`,
      `${'a@'.repeat(15_000)}`,
      `${'1 '.repeat(15_000)}`,
      `${'+4'.repeat(15_000)}`,
      `${'4111-'.repeat(6_000)}`,
      `${'x.'.repeat(15_000)}@example.com`,
    ];
    const events = texts.map((text) => event({ text }));
    expect((await send(JSON.stringify(events), { sub: 'redaction' })).status).toBe(202);
    valid.push(...events.map((e) => e.id));
  });

  it('cuts off slow bodies after CXPULSE_REQUEST_TIMEOUT_MS with 408, twenty at once', async () => {
    const port = Number(new URL(engine.url).port);
    const bearer = (await auth('slow')).authorization;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        new Promise<string>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => s.write(`POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: ${bearer}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"id":`));
          let got = '';
          s.on('data', (d) => (got += String(d)));
          s.on('close', () => resolve(got));
          s.on('error', () => resolve(got));
        }),
      ),
    );
    for (const a of answers) expect(a).toMatch(/^HTTP\/1\.1 408 /);
    await stillTakesValidEvents();
  }, 20_000);

  it('refuses feed sockets over the cap with 503 and keeps serving the ones it took', async () => {
    const sup = await token({ role: 'supervisor' }, { expiresIn: '1h' });
    const statuses = await Promise.all(
      Array.from({ length: 60 }, () =>
        new Promise<{ status: number; ws?: WebSocket }>((resolve) => {
          const ws = new WebSocket(`${engine.url.replace(/^http/, 'ws')}/v1/feed`, { headers: { authorization: `Bearer ${sup}` } });
          ws.once('open', () => resolve({ status: 101, ws }));
          ws.once('unexpected-response', (_q, res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0 });
          });
          ws.once('error', () => resolve({ status: 0 }));
        }),
      ),
    );
    const opened = statuses.filter((s) => s.status === 101);
    expect(opened.length).toBe(40);
    expect(statuses.filter((s) => s.status === 503).length).toBe(20);
    for (const s of opened) s.ws!.close();
  }, 30_000);

  it('answers a flood of requests from one token with 429 past the rate limit, and other tokens still get through', async () => {
    const body = JSON.stringify(event({ text: 'flood' }));
    const statuses = await Promise.all(Array.from({ length: 300 }, () => send(body, { sub: 'flooder' }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 202).length).toBe(200);
    expect(statuses.filter((s) => s === 429).length).toBe(100);
    await stillTakesValidEvents();
  }, 30_000);

  it('closes a chat WebSocket that sends a frame over 64 KiB (1009), taking the next socket as usual', async () => {
    const bearer = (await auth('widget')).authorization;
    const ws = new WebSocket(`${engine.url.replace(/^http/, 'ws')}/v1/connectors/chat/ws`, { headers: { authorization: bearer } });
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send('x'.repeat(65 * 1024));
    expect(await closed).toBe(1009);
    await stillTakesValidEvents();
  });

  it('dead-letters hostile messages taken from NATS and keeps scoring', async () => {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    const before = (await jsm.streams.info('CX_DLQ')).state.messages;
    const bad: [string, string][] = [
      [`${'['.repeat(400_000)}${']'.repeat(400_000)}`, 'CX_ERR_INVALID_JSON'],
      [JSON.stringify(event({ subject: 's'.repeat(900_000), channel: 'email' })), 'CX_ERR_FIELD_TOO_LARGE'],
      [JSON.stringify(event({ meta: { [big.slice(0, 500_000)]: 1 } })), 'CX_ERR_FIELD_TOO_LARGE'],
    ];
    for (const [payload] of bad) await js.publish('cx.events.email', payload);
    const after = event();
    await js.publish('cx.events.chat', JSON.stringify(after), { msgID: after.id });
    valid.push(after.id);
    await waitUntil(async () => (await jsm.streams.info('CX_DLQ')).state.messages >= before + bad.length, 30_000, () => 'dlq entries');
    const codes: string[] = [];
    for (let seq = before + 1; seq <= before + bad.length; seq++) codes.push((await jsm.streams.getMessage('CX_DLQ', { seq }))!.json<{ error: { code: string } }>().error.code);
    expect(codes.sort()).toEqual(bad.map(([, c]) => c).sort());
  }, 40_000);

  it('lost nothing valid, and /healthz answered within a second throughout', async () => {
    const ids = valid.map((id) => `'${id}'`).join(',');
    await waitUntil(async () => (await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events FINAL WHERE event_id IN (${ids})`)) === valid.length, 60_000, () => `${valid.length} valid events`);
    prober.kill('SIGTERM');
    const probe = await probeResult;
    console.log(`hostile input: /healthz answered ${probe.answers} times, ${probe.failures.length} failures, worst ${probe.worstMs.toFixed(0)} ms`);
    expect(probe.answers).toBeGreaterThan(20);
    expect(probe.failures).toEqual([]);
    expect(probe.worstMs).toBeLessThan(1000);
  }, 70_000);
});
