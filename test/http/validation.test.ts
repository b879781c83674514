/**
 * Route schemas as the engine's HTTP app applies them: a refusal by a schema reads like one by a
 * hand-written check (a catalogued code, the field, a sentence), bodies are not coerced, answers
 * keep every field through the schema-driven serializer, and a 500 says nothing about its cause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/http/index.ts';
import { createMemoryBus } from '../../engine/bus/index.ts';
import { createFeedHub } from '../../engine/feed/index.ts';
import { createLogger, createMetrics } from '../../engine/observability/index.ts';
import type { AppDeps } from '../../engine/http/index.ts';

/** What the models routes were asked to do, and a status with a shadow model in it. */
const reloads: unknown[] = [];
const status = {
  active: 'sentiment-a',
  activeDir: '/models/a',
  shadow: { version: 'sentiment-b', n: 3, agree: 2, agreementRate: 2 / 3, confusion: { negative: { negative: 1, neutral: 1 }, positive: { positive: 1 } }, errors: 0 },
};
const registry: NonNullable<AppDeps['models']> = {
  status: () => structuredClone(status),
  shadowVersion: 'sentiment-b',
  reload: async (opts) => (reloads.push(opts), { active: 'sentiment-a', previous: 'sentiment-a', shadow: 'sentiment-c' }),
  promote: async () => ({ active: 'sentiment-b', previous: 'sentiment-a' }),
  dropShadow: () => 'sentiment-b',
};
const INTERNAL_DETAIL = 'clickhouse at db-7.internal:8123 refused user cx_admin';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({
    log: createLogger('silent'),
    metrics: createMetrics(),
    bus: createMemoryBus(),
    feed: createFeedHub(),
    maxTextBytes: 2048,
    maxBodyBytes: 64 * 1024,
    backend: () => 'wasm',
    readiness: async () => {
      throw new Error(INTERNAL_DETAIL);
    },
    models: registry,
    reports: { client: undefined, db: 'cxpulse' },
  });
});
afterAll(() => app.close());

const reload = (body?: unknown) =>
  app.inject({ method: 'POST', url: '/v1/models/reload', ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }) });

describe('a request refused by its route schema', () => {
  it.each([
    ['a number for a string', { dir: 42 }, 'CX_ERR_WRONG_TYPE', 'dir', "field 'dir' must be a string, got number"],
    ['a string for a boolean', { shadow: 'true' }, 'CX_ERR_WRONG_TYPE', 'shadow', "field 'shadow' must be a boolean, got string"],
    ['an empty folder name', { dir: '' }, 'CX_ERR_INVALID_VALUE', 'dir', "field 'dir' must not be empty"],
    ['an array for the body', ['models/x'], 'CX_ERR_NOT_AN_OBJECT', undefined, 'the body must be a JSON object'],
  ])('gets 400 with a catalogued code, the field and a sentence: %s', async (_name, body, code, field, message) => {
    const before = reloads.length;
    const res = await reload(body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: field === undefined ? { code, message } : { code, field, message } });
    expect(reloads.length, 'the registry was not asked').toBe(before);
  });

  it('names the allowed values of a path or query parameter', async () => {
    const kind = await app.inject('/v1/reports/monthly');
    expect(kind.statusCode).toBe(400);
    expect(kind.json().error).toEqual({ code: 'CX_ERR_INVALID_VALUE', field: 'kind', message: `field 'kind' must be daily or weekly, got "monthly"` });
    const format = await app.inject('/v1/reports/daily?format=pdf');
    expect(format.json().error).toMatchObject({ field: 'format', message: `field 'format' must be html, md or json, got "pdf"` });
  });
});

describe('a request the schema lets through', () => {
  it('may leave out a body of optional fields, and fields arrive with their JSON types', async () => {
    expect((await reload()).statusCode).toBe(200);
    expect((await reload({ dir: '/models/c', shadow: true })).json()).toEqual({ active: 'sentiment-a', previous: 'sentiment-a', shadow: 'sentiment-c' });
    expect(reloads.slice(-2)).toEqual([{}, { dir: '/models/c', shadow: true }]);
  });

  it('is answered with every field the handler returned', async () => {
    // Every field but the server path, which only an admin token gets (test/http/roles.test.ts).
    const { activeDir: _dir, ...withoutPath } = status;
    expect((await app.inject('/v1/models')).json()).toEqual(withoutPath);
    expect((await app.inject({ method: 'POST', url: '/v1/models/promote' })).json()).toEqual({ active: 'sentiment-b', previous: 'sentiment-a' });
    expect((await app.inject({ method: 'DELETE', url: '/v1/models/shadow' })).json()).toEqual({ dropped: 'sentiment-b' });
  });
});

describe('a failure on our side', () => {
  it('answers 500 CX_ERR_INTERNAL without the error message, which goes to the log only', async () => {
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'CX_ERR_INTERNAL', message: 'internal error; see the engine log' } });
    expect(res.body).not.toContain('db-7');
  });
});
