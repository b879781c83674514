/**
 * Alerts and the scored_events columns of the heads, signal and churn model against a real ClickHouse (CI: 18.16; the same
 * statements run on current releases, see the capability gates in schema.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '../../engine/cues/index.ts';
import { createClickHouseStore, type ClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import { capabilitiesFor, parseServerVersion } from '../../engine/sinks/clickhouse/capabilities.ts';
import { toRow } from '../../engine/sinks/clickhouse/row.ts';
import { columnsFor, createLatestViewSql, createTableSql } from '../../engine/sinks/clickhouse/schema.ts';
import { SCORED_EVENTS, type TableDef } from '../../engine/sinks/clickhouse/tables.ts';
import { createFileStore } from '../../engine/sinks/file/index.ts';
import { memoryLog, scoredEvent } from './fixtures.ts';

const CH_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DB = `cxpulse_alerts_${Date.now()}_${process.pid}`;
const OLD_DB = `${DB}_old`;
const NEW_COLUMNS = ['topic', 'urgency', 'formality', 'emotion_labels', 'polite_negative', 'implicit_complaint', 'churn_probability', 'churn_band'];
const T = Date.UTC(2026, 10, 24, 9, 0, 0, 123);

let store: ClickHouseStore;

async function rows<T>(query: string): Promise<T[]> {
  const res = await store.client.query({ query, format: 'JSONEachRow' });
  return res.json<T>();
}

const negative = (status: Alert['status'], tsMs: number, share: number): Alert => ({
  alertId: 'neg-chat-1',
  kind: 'negative_share',
  status,
  channel: 'chat',
  share,
  baselineShare: 0.1,
  z: 4.2,
  n: 40,
  baselineN: 400,
  windowMinutes: 5,
  baselineMinutes: 60,
  openedAtMs: T,
  tsMs,
  text: `chat: ${share}`,
});
const waiting: Alert = {
  alertId: 'wait-c-9-1',
  kind: 'waiting_too_long',
  status: 'open',
  channel: 'chat',
  conversationId: 'c-9',
  customerId: 'cust-9',
  agentId: 'agent-2',
  eventId: 'm-1',
  waitingSinceMs: T - 300_000,
  waitedMinutes: 5,
  thresholdMinutes: 5,
  openedAtMs: T,
  tsMs: T,
  text: 'chat c-9: customer waiting 5 min',
};
const dlq: Alert = { alertId: 'dlq-1', kind: 'dlq_spike', status: 'open', value: 6.2, baseline: 0.4, unit: 'events/min', n: 31, windowMinutes: 5, baselineMinutes: 60, openedAtMs: T, tsMs: T, text: 'dlq' };

beforeAll(async () => {
  store = await createClickHouseStore({ url: CH_URL, database: DB, log: memoryLog() });
  await store.init();
});
afterAll(async () => {
  for (const db of [DB, OLD_DB]) await store?.client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  await store?.close();
});

describe('alerts table', () => {
  it('keeps every state as a row, and alerts_latest gives the newest state per alertId', async () => {
    await store.writeAlerts([negative('open', T, 0.4), waiting, dlq]);
    await store.writeAlerts([negative('update', T + 60_000, 0.5)]);
    await store.writeAlerts([negative('resolved', T + 120_000, 0.12)]);
    // A retried write of a state already stored folds in FINAL.
    await store.writeAlerts([negative('resolved', T + 120_000, 0.12)]);
    const all = await rows<{ alert_id: string; status: string }>(`SELECT alert_id, status FROM ${DB}.alerts FINAL ORDER BY alert_id, state_ms`);
    expect(all).toEqual([
      { alert_id: 'dlq-1', status: 'open' },
      { alert_id: 'neg-chat-1', status: 'open' },
      { alert_id: 'neg-chat-1', status: 'update' },
      { alert_id: 'neg-chat-1', status: 'resolved' },
      { alert_id: 'wait-c-9-1', status: 'open' },
    ]);
    const latest = await rows<Record<string, unknown>>(`SELECT alert_id, kind, status, channel, conversation_id, customer_id, agent_id, value, baseline, n, state_ms FROM ${DB}.alerts_latest ORDER BY alert_id`);
    expect(latest).toEqual([
      { alert_id: 'dlq-1', kind: 'dlq_spike', status: 'open', channel: '', conversation_id: '', customer_id: '', agent_id: '', value: 6.2, baseline: 0.4, n: 31, state_ms: String(T) },
      { alert_id: 'neg-chat-1', kind: 'negative_share', status: 'resolved', channel: 'chat', conversation_id: '', customer_id: '', agent_id: '', value: 0.12, baseline: 0.1, n: 40, state_ms: String(T + 120_000) },
      { alert_id: 'wait-c-9-1', kind: 'waiting_too_long', status: 'open', channel: 'chat', conversation_id: 'c-9', customer_id: 'cust-9', agent_id: 'agent-2', value: 5, baseline: 5, n: 0, state_ms: String(T) },
    ]);
    const open = await rows<{ alert_id: string }>(`SELECT alert_id FROM ${DB}.alerts_latest WHERE status != 'resolved' ORDER BY alert_id`);
    expect(open.map((r) => r.alert_id)).toEqual(['dlq-1', 'wait-c-9-1']);
    const [detail] = await rows<{ detail: string }>(`SELECT detail FROM ${DB}.alerts_latest WHERE alert_id = 'wait-c-9-1'`);
    expect(JSON.parse(detail?.detail ?? '{}')).toEqual(waiting);
  });
});

describe('scored_events: the optional heads and churn risk as columns', () => {
  it('stores them when present and defaults when absent (NULL churn probability: no model is not no risk)', async () => {
    const full = scoredEvent(1, {
      id: 'heads-1',
      topic: { label: 'billing', confidence: 0.9 },
      urgency: { label: 'critical', confidence: 0.8 },
      formality: { label: 'informal', confidence: 0.7 },
      emotion: { labels: ['anger', 'frustration'], probs: { anger: 0.8, frustration: 0.7, disappointment: 0, confusion: 0, joy: 0, enthusiasm: 0, gratitude: 0, neutral: 0 }, intensity: 'strong', intensityScore: 0.9 },
      signals: { politeNegative: true, evidence: 'x', implicitComplaint: { kind: 'waiting', phrase: 'still waiting' } },
      churn: { probability: 0.75, band: 'high', factors: [], modelVersion: 'c1' },
    });
    await store.write([full, scoredEvent(2, { id: 'bare-2' })]);
    const got = await rows<Record<string, unknown>>(`SELECT event_id, ${NEW_COLUMNS.join(', ')} FROM ${DB}.scored_events_latest ORDER BY event_id`);
    expect(got).toEqual([
      { event_id: 'bare-2', topic: '', urgency: '', formality: '', emotion_labels: [], polite_negative: 0, implicit_complaint: '', churn_probability: null, churn_band: '' },
      { event_id: 'heads-1', topic: 'billing', urgency: 'critical', formality: 'informal', emotion_labels: ['anger', 'frustration'], polite_negative: 1, implicit_complaint: 'waiting', churn_probability: 0.75, churn_band: 'high' },
    ]);
  });

  it('migrates a table from before them: columns added after meta, the view rebuilt, old rows read defaults', async () => {
    const OLD: TableDef = { ...SCORED_EVENTS, columns: SCORED_EVENTS.columns.filter((c) => !NEW_COLUMNS.includes(c.name)) };
    const caps = capabilitiesFor(parseServerVersion(store.serverVersion));
    const oldCols = columnsFor(OLD, caps);
    await store.client.command({ query: `CREATE DATABASE ${OLD_DB}` });
    await store.client.command({ query: createTableSql(OLD_DB, OLD, caps) });
    await store.client.command({ query: createLatestViewSql(OLD_DB, OLD, oldCols.map((c) => c.name)) });
    const oldRow = toRow(scoredEvent(3, { id: 'old-3' }), { types: new Map(oldCols.map((c) => [c.name, c.type])) }, Date.now());
    await store.client.insert({ table: `${OLD_DB}.scored_events`, values: [oldRow], format: 'JSONEachRow' });

    const log = memoryLog();
    const upgraded = await createClickHouseStore({ url: CH_URL, database: OLD_DB, log });
    try {
      await upgraded.init();
      await upgraded.write([scoredEvent(4, { id: 'new-4', topic: { label: 'delivery', confidence: 0.9 }, churn: { probability: 0.2, band: 'low', factors: [], modelVersion: 'c1' } })]);
      // Idempotent: a second start adds nothing.
      await upgraded.init();
    } finally {
      await upgraded.close();
    }
    const names = (await rows<{ name: string }>(`SELECT name FROM system.columns WHERE database = '${OLD_DB}' AND table = 'scored_events'`)).map((r) => r.name);
    expect(names.slice(names.indexOf('meta'), names.indexOf('meta') + 9)).toEqual(['meta', ...NEW_COLUMNS]);
    const view = (await rows<{ name: string }>(`SELECT name FROM system.columns WHERE database = '${OLD_DB}' AND table = 'scored_events_latest'`)).map((r) => r.name);
    expect(view).toEqual(names);
    const got = await rows<Record<string, unknown>>(`SELECT event_id, topic, emotion_labels, polite_negative, churn_probability, churn_band FROM ${OLD_DB}.scored_events_latest ORDER BY event_id`);
    expect(got).toEqual([
      { event_id: 'new-4', topic: 'delivery', emotion_labels: [], polite_negative: 0, churn_probability: 0.2, churn_band: 'low' },
      { event_id: 'old-3', topic: '', emotion_labels: [], polite_negative: 0, churn_probability: null, churn_band: '' },
    ]);
    // The alerts table is new to this database too.
    expect((await rows<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${OLD_DB}' AND name LIKE 'alerts%' ORDER BY name`)).map((r) => r.name)).toEqual(['alerts', 'alerts_latest']);
  });
});

describe('file store fallback', () => {
  it('writes alert states as JSON lines, one per state, a rewritten state once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxpulse-alerts-'));
    try {
      const fs = createFileStore({ dir, log: memoryLog() });
      await fs.init();
      await fs.writeAlerts([negative('open', T, 0.4), waiting]);
      await fs.writeAlerts([negative('resolved', T + 60_000, 0.1), negative('open', T, 0.4)]);
      expect(fs.countAlerts()).toBe(3);
      await fs.close();
      const lines = (await readFile(join(dir, 'alerts.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Alert & { id: string });
      expect(lines.map((l) => `${l.alertId}:${l.status}`)).toEqual(['neg-chat-1:open', 'wait-c-9-1:open', 'neg-chat-1:resolved']);
      expect(lines[1]).toMatchObject(waiting);
      // Reopened, it still knows what it holds.
      const again = createFileStore({ dir, log: memoryLog() });
      await again.init();
      expect(again.countAlerts()).toBe(3);
      await again.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
