import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import type { Engine } from '../../engine/runtime/index.ts';
import { takeEvents } from '../../simulator/index.ts';
import { openFeed, queryNumber, startTestEngine, testDatabase, waitUntil } from '../helpers/engine.ts';
import { createPseudonymizer, redactPayload } from '../../engine/privacy/index.ts';

// End to end through real servers: a private nats-server with JetStream, the real ClickHouse,
// the committed TensorFlow.js model, and the WebSocket feed.
let nats: NatsServerHandle;
let nc: NatsConnection;
let js: JetStreamClient;
const db = testDatabase('cxpulse_it_engine');
let engine: Engine;
const KEY = 'engine-test-pseudonym-key-0123456789abcdef';

beforeAll(async () => {
  nats = await startNatsServer();
  // An ack wait far above any batch's time even on a loaded machine: nothing is redelivered, so the
  // feed count stays exact (redelivery has tests of its own: test/integration/poison.test.ts, test/bus).
  engine = await startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_DB: db.name, CXPULSE_ACK_WAIT_MS: '30000', CXPULSE_PSEUDONYM_KEY: KEY });
  nc = await connect({ servers: nats.url });
  js = jetstream(nc);
});

afterAll(async () => {
  await engine?.stop();
  await nc?.close();
  await nats?.dispose();
  await db.drop();
});

