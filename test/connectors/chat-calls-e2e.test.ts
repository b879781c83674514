import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { DLQ_STREAM } from '../../engine/bus/index.ts';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import type { Engine } from '../../engine/runtime/index.ts';
import { signChatwoot, signGeneric } from '../../connectors/chat/index.ts';
import { pseudonymOf } from '../../engine/privacy/index.ts';
import { openFeed, queryNumber, startTestEngine, testDatabase, waitUntil } from '../helpers/engine.ts';
import { fixture, fixtureJson } from './helpers.ts';

// End to end through real servers: HTTP and WebSocket requests to the connector routes, served
// by the engine itself as `cxpulse start` serves them (the engine's app, bus and metrics registry)
// -> a private nats-server (JetStream) -> the scoring engine -> scored rows in the real ClickHouse.
let nats: NatsServerHandle;
let engine: Engine;
let base: string;
const db = testDatabase('cxpulse_it_connectors');
const SECRETS = { webhookSecret: 'generic-secret', chatwootSecret: 'chatwoot-secret' };

const KEY = 'chat-calls-e2e-pseudonym-key-0123456789abcdef';

beforeAll(async () => {
  nats = await startNatsServer();
  // CXPULSE_MODEL_DIR, when set, points the engine at another model folder (the committed one otherwise).
  const modelDir: Record<string, string> = process.env.CXPULSE_MODEL_DIR ? { CXPULSE_MODEL_DIR: process.env.CXPULSE_MODEL_DIR } : {};
  engine = await startTestEngine({
    NATS_URL: nats.url,
    CLICKHOUSE_URL: 'http://127.0.0.1:8123',
    CLICKHOUSE_DB: db.name,
    CXPULSE_PSEUDONYM_KEY: KEY,
    CXPULSE_CHAT_WEBHOOK_SECRET: SECRETS.webhookSecret,
    CXPULSE_CHATWOOT_WEBHOOK_SECRET: SECRETS.chatwootSecret,
    ...modelDir,
  });
  base = engine.url;
});

afterAll(async () => {
  await engine?.stop();
  await nats?.dispose();
  await db.drop();
});

const rows = (where: string) => queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events FINAL WHERE ${where}`);

async function postJson(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function widgetTurns(frames: string[]): Promise<Record<string, unknown>[]> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/v1/connectors/chat/ws`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const replies: Record<string, unknown>[] = [];
  const done = new Promise<void>((resolve) =>
    ws.on('message', (d) => {
      replies.push(JSON.parse(String(d)) as Record<string, unknown>);
      if (replies.length === frames.length) resolve();
    }),
  );
  for (const f of frames) ws.send(f);
  await done;
  ws.close();
  return replies;
}

