/**
 * After a restart (real ClickHouse, in-process bus, the committed model) the negative-share alert
 * reads its window and baseline back: customer messages of the last 65 minutes, each event once,
 * per channel and minute. A burst of negative messages right after the start then opens the alert
 * against that baseline; without it the baseline would be empty and the alert would need an hour
 * of traffic first. Alerts the previous run left open are taken over: resolved or updated under
 * their ids instead of staying open in cxpulse.alerts for ever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, ScoredEvent } from '../../engine/event/index.ts';
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

// What a previous run left open: a negative share on e-mail, a dead-letter spike, a conversation
// waiting for an agent (6 minutes, limit 5); and one incident it had resolved.
const leftOpen: Alert[] = [
  { alertId: `neg-email-${now - 20 * MIN}`, kind: 'negative_share', status: 'open', channel: 'email', share: 0.6, baselineShare: 0.1, z: 6, n: 30, baselineN: 300, windowMinutes: 5, baselineMinutes: 60, openedAtMs: now - 20 * MIN, tsMs: now - 20 * MIN, text: 'e-mail share' },
  { alertId: `dlq-${now - 10 * MIN}`, kind: 'dlq_spike', status: 'open', value: 9, baseline: 1, unit: 'events/min', n: 45, windowMinutes: 5, baselineMinutes: 60, openedAtMs: now - 10 * MIN, tsMs: now - 10 * MIN, text: 'dlq' },
  { alertId: `wait-c-old-${now - 6 * MIN}`, kind: 'waiting_too_long', status: 'open', channel: 'chat', conversationId: 'c-old', customerId: 'pseudo-old', agentId: 'agent-3', eventId: 'old-1', waitingSinceMs: now - 6 * MIN, waitedMinutes: 5, thresholdMinutes: 5, openedAtMs: now - MIN, tsMs: now - MIN, text: 'waiting' },
  { alertId: `neg-call-${now - 120 * MIN}`, kind: 'negative_share', status: 'resolved', channel: 'call', share: 0.1, baselineShare: 0.1, z: 0, n: 30, baselineN: 300, windowMinutes: 5, baselineMinutes: 60, openedAtMs: now - 130 * MIN, tsMs: now - 120 * MIN, text: 'old' },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-alert-restore-'));
  const store = await createClickHouseStore({ url: CLICKHOUSE_URL, database: db.name, log: memoryLog() });
  await store.init();
  await store.write([...baseline, ...emails, ...agents, ...old]);
  await store.write(baseline.slice(0, 5));
  await store.writeAlerts(leftOpen);
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

  it('takes over the alerts left open: the quiet ones resolve under their ids, the waiting one resolves when the agent replies', async () => {
    const status = async (id: string) => {
      const rs = await db.client.query({ query: `SELECT status FROM ${db.name}.alerts_latest WHERE alert_id = '${id}'`, format: 'JSONEachRow' });
      return (await rs.json<{ status: string }>())[0]?.status;
    };
    const [share, dlq, wait, old] = leftOpen.map((a) => a.alertId) as [string, string, string, string];
    await waitUntil(async () => (await status(share)) === 'resolved' && (await status(dlq)) === 'resolved', 30_000, () => 'the e-mail share and the DLQ spike resolved');
    expect(await status(wait)).not.toBe('resolved');
    expect(await status(old)).toBe('resolved');
    const res = await fetch(`${engine!.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'old-reply', channel: 'chat', conversationId: 'c-old', customerId: 'cust-old', author: 'agent', agentId: 'agent-3', text: 'Sorry for the wait, I am on it.', ts: Date.now() }),
    });
    expect(res.status).toBe(202);
    await waitUntil(async () => (await status(wait)) === 'resolved', 30_000, () => 'the waiting alert resolved by the reply');
  }, 60_000);
});
