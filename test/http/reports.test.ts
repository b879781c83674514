/**
 * GET /v1/reports/:kind mounted in the engine's HTTP app, behind the feed's token check, reading
 * a real ClickHouse (CI: 18.16) seeded with a small fixture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../engine/http/index.ts';
import { createMemoryBus } from '../../engine/bus/index.ts';
import { createFeedHub } from '../../engine/feed/index.ts';
import { createLogger, createMetrics } from '../../engine/observability/index.ts';
import { createClickHouseStore, type ClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import type { ScoredEvent } from '../../engine/event/index.ts';
import { buildDailyReport, buildWeeklyReport } from '../../engine/report/index.ts';
import { SECRET, token } from '../feed/helpers.ts';

const CH_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DB = `cxpulse_http_reports_${Date.now()}_${process.pid}`;
const DAY = '2026-11-20';
let store: ClickHouseStore;

function ev(i: number, label: 'negative' | 'positive'): ScoredEvent {
  const tsMs = Date.UTC(2026, 10, 20, 9, 0, i);
  return {
    id: `r-${i}`,
    channel: 'chat',
    conversationId: `c-${i % 3}`,
    customerId: `cust-${i % 3}`,
    author: 'customer',
    tsMs,
    text: 'x',
    lang: 'en',
    langConfidence: 0.9,
    sentiment: { label, score: label === 'negative' ? -0.8 : 0.6, confidence: 0.9 },
    conversation: { turns: 1, recent: [0], trend: 0 },
    modelVersion: 'test',
    latencyMs: 1,
    receivedAtMs: tsMs,
  };
}

async function app(secret: string | undefined, withClickHouse = true): Promise<FastifyInstance> {
  return buildApp({
    log: createLogger('silent'),
    metrics: createMetrics(),
    bus: createMemoryBus(),
    feed: createFeedHub(),
    jwtSecret: secret,
    maxTextBytes: 32 * 1024,
    maxBodyBytes: 1 << 20,
    backend: () => 'cpu',
    readiness: async () => ({ ready: true, checks: {} }),
    reports: { client: withClickHouse ? store.client : undefined, db: DB },
  });
}

beforeAll(async () => {
  store = await createClickHouseStore({ url: CH_URL, database: DB });
  await store.init();
  await store.write(Array.from({ length: 12 }, (_, i) => ev(i, i % 4 === 0 ? 'negative' : 'positive')));
});
afterAll(async () => {
  await store?.client.command({ query: `DROP DATABASE IF EXISTS ${DB}` });
  await store?.close();
});

describe('report endpoint behind the feed’s authentication', () => {
  it('serves a supervisor and an admin (header or ?token=), refuses an agent, a missing and a bad token', async () => {
    const a = await app(SECRET);
    try {
      const sup = await a.inject({ url: `/v1/reports/daily?date=${DAY}&format=json`, headers: { authorization: `Bearer ${await token({ role: 'supervisor' })}` } });
      expect(sup.statusCode).toBe(200);
      expect(JSON.stringify(sup.json())).toContain(DAY);
      const admin = await a.inject({ url: `/v1/reports/daily?date=${DAY}&token=${await token({ role: 'admin' })}` });
      expect(admin.statusCode).toBe(200);
      expect(admin.headers['content-type']).toMatch(/text\/html/);

      const agent = await a.inject({ url: `/v1/reports/daily?date=${DAY}`, headers: { authorization: `Bearer ${await token({ role: 'agent', sub: 'agent-1' })}` } });
      expect(agent.statusCode).toBe(403);
      expect(agent.json()).toEqual({ error: { code: 'CX_ERR_FORBIDDEN', message: "role 'agent' may not use GET /v1/reports/:kind; it needs supervisor or admin" } });
      const ingest = await a.inject({ url: `/v1/reports/daily?date=${DAY}`, headers: { authorization: `Bearer ${await token({ role: 'ingest' })}` } });
      expect(ingest.statusCode).toBe(403);
      const none = await a.inject({ url: `/v1/reports/daily?date=${DAY}` });
      expect(none.statusCode).toBe(401);
      expect(none.json().error.code).toBe('CX_ERR_UNAUTHORIZED');
      const forged = await a.inject({ url: `/v1/reports/daily?date=${DAY}`, headers: { authorization: `Bearer ${await token({ role: 'admin' }, { secret: 'another-secret-of-at-least-32-bytes!!' })}` } });
      expect(forged.statusCode).toBe(401);
      expect(forged.json().error.message).toMatch(/signature/);
      const expired = await a.inject({ url: `/v1/reports/daily?date=${DAY}`, headers: { authorization: `Bearer ${await token({ role: 'admin' }, { expiresIn: -60 })}` } });
      expect(expired.statusCode).toBe(401);
      // Bad input is checked after the token, with the route's own message.
      const bad = await a.inject({ url: '/v1/reports/monthly', headers: { authorization: `Bearer ${await token({ role: 'admin' })}` } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toMatch(/daily or weekly/);
    } finally {
      await a.close();
    }
  });

  it('is open without CXPULSE_JWT_SECRET, like the feed; answers 503 with the reason on the file store', async () => {
    const open = await app(undefined);
    try {
      const r = await open.inject({ url: `/v1/reports/weekly?date=${DAY}&format=md` });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/markdown/);
    } finally {
      await open.close();
    }
    const file = await app(undefined, false);
    try {
      const r = await file.inject({ url: `/v1/reports/daily?date=${DAY}` });
      expect(r.statusCode).toBe(503);
      expect(r.json().error.message).toMatch(/ClickHouse/);
    } finally {
      await file.close();
    }
  });

  it('answers format=json with every figure of the report: the response schema drops none', async () => {
    const open = await app(undefined);
    try {
      for (const [kind, build] of [['daily', buildDailyReport], ['weekly', buildWeeklyReport]] as const) {
        const { markdown: _m, html: _h, ...figures } = await build(store.client, DB, DAY);
        const res = await open.inject({ url: `/v1/reports/${kind}?date=${DAY}&format=json` });
        expect(res.statusCode).toBe(200);
        expect(res.json(), kind).toEqual(JSON.parse(JSON.stringify(figures)));
      }
    } finally {
      await open.close();
    }
  });
});
