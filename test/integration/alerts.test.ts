/**
 * The running engine (in-process bus, real ClickHouse, the committed model): a conversation left
 * without an agent reply raises waiting_too_long from the alert timer alone, the alert goes to the
 * feed and into cxpulse.alerts, a page that connects later gets it (and the cues) in its snapshot,
 * and the agent's reply resolves the same incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../engine/runtime/index.ts';
import { loadCueRules } from '../../engine/cues/index.ts';
import { startTestEngine, testDatabase, waitUntil } from '../helpers/engine.ts';
import { connect, SECRET, token } from '../feed/helpers.ts';

const db = testDatabase('cxpulse_it_alerts');
let engine: Engine;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-alerts-it-'));
  const rules = JSON.parse(JSON.stringify(loadCueRules())) as ReturnType<typeof loadCueRules>;
  // 1.2 s without a reply is "too long" here, so the test does not sit for minutes.
  rules.alerts.waiting_too_long.minutes = { chat: 0.02 };
  // Three dead letters on a quiet baseline are a spike here.
  rules.alerts.dlq_spike = { ...rules.alerts.dlq_spike, minSamples: 3, minDelta: 0.1 };
  await writeFile(join(dir, 'cues.json'), JSON.stringify(rules));
  engine = await startTestEngine({
    NATS_URL: 'memory',
    CLICKHOUSE_URL: 'http://127.0.0.1:8123',
    CLICKHOUSE_DB: db.name,
    CXPULSE_DATA_DIR: dir,
    CXPULSE_CUES_FILE: join(dir, 'cues.json'),
    CXPULSE_ALERT_TICK_MS: '200',
    CXPULSE_JWT_SECRET: SECRET,
    LOG_LEVEL: 'error',
  });
});
afterAll(async () => {
  await engine?.stop();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

const post = async (e: Record<string, unknown>) => {
  const auth = `Bearer ${await token({ role: 'ingest', sub: 'alerts-test' })}`;
  const res = await fetch(`${engine.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify(e) });
  expect(res.status).toBe(202);
};
const latest = async (id: string) => {
  const rs = await db.client.query({ query: `SELECT status, kind, conversation_id FROM ${db.name}.alerts_latest WHERE alert_id = '${id}'`, format: 'JSONEachRow' });
  return (await rs.json<{ status: string; kind: string; conversation_id: string }>())[0];
};

describe('alerts in the running engine', () => {
  it('waiting_too_long: opens on the timer, is stored, is in a later snapshot, resolves on the agent reply', async () => {
    const ws = `${engine.url.replace(/^http/, 'ws')}/v1/feed`;
    const sup = await connect(ws, { header: await token({ role: 'supervisor' }) });
    const ts = Date.now();
    await post({ id: 'w-0', channel: 'chat', conversationId: 'c-wait', customerId: 'cust-w', author: 'agent', agentId: 'agent-4', text: 'Hello, how can I help?', ts });
    await post({ id: 'w-1', channel: 'chat', conversationId: 'c-wait', customerId: 'cust-w', author: 'customer', text: 'I am furious, this is the worst experience ever, absolutely disgusting.', ts: ts + 1 });
    const alerts = () => sup.messages.flatMap((m) => (m.type === 'alert' ? [m.alert] : []));
    await waitUntil(() => alerts().some((a) => a.kind === 'waiting_too_long'), 30_000, () => `alerts ${JSON.stringify(alerts())}`);
    const open = alerts().find((a) => a.kind === 'waiting_too_long');
    expect(open).toMatchObject({ status: 'open', conversationId: 'c-wait', agentId: 'agent-4', eventId: 'w-1' });
    const id = String(open?.alertId);
    await waitUntil(async () => (await latest(id))?.status === 'open', 10_000, () => 'open alert row in ClickHouse');

    // A page opened now is complete at once: the open alert, and the cues of the conversation.
    const late = await connect(ws, { header: await token({ role: 'supervisor' }) });
    await waitUntil(() => late.messages.length >= 2, 5000, () => 'snapshot');
    const snap = late.messages[1];
    if (snap?.type !== 'snapshot') throw new Error('no snapshot');
    expect(snap.alerts.map((a) => a.alertId)).toContain(id);
    expect(snap.cues.filter((c) => c.conversationId === 'c-wait').map((c) => c.cue.kind)).toContain('negative_spike');
    const agent = await connect(ws, { header: await token({ role: 'agent', sub: 'agent-4' }) });
    await waitUntil(() => agent.messages.length >= 2, 5000, () => 'agent snapshot');
    const agentSnap = agent.messages[1];
    if (agentSnap?.type !== 'snapshot') throw new Error('no snapshot');
    expect(agentSnap.alerts).toEqual([]);
    expect(agentSnap.cues.length).toBeGreaterThan(0);

    await post({ id: 'w-2', channel: 'chat', conversationId: 'c-wait', customerId: 'cust-w', author: 'agent', agentId: 'agent-4', text: 'I am sorry, let me fix this now.', ts: ts + 2 });
    await waitUntil(() => alerts().some((a) => a.alertId === id && a.status === 'resolved'), 30_000, () => `alerts ${JSON.stringify(alerts())}`);
    await waitUntil(async () => (await latest(id))?.status === 'resolved', 10_000, () => 'resolved row in ClickHouse');
    expect(await latest(id)).toEqual({ status: 'resolved', kind: 'waiting_too_long', conversation_id: 'c-wait' });
    for (const c of [sup, late, agent]) c.ws.close();
  });

  it('dlq_spike: dead-lettered events above their baseline open one alert, also stored', async () => {
    const sup = await connect(`${engine.url.replace(/^http/, 'ws')}/v1/feed`, { header: await token({ role: 'admin' }) });
    for (let i = 0; i < 4; i++) await engine.bus.publishEvent('chat', new TextEncoder().encode(`{"id": "broken-${i}", "channel": "chat"`), `broken-${i}`);
    const spikes = () => sup.messages.flatMap((m) => (m.type === 'alert' && m.alert.kind === 'dlq_spike' ? [m.alert] : []));
    await waitUntil(() => spikes().length > 0, 30_000, () => 'dlq_spike on the feed');
    expect(spikes()[0]).toMatchObject({ status: 'open', unit: 'events/min', baseline: 0 });
    expect(spikes().filter((a) => a.status === 'open')).toHaveLength(1);
    const id = String(spikes()[0]?.alertId);
    await waitUntil(async () => (await latest(id))?.kind === 'dlq_spike', 10_000, () => 'dlq_spike row in ClickHouse');
    sup.ws.close();
  });
});