describe('the scoring engine end to end', () => {
  it('scores 1,000 mixed-channel events from NATS into exactly 1,000 rows and 1,000 feed messages', async () => {
    const feed = await openFeed(engine.url);
    const events = takeEvents(1000, { seed: 7 });
    expect(new Set(events.map((e) => e.channel)).size).toBe(3);
    await Promise.all(events.map((e) => js.publish(`cx.events.${e.channel}`, JSON.stringify(e), { msgID: e.id })));
    await feed.waitFor(1000, 90_000);
    await waitUntil(async () => (await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events FINAL`)) >= 1000, 30_000, () => 'rows');
    // Give stragglers a moment: the counts must stay exact, not just reach 1,000.
    await new Promise((r) => setTimeout(r, 500));
    expect(await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events FINAL`)).toBe(1000);
    expect(await queryNumber(db.client, `SELECT uniqExact(event_id) FROM ${db.name}.scored_events`)).toBe(1000);
    expect(feed.events.length).toBe(1000);
    expect(new Set(feed.events.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
    // Every row carries its engine latency and a real model version; every score is in range.
    expect(await queryNumber(db.client, `SELECT countIf(latency_ms >= 0 AND latency_ms < 60000) FROM ${db.name}.scored_events FINAL`)).toBe(1000);
    for (const e of feed.events) {
      expect(e.latencyMs).toBeGreaterThanOrEqual(0);
      expect(e.modelVersion).toMatch(/^sentiment/);
      expect(Math.abs(e.sentiment.score)).toBeLessThanOrEqual(1);
      expect(['negative', 'neutral', 'positive']).toContain(e.sentiment.label);
    }
    // PII never reaches the store or the feed.
    const leaked = feed.events.filter((e) => /@[a-z]+\.|4111 1111|\+46 70/.test(e.text));
    expect(leaked).toEqual([]);
    feed.close();
  });

  it('dead-letters each kind of bad input with its reason and original payload, acks it, and keeps going', async () => {
    const jsm = await jetstreamManager(nc);
    const dlqBefore = (await jsm.streams.info('CX_DLQ')).state.messages;
    const valid = takeEvents(1, { seed: 99 })[0]!;
    const bad: [string, string, string | undefined][] = [
      ['{"id": "broken', 'CX_ERR_INVALID_JSON', undefined],
      [JSON.stringify({ ...valid, id: 'b1', conversationId: undefined }), 'CX_ERR_MISSING_FIELD', 'conversationId'],
      [JSON.stringify({ ...valid, id: 'b2', customerId: 12 }), 'CX_ERR_WRONG_TYPE', 'customerId'],
      [JSON.stringify({ ...valid, id: 'b3', channel: 'pigeon' }), 'CX_ERR_UNKNOWN_CHANNEL', 'channel'],
      [JSON.stringify({ ...valid, id: 'b4', text: ' ' }), 'CX_ERR_EMPTY_TEXT', 'text'],
      [JSON.stringify({ ...valid, id: 'b5', text: 'z'.repeat(40_000) }), 'CX_ERR_TEXT_TOO_LARGE', 'text'],
      [JSON.stringify({ ...valid, id: 'b6', ts: 'not a time' }), 'CX_ERR_INVALID_TIMESTAMP', 'ts'],
    ];
    for (const [payload] of bad) await js.publish('cx.events.chat', payload);
    await js.publish(`cx.events.${valid.channel}`, JSON.stringify(valid), { msgID: valid.id });

    await waitUntil(async () => (await jsm.streams.info('CX_DLQ')).state.messages >= dlqBefore + bad.length, 20_000, () => 'dlq entries');
    const entries: { error: { code: string; field?: string; message: string }; payload: string }[] = [];
    for (let seq = dlqBefore + 1; seq <= dlqBefore + bad.length; seq++) {
      const m = await jsm.streams.getMessage('CX_DLQ', { seq });
      entries.push(m!.json());
    }
    expect(entries.map((e) => [e.error.code, e.error.field])).toEqual(bad.map(([, code, field]) => [code, field]));
    // Kept redacted, with the customer id pseudonymised: the raw id is nowhere in the DLQ.
    const pseudonymize = createPseudonymizer(KEY);
    expect(entries.map((e) => e.payload)).toEqual(bad.map(([p]) => redactPayload(p, { pseudonymize })));
    expect(entries.filter((e) => e.payload.includes(`"${valid.customerId}"`))).toEqual([]);
    expect(entries.filter((e) => e.payload.includes(pseudonymize(valid.customerId)))).toHaveLength(bad.length - 2);
    for (const e of entries) expect(e.error.message.length).toBeGreaterThan(10);

    // The good event behind them was scored, and nothing is left unacked.
    await waitUntil(async () => (await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events FINAL WHERE event_id = '${valid.id}'`)) === 1, 20_000, () => 'valid row');
    await waitUntil(async () => {
      const info = await jsm.consumers.info('CX_EVENTS', 'cxpulse-engine');
      return info.num_pending === 0 && info.num_ack_pending === 0;
    }, 10_000, () => 'consumer drained');
    // Work-queue retention: a processed (acked) event leaves the stream; nothing raw stays behind.
    await waitUntil(async () => (await jsm.streams.info('CX_EVENTS')).state.messages === 0, 5000, () => 'CX_EVENTS empty after processing');
    const metrics = await engine.metrics.registry.metrics();
    expect(metrics).toMatch(/cxpulse_events_failed_total\{channel="chat",error_type="CX_ERR_INVALID_TIMESTAMP"\} 1/);
    expect(metrics).toMatch(/cxpulse_events_failed_total\{channel="chat",error_type="CX_ERR_INVALID_JSON"\} 1/);
    const ready = await fetch(`${engine.url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('stores business (CRM) events once each, keeps call metadata with the scored row, and dead-letters a bad CRM event', async () => {
    const jsm = await jetstreamManager(nc);
    const dlqBefore = (await jsm.streams.info('CX_DLQ')).state.messages;
    const crm = (id: string, type: string) => ({ id, channel: 'crm', customerId: 'cust-crm-1', type, ts: '2026-11-20T10:00:00Z', meta: { daysLate: 9 } });
    await js.publish('cx.events.crm', JSON.stringify(crm('crm:1', 'payment_late')), { msgID: 'crm:1' });
    await js.publish('cx.events.crm', JSON.stringify(crm('crm:2', 'usage_drop')), { msgID: 'crm:2' });
    // A redelivered copy (no Msg-Id, so JetStream does not drop it): the store must fold it.
    await js.publish('cx.events.crm', JSON.stringify(crm('crm:1', 'payment_late')));
    await js.publish('cx.events.crm', JSON.stringify(crm('crm:3', 'birthday')));
    const call = { id: 'call:c9:0', channel: 'call', conversationId: 'c9', customerId: 'cust-crm-1', author: 'customer', text: 'I have been on hold for forty minutes.', ts: Date.now(), meta: { durationSec: 2400, holdSec: 1800, transfers: 2 } };
    await js.publish('cx.events.call', JSON.stringify(call), { msgID: call.id });

    const biz = `${db.name}.business_events`;
    await waitUntil(async () => (await queryNumber(db.client, `SELECT count() FROM ${biz}`)) >= 3, 20_000, () => 'business rows');
    expect(await queryNumber(db.client, `SELECT count() FROM ${biz} FINAL`)).toBe(2);
    expect(await queryNumber(db.client, `SELECT count() FROM ${db.name}.business_events_latest WHERE type = 'usage_drop'`)).toBe(1);
    await waitUntil(async () => (await jsm.streams.info('CX_DLQ')).state.messages > dlqBefore, 10_000, () => 'dlq entry');
    const entry = (await jsm.streams.getMessage('CX_DLQ', { seq: dlqBefore + 1 }))!.json<{ error: { code: string; field: string } }>();
    expect(entry.error).toMatchObject({ code: 'CX_ERR_INVALID_VALUE', field: 'type' });

    await waitUntil(async () => (await queryNumber(db.client, `SELECT count() FROM ${db.name}.scored_events FINAL WHERE event_id = 'call:c9:0'`)) === 1, 20_000, () => 'call row');
    const rs = await db.client.query({ query: `SELECT meta FROM ${db.name}.scored_events FINAL WHERE event_id = 'call:c9:0'`, format: 'JSONEachRow' });
    const [row] = (await rs.json()) as { meta: string }[];
    expect(JSON.parse(row!.meta)).toEqual(call.meta);
  });
});

