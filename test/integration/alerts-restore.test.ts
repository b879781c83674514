/**
 * After a restart the negative-share alert reads its window and baseline back from ClickHouse
 * (real server, in-process bus, the committed model): customer messages of the last 65 minutes,
 * each event once, per channel and minute. A burst of negative messages right after the start
 * then opens the alert against that baseline; without it the baseline would be empty and the
 * alert would need an hour of traffic first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScoredEvent } from '../../engine/event/types.ts';
import type { Engine } from '../../engine/runtime/index.ts';
import { createClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import { SHARE_COUNTED_METRIC } from '../../engine/runtime/advice.ts';
import { scoredEvent, memoryLog } from '../sinks/fixtures.ts';
import { CLICKHOUSE_URL, startTestEngine, testDatabase, waitUntil } from '../helpers/engine.ts';

const db = testDatabase('cxpulse_it_alert_restore');
const MIN = 60_000;
let engine: Engine | undefined;
let dir: string;
const now = Date.now();

const row = (n: number, minutesAgo: number, over: Partial<ScoredEvent> = {}): ScoredEvent => {
  const at = now - minutesAgo * MIN;
  return scoredEvent(n, { id: `r-${n}`, author: 'customer', channel: 'chat', tsMs: at, receivedAtMs: at, sentiment: { label: 'neutral', score: 0, confidence: 0.8 }, ...over });
};

// Baseline: 60 chat messages 10..49 minutes ago, 6 of them negative; 7 e-mails; agent turns and
// messages older than window + baseline (65 min) that must not count; 5 rows written twice.
const baseline = Array.from({ length: 60 }, (_, i) => row(i, 10 + (i % 40), i < 6 ? { sentiment: { label: 'negative', score: -0.8, confidence: 0.9 } } : {}));
const emails = Array.from({ length: 7 }, (_, i) => row(100 + i, 20, { channel: 'email' }));
const agents = Array.from({ length: 10 }, (_, i) => row(200 + i, 15, { author: 'agent', agentId: 'agent-1' }));
const old = Array.from({ length: 10 }, (_, i) => row(300 + i, 180));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-alert-restore-'));
  const store = await createClickHouseStore({ url: CLICKHOUSE_URL, database: db.name, log: memoryLog() });
  await store.init();
  await store.write([...baseline, ...emails, ...agents, ...old]);
  await store.write(baseline.slice(0, 5));
  await store.close();
});
afterAll(async () => {
  await engine?.stop();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('the negative-share alert after a restart', () => {
  it('the store gives each customer message of the span once, per channel and minute', async () => {
    const store = await createClickHouseStore({ url: CLICKHOUSE_URL, database: db.name, log: memoryLog() });
    try {
      const counts = await store.readShareCounts!(now - 65 * MIN);
      const sum = (ch: string, k: 'n' | 'neg') => counts.filter((c) => c.channel === ch).reduce((a, c) => a + c[k], 0);
      expect({ chat: sum('chat', 'n'), chatNeg: sum('chat', 'neg'), email: sum('email', 'n') }).toEqual({ chat: 60, chatNeg: 6, email: 7 });
      for (const c of counts) expect(Number.isInteger(c.minute) && c.minute * MIN >= now - 66 * MIN && c.minute * MIN <= now).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('starts with those counts and opens the alert on a burst of negative messages against them', async () => {
    engine = await startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL, CLICKHOUSE_DB: db.name, CXPULSE_DATA_DIR: dir, CXPULSE_ALERT_TICK_MS: '200', LOG_LEVEL: 'error' });
    const counted = async () => (await engine!.metrics.registry.getSingleMetric(SHARE_COUNTED_METRIC)!.get()).values[0]?.value;
    expect(await counted()).toBe(67);

    const texts = ['This is outrageous, I was charged twice and nobody answers.', 'Worst service ever, I am furious.', 'Absolutely terrible, my order is lost again and you do not care.'];
    for (let i = 0; i < 25; i++) {
      const res = await fetch(`${engine.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: `burst-${i}`, channel: 'chat', conversationId: `c-${i}`, customerId: `cust-b${i}`, author: 'customer', text: texts[i % 3], ts: Date.now() }),
      });
      expect(res.status).toBe(202);
    }
    const open = async () => {
      const rs = await db.client.query({ query: `SELECT detail, status FROM ${db.name}.alerts_latest WHERE kind = 'negative_share' AND channel = 'chat'`, format: 'JSONEachRow' });
      const r = (await rs.json<{ detail: string; status: string }>())[0];
      return r && { status: r.status, ...(JSON.parse(r.detail) as { baselineN?: number }) };
    };
    await waitUntil(async () => (await open())?.status === 'open', 30_000, () => 'a negative_share alert for chat in cxpulse.alerts');
    expect((await open())!.baselineN).toBe(60);
  }, 60_000);
});
