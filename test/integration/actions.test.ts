/**
 * Next best actions in a running engine on real NATS (a private nats-server with JetStream) and
 * ClickHouse 18.16: a customer with four contacts in 30 days, a late payment and a falling
 * sentiment trend gets a ranked action with reason and due time on GET /v1/actions and on the
 * supervisors' feed within 1 s of the event that tipped it; an agent's feed never gets it; the
 * outcome comes back through POST /v1/actions/:id/outcome and both states land in cxpulse.actions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../engine/runtime/index.ts';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { inBusinessHours, loadActionCatalog } from '../../engine/actions/index.ts';
import type { ActionRecommendation } from '../../engine/event/index.ts';
import { startTestEngine, testDatabase, waitUntil } from '../helpers/engine.ts';
import { pseudonymOf } from '../../engine/privacy/index.ts';
import { connect, SECRET, token, type TestClient } from '../feed/helpers.ts';

const DAY = 86_400_000;
const KEY = 'actions-it-pseudonym-key-0123456789abcdef';
const db = testDatabase('cxpulse_it_actions');
let nats: NatsServerHandle;
let engine: Engine;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-actions-it-'));
  nats = await startNatsServer();
  engine = await startTestEngine({
    CXPULSE_PSEUDONYM_KEY: KEY,
    NATS_URL: nats.url,
    CLICKHOUSE_URL: 'http://127.0.0.1:8123',
    CLICKHOUSE_DB: db.name,
    CXPULSE_DATA_DIR: dir,
    CXPULSE_JWT_SECRET: SECRET,
    CXPULSE_ACTIONS_HOLDOUT_PERCENT: '0',
    CXPULSE_CHURN_KV_BUCKET: 'it-actions',
    LOG_LEVEL: 'error',
  });
}, 60_000);
afterAll(async () => {
  await engine?.stop();
  await nats?.dispose();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown, bearer: string): Promise<void> {
  const res = await fetch(`${engine.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(202);
}

const actionsOf = (c: TestClient) => c.messages.flatMap((m) => (m.type === 'action' ? [m.action as ActionRecommendation] : []));

describe('next best actions in the running engine', () => {
  it('event -> recommendation on the feed and the worklist within 1 s -> outcome -> rows in cxpulse.actions', async () => {
    const ws = `${engine.url.replace(/^http/, 'ws')}/v1/feed`;
    const sup = await connect(ws, { header: await token({ role: 'supervisor' }) });
    const agent = await connect(ws, { header: await token({ role: 'agent', sub: 'agent-7' }) });
    const ingest = await token({ role: 'ingest' });
    const now = Date.now();
    const customer = `cust-nba-${now}`;
    const meta = { customerSince: new Date(now - 900 * DAY).toISOString(), tz: 'Europe/Oslo', owner: 'anna', team: 'nordic', segment: 'smb' };
    const message = (id: string, daysAgo: number, text: string) => ({ id, channel: 'chat', conversationId: `${id}-conv`, customerId: customer, author: 'customer', agentId: 'agent-7', text, ts: now - daysAgo * DAY, meta });
    const happy = 'Thank you so much, everything works perfectly and your support is wonderful!';
    // A calm quarter, then four contacts in 30 days, each angrier, and a late payment: sent one by
    // one, each after the previous one was scored, so the tipping event is known.
    const steps: { id: string; send: () => Promise<void> }[] = [
      ...[85, 70, 55].map((d, i) => ({ id: `old-${i}`, send: () => post('/v1/events', message(`old-${i}`, d, happy), ingest) })),
      { id: 'm-1', send: () => post('/v1/events', message('m-1', 20, 'This is terrible, the service has been down all week and nobody helps me.'), ingest) },
      { id: 'm-2', send: () => post('/v1/events', message('m-2', 12, 'Still broken. I am extremely disappointed and angry with your awful support.'), ingest) },
      { id: 'crm:payment_late:inv-9', send: () => post('/v1/connectors/crm', { id: 'inv-9', type: 'payment_late', customerId: customer, ts: now - 8 * DAY, daysLate: 14, meta }, ingest) },
      { id: 'm-3', send: () => post('/v1/events', message('m-3', 6, 'Worst experience ever. I am furious, this is completely unacceptable.'), ingest) },
      { id: 'm-4', send: () => post('/v1/events', message('m-4', 0, 'Fourth time I write. This is useless and I am sick of your terrible service.'), ingest) },
    ];
    // When each action reached the supervisor's feed.
    const arrivedAt = new Map<string, number>();
    sup.ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; action?: ActionRecommendation };
      if (m.type === 'action' && m.action && !arrivedAt.has(m.action.actionId)) arrivedAt.set(m.action.actionId, Date.now());
    });
    const sentAt = new Map<string, number>();
    for (const s of steps) {
      sentAt.set(s.id, Date.now());
      await s.send();
      // A message is done when its score reached the feed; a CRM event has no feed message: give it a moment.
      if (s.id.startsWith('crm:')) await new Promise((r) => setTimeout(r, 500));
      else await waitUntil(() => sup.messages.some((m) => m.type === 'score' && m.event.id === s.id), 15_000, () => `score of ${s.id}`);
    }
    await waitUntil(() => actionsOf(sup).length > 0, 5000, () => `no action; feed types ${sup.messages.map((m) => m.type).join(',')}`);
    // One action: while it is open the customer gets no other (and none is critical here).
    // The late payment brings a price review (the personal call the angry contacts make eligible
    // later is not 0.1 stronger, so it does not replace it); the
    // live, angry last message brings the escalation (m-3 is days old, so not live).
    const states = () => actionsOf(sup).map((x) => `${x.action}:${x.status}:${x.triggerId}`);
    await waitUntil(() => actionsOf(sup).length >= 2, 5000, () => `actions ${JSON.stringify(states())}`);
    await new Promise((r) => setTimeout(r, 300));
    expect(states()).toEqual(['credit_or_price_review:open:crm:payment_late:inv-9', 'escalate_supervisor:open:m-4']);
    const [a, escalation] = actionsOf(sup);
    expect(escalation).toMatchObject({ critical: true, timing: 'now', chosenBy: 'critical', heldOut: false });
    for (const x of actionsOf(sup).filter((y) => y.status === 'open')) {
      const tippedAt = sentAt.get(x.triggerId);
      expect(tippedAt, `trigger ${x.triggerId} is one of the events sent`).toBeDefined();
      expect(arrivedAt.get(x.actionId)! - tippedAt!).toBeLessThan(1000);
    }
    const tippedAt = sentAt.get(a!.triggerId);
    // Acted on from when the engine learnt it, not from the (past) event time.
    expect(a!.dueMs).toBeGreaterThanOrEqual(tippedAt!);
    expect(a).toMatchObject({ customerId: pseudonymOf(KEY, customer), owner: 'anna', team: 'nordic', segment: 'smb', status: 'open', heldOut: false, tz: 'Europe/Oslo' });
    expect(a!.reason).toMatch(new RegExp(`^Review the price or offer a credit to ${pseudonymOf(KEY, customer)}: churn risk \\d+% after late payments`));
    expect(a!.evidence.length).toBeGreaterThan(1);
    expect(a!.timing === 'now' || inBusinessHours(a!.dueMs, 'Europe/Oslo', loadActionCatalog().timing.businessHours)).toBe(true);
    expect(actionsOf(agent)).toEqual([]);
    expect(agent.messages.some((m) => m.type === 'score')).toBe(true);

    // The worklist: supervisors only, ranked, filtered.
    const sv = await token({ role: 'supervisor', sub: 'lead-1' });
    const get = (q: string, bearer?: string) => fetch(`${engine.url}/v1/actions${q}`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
    const list = (await (await get('?owner=anna', sv)).json()) as { actions: ActionRecommendation[]; holdOutPercent: number; exploration: number };
    // Ranked: the critical escalation, due now, first.
    expect(list.actions.map((x) => x.actionId)).toEqual([escalation!.actionId, a!.actionId]);
    expect(list).toMatchObject({ holdOutPercent: 0, exploration: 0.1 });
    expect(((await (await get('?owner=bo', sv)).json()) as { actions: unknown[] }).actions).toEqual([]);
    expect((await get('', await token({ role: 'agent', sub: 'agent-7' }))).status).toBe(403);
    expect((await get('')).status).toBe(401);
    expect((await get('?dueBefore=soon', sv)).status).toBe(400);

    // The outcome comes back; a second one is refused.
    const outcome = (id: string, body: unknown) => fetch(`${engine.url}/v1/actions/${id}/outcome`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sv}` }, body: JSON.stringify(body) });
    const res = await outcome(a!.actionId, { outcome: 'done', by: 'anna', note: 'free advisory session booked' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ actionId: a!.actionId, status: 'done', outcome: 'done', outcomeBy: 'anna' });
    expect((await outcome(a!.actionId, { outcome: 'declined' })).status).toBe(409);
    expect((await outcome('act_unknown', { outcome: 'done' })).status).toBe(404);
    expect((await outcome(a!.actionId, { outcome: 'maybe' })).status).toBe(400);
    await waitUntil(() => actionsOf(sup).some((x) => x.status === 'done'), 5000, () => 'done state on the feed');
    const learnt = (await (await fetch(`${engine.url}/v1/actions/learning`, { headers: { authorization: `Bearer ${sv}` } })).json()) as { arms: unknown[] };
    expect(learnt.arms).toEqual([{ segment: 'smb', action: a!.action, successes: 1, failures: 0 }]);

    // Both states in ClickHouse; the latest is the outcome.
    const rows = async () => {
      const rs = await db.client.query({ query: `SELECT status, action, held_out, owner, outcome, reason FROM ${db.name}.actions FINAL WHERE action_id = '${a!.actionId}' ORDER BY state_ms`, format: 'JSONEachRow' });
      return rs.json<{ status: string; action: string; held_out: number; owner: string; outcome: string; reason: string }>();
    };
    await waitUntil(async () => (await rows()).length === 2, 10_000, () => 'two action rows');
    expect((await rows()).map((r) => [r.status, r.held_out, r.owner, r.outcome])).toEqual([['open', 0, 'anna', ''], ['done', 0, 'anna', 'done']]);
    const latest = await db.client.query({ query: `SELECT status FROM ${db.name}.actions_latest WHERE action_id = '${a!.actionId}'`, format: 'JSONEachRow' });
    expect(await latest.json()).toEqual([{ status: 'done' }]);
    sup.ws.close();
    agent.ws.close();

    // A restart reads the actions back: the open escalation is on the worklist again, the outcome
    // still counts for the bandit.
    await engine.stop();
    engine = await startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_DB: db.name, CXPULSE_DATA_DIR: dir, CXPULSE_JWT_SECRET: SECRET, CXPULSE_ACTIONS_HOLDOUT_PERCENT: '0', CXPULSE_CHURN_KV_BUCKET: 'it-actions', LOG_LEVEL: 'error' });
    const after = (await (await get('', sv)).json()) as { actions: ActionRecommendation[] };
    expect(after.actions.map((x) => x.actionId)).toEqual([escalation!.actionId]);
    const relearnt = (await (await fetch(`${engine.url}/v1/actions/learning`, { headers: { authorization: `Bearer ${sv}` } })).json()) as { arms: unknown[] };
    expect(relearnt.arms).toEqual([{ segment: 'smb', action: a!.action, successes: 1, failures: 0 }]);
  }, 90_000);
});