describe('connectors end to end', () => {
  it('lands signed webhooks, widget turns and both call formats as scored rows in ClickHouse, each once', async () => {
    const feed = await openFeed(engine.url);
    const now = Math.floor(Date.now() / 1000);
    const incoming = fixture('chat/chatwoot-message-created-incoming.json');
    const outgoing = fixture('chat/chatwoot-message-created-outgoing.json');
    const chatwoot = (body: Buffer) => ({ 'x-chatwoot-timestamp': String(now), 'x-chatwoot-signature': signChatwoot(SECRETS.chatwootSecret, now, body) });
    expect((await postJson('/v1/connectors/chat/webhook', incoming, chatwoot(incoming))).status).toBe(202);
    expect((await postJson('/v1/connectors/chat/webhook', outgoing, chatwoot(outgoing))).status).toBe(202);
    // Chatwoot redelivers: same message, no second row.
    expect((await postJson('/v1/connectors/chat/webhook', incoming, chatwoot(incoming))).json.status).toBe('duplicate');
    const generic = fixture('chat/generic-message.json');
    expect((await postJson('/v1/connectors/chat/webhook', generic, { 'x-cxpulse-signature': signGeneric(SECRETS.webhookSecret, generic) })).status).toBe(202);

    const turn = (i: number, text: string) => JSON.stringify({ source: 'e2e-widget', messageId: `t${i}`, conversationId: 'e2e-ws', customerId: 'cust-ws', author: 'customer', text, ts: Date.now() });
    const acks = await widgetTurns([turn(1, 'Hallo, meine Rechnung ist doppelt abgebucht worden.'), '{"oops":', turn(2, 'Ich warte seit einer Woche auf eine Antwort!')]);
    expect(acks.map((a) => a.type)).toEqual(['ack', 'error', 'ack']);

    expect((await postJson('/v1/connectors/calls', fixture('calls/cxpulse-call.json'))).status).toBe(202);
    const meta = '?customerId=cust-4411&agentId=agent-3&startedAt=2026-11-24T09:15:00Z&holdSec=2400&transfers=0';
    expect((await postJson(`/v1/connectors/calls${meta}`, fixture('calls/aws-transcribe-call.json'))).status).toBe(202);

    const expected = 2 + 1 + 2 + 6 + 6;
    await waitUntil(async () => (await rows("event_id LIKE 'chatwoot:%' OR event_id LIKE 'chat:%' OR event_id LIKE 'call:%'")) >= expected, 90_000, () => 'connector rows');
    await new Promise((r) => setTimeout(r, 500));
    expect(await rows("event_id LIKE 'chatwoot:%' OR event_id LIKE 'chat:%' OR event_id LIKE 'call:%'")).toBe(expected);
    expect(await rows(`event_id = 'chatwoot:7:5120' AND channel = 'chat' AND author = 'customer' AND customer_id = '${pseudonymOf(KEY, 'email:jane@example.com')}' AND conversation_id = 'chatwoot:7:88'`)).toBe(1);
    expect(await rows("event_id = 'chatwoot:7:5121' AND author = 'agent' AND agent_id = 'chatwoot:7:user:17'")).toBe(1);
    expect(await rows("event_id LIKE 'chat:e2e-widget:%'")).toBe(2);
    expect(await rows("conversation_id = 'call:pbx-2026-11-24-000731' AND channel = 'call' AND author = 'customer'")).toBe(3);
    expect(await rows("conversation_id = 'call:acme-call-20261124-0915-7781' AND channel = 'call'")).toBe(6);

    // Scored and on the live feed, too.
    await feed.waitFor(expected, 30_000);
    const scoredTurn = feed.events.find((e) => e.id === 'call:acme-call-20261124-0915-7781:3')!;
    expect(scoredTurn.author).toBe('customer');
    expect(['negative', 'neutral', 'positive']).toContain(scoredTurn.sentiment.label);
    feed.close();

    const metrics = await engine.metrics.registry.metrics();
    expect(metrics).toMatch(/cxpulse_connector_events_total\{connector="chat",outcome="published"\} 5/);
    expect(metrics).toMatch(/cxpulse_connector_events_total\{connector="chat",outcome="duplicate"\} 1/);
    expect(metrics).toMatch(/cxpulse_connector_events_total\{connector="chat",outcome="rejected"\} 1/);
    expect(metrics).toMatch(/cxpulse_connector_events_total\{connector="calls",outcome="published"\} 12/);
  });

  it('dead-letters a call transcript without speakers on the engine DLQ stream, with the reason', async () => {
    const meta = '?customerId=cust-1&startedAt=2026-11-24T09:15:00Z';
    const res = await postJson(`/v1/connectors/calls${meta}`, fixture('calls/aws-transcribe-no-speakers.json'));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'CX_ERR_MISSING_SPEAKER', field: 'results.speaker_labels' } });
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const last = (await jsm.streams.info(DLQ_STREAM)).state.last_seq;
    const entry = (await jsm.streams.getMessage(DLQ_STREAM, { seq: last }))!.json<{ subject: string; payload: string; error: { code: string; message: string } }>();
    expect(entry.subject).toBe('cx.connectors.calls');
    expect(entry.error.code).toBe('CX_ERR_MISSING_SPEAKER');
    expect(entry.error.message).toMatch(/ShowSpeakerLabels/);
    expect(JSON.parse(entry.payload)).toEqual(fixtureJson('calls/aws-transcribe-no-speakers.json'));
    await nc.close();
    expect(await rows("conversation_id = 'call:acme-call-nospeakers-0003'")).toBe(0);
  });
});
