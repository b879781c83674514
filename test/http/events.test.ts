import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/http/index.ts';
import { createMemoryBus, type MemoryBus } from '../../engine/bus/index.ts';
import { createFeedHub } from '../../engine/feed/index.ts';
import { createLogger, createMetrics } from '../../engine/observability/index.ts';
import { EVENT_ERRORS, validateEvent } from '../../engine/event/index.ts';
import { readFileSync } from 'node:fs';

const event = (i: number, over: Record<string, unknown> = {}) => ({
  id: `h-${i}`,
  channel: 'email',
  conversationId: 'c-1',
  customerId: 'cust-1',
  author: 'customer',
  text: 'Hello, my invoice is wrong',
  ts: 1795000000000 + i,
  ...over,
});

let app: FastifyInstance;
let bus: MemoryBus;
const metrics = createMetrics();

beforeAll(async () => {
  bus = createMemoryBus();
  app = await buildApp({
    log: createLogger('silent'),
    metrics,
    bus,
    feed: createFeedHub(),
    maxTextBytes: 2048,
    maxBodyBytes: 64 * 1024,
    backend: () => 'wasm',
    readiness: async () => ({ ready: false, checks: { store: { ok: false, detail: 'down' } } }),
  });
});
afterAll(() => app.close());

const post = (payload: string | object, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  app.inject({ method: 'POST', url: '/v1/events', headers, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });

async function queued(): Promise<number> {
  return (await bus.lag()) ?? -1;
}

describe('POST /v1/events', () => {
  it('accepts one event and an array, and a resend of the same id is a duplicate', async () => {
    const before = await queued();
    const one = await post(event(1));
    expect(one.statusCode).toBe(202);
    expect(one.json()).toEqual({ accepted: 1, duplicates: 0, ids: ['h-1'] });
    const many = await post([event(2), event(3), event(1)]);
    expect(many.json()).toEqual({ accepted: 3, duplicates: 1, ids: ['h-2', 'h-3', 'h-1'] });
    expect(await queued()).toBe(before + 3);
  });

  it.each([
    ['malformed JSON', '{"id": "x", ', 400, 'CX_ERR_INVALID_JSON', undefined],
    ['missing field', event(10, { customerId: undefined }), 400, 'CX_ERR_MISSING_FIELD', 'customerId'],
    ['wrong type', event(11, { text: 7 }), 400, 'CX_ERR_WRONG_TYPE', 'text'],
    ['unknown channel', event(12, { channel: 'sms' }), 400, 'CX_ERR_UNKNOWN_CHANNEL', 'channel'],
    ['empty text', event(13, { text: '' }), 400, 'CX_ERR_EMPTY_TEXT', 'text'],
    ['text over the limit', event(14, { text: 'x'.repeat(3000) }), 413, 'CX_ERR_TEXT_TOO_LARGE', 'text'],
    ['invalid timestamp', event(15, { ts: '24/11/2026' }), 400, 'CX_ERR_INVALID_TIMESTAMP', 'ts'],
    ['empty array', [], 400, 'CX_ERR_EMPTY_BATCH', undefined],
  ])('refuses %s with its status, a code and the field, and publishes nothing', async (_n, payload, status, code, field) => {
    const before = await queued();
    const res = await post(payload as object);
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.field).toBe(field);
    if (field) expect(body.error.message).toContain(field);
    expect(await queued()).toBe(before);
  });

  it('refuses a whole array when one event is bad, naming each bad one by index', async () => {
    const before = await queued();
    const res = await post([event(20), event(21, { channel: 'fax' }), event(22, { ts: 'soon' })]);
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.message).toMatch(/^event 1: /);
    expect(err.events.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [1, 'CX_ERR_UNKNOWN_CHANNEL'],
      [2, 'CX_ERR_INVALID_TIMESTAMP'],
    ]);
    expect(await queued()).toBe(before);
  });

  it('is judged by the engine validator (the NATS path’s check), not by the documented body schema', async () => {
    for (const bad of [event(30, { channel: 'sms', text: '' }), 'just a string', event(31, { author: 'bot', ts: 'soon' })]) {
      const res = await post(JSON.stringify(bad));
      const expected = validateEvent(bad, { maxTextBytes: 2048 });
      expect(expected.ok).toBe(false);
      if (!expected.ok) expect(res.json().error).toEqual(expected.error);
    }
  });

  it('answers a body over the limit with 413 and a non-JSON body with 415', async () => {
    const big = await post([...Array(40)].map((_, i) => event(100 + i, { text: 'y'.repeat(2000) })));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('CX_ERR_BODY_TOO_LARGE');
    const text = await post('hello', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('CX_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('counts refusals in cxpulse_events_failed_total by channel and error type', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/cxpulse_events_failed_total\{channel="email",error_type="CX_ERR_TEXT_TOO_LARGE"\} 1/);
    expect(text).toMatch(/cxpulse_events_failed_total\{channel="unknown",error_type="CX_ERR_UNKNOWN_CHANNEL"\} \d/);
  });
});

describe('operations endpoints', () => {
  it('healthz is live and names the backend; readyz says why it is not ready', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok', tfBackend: 'wasm' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.store).toEqual({ ok: false, detail: 'down' });
  });
  it('metrics are in Prometheus text format', async () => {
    const res = await app.inject('/metrics');
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('# TYPE cxpulse_events_in_total counter');
  });
});

describe('error catalog', () => {
  it('documents every error code in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const code of Object.keys(EVENT_ERRORS)) expect(readme, code).toContain(code);
  });
});
