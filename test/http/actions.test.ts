/**
 * The /v1/actions routes on a real engine (in-process bus, file store, the shipped churn model):
 * supervisor and admin only when a secret is set, refusals in the catalog's words, and an action
 * made by a CRM event through the whole engine can be listed and closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../engine/runtime/index.ts';
import type { ActionRecommendation } from '../../engine/event/index.ts';
import { startTestEngine, waitUntil } from '../helpers/engine.ts';
import { pseudonymOf } from '../../engine/privacy/index.ts';

const KEY = 'http-actions-pseudonym-key-0123456789abcdef';
import { SECRET, token } from '../feed/helpers.ts';

const DAY = 86_400_000;
let engine: Engine;
let dir: string;
let sv: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-actions-http-'));
  engine = await startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_PSEUDONYM_KEY: KEY, CXPULSE_JWT_SECRET: SECRET, CXPULSE_ACTIONS_HOLDOUT_PERCENT: '0', LOG_LEVEL: 'error' });
  sv = await token({ role: 'supervisor' });
});
afterAll(async () => {
  await engine?.stop();
  await rm(dir, { recursive: true, force: true });
});

const call = (method: string, url: string, bearer?: string, body?: unknown) =>
  engine.app.inject({ method: method as 'GET', url, headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });

describe('/v1/actions', () => {
  it('is for supervisors and admins only', async () => {
    expect((await call('GET', '/v1/actions')).json()).toMatchObject({ error: { code: 'CX_ERR_UNAUTHORIZED' } });
    const agent = await call('GET', '/v1/actions', await token({ role: 'agent', sub: 'a-1' }));
    expect(agent.statusCode).toBe(403);
    expect(agent.json()).toEqual({ error: { code: 'CX_ERR_FORBIDDEN', message: "role 'agent' may not use GET /v1/actions; it needs supervisor or admin" } });
    expect((await call('POST', '/v1/actions/x/outcome', await token({ role: 'ingest' }), { outcome: 'done' })).statusCode).toBe(403);
    expect((await call('GET', '/v1/actions/learning', await token({ role: 'admin' }))).statusCode).toBe(200);
    expect((await call('GET', `/v1/actions?token=${sv}`)).statusCode).toBe(200);
  });

  it('refuses bad input in the catalog\'s words', async () => {
    expect((await call('GET', '/v1/actions?status=pending', sv)).json()).toMatchObject({ error: { code: 'CX_ERR_INVALID_VALUE', field: 'status' } });
    expect((await call('GET', '/v1/actions?limit=0', sv)).json()).toMatchObject({ error: { code: 'CX_ERR_INVALID_VALUE', field: 'limit' } });
    expect((await call('GET', '/v1/actions?dueBefore=tomorrow', sv)).json()).toMatchObject({ error: { code: 'CX_ERR_INVALID_VALUE', field: 'dueBefore' } });
    expect((await call('POST', '/v1/actions/x/outcome', sv, {})).json()).toMatchObject({ error: { code: 'CX_ERR_MISSING_FIELD', field: 'outcome' } });
    expect((await call('POST', '/v1/actions/x/outcome', sv, { outcome: 'won' })).json()).toMatchObject({ error: { code: 'CX_ERR_INVALID_VALUE', field: 'outcome', message: "field 'outcome' must be done, declined or no_answer, got \"won\"" } });
    const missing = await call('POST', '/v1/actions/act_none/outcome', sv, { outcome: 'done' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'CX_ERR_NOT_FOUND' } });
  });

  it('lists an action the engine made from a CRM event and closes it, with the states in the file store', async () => {
    const ingest = await token({ role: 'ingest' });
    const now = Date.now();
    const meta = { customerSince: new Date(now - 700 * DAY).toISOString(), owner: 'bo' };
    const msg = (id: string, daysAgo: number) => ({ id, channel: 'email', conversationId: `${id}-c`, customerId: 'cust-h', author: 'customer', text: 'This is awful. I am angry and disappointed, nothing works and nobody answers.', ts: now - daysAgo * DAY, meta });
    for (const [i, d] of [25, 14, 3].entries()) expect((await call('POST', '/v1/events', ingest, msg(`h-${i}`, d))).statusCode).toBe(202);
    // The history first, as it happened: CRM events take a shorter path than scored messages, so on a busy machine
    // they could overtake them, and an action is judged on the customer's state at its trigger.
    await waitUntil(async () => (await readFile(join(dir, 'store', 'scored_events.jsonl'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length >= 3, 10_000, () => 'the three messages stored');
    expect((await call('POST', '/v1/connectors/crm', ingest, { id: 'u-1', type: 'usage_drop', customerId: 'cust-h', ts: now - DAY, dropPct: 60, meta })).statusCode).toBe(202);
    expect((await call('POST', '/v1/connectors/crm', ingest, { id: 'l-1', type: 'payment_late', customerId: 'cust-h', ts: now, daysLate: 20, meta })).statusCode).toBe(202);
    // Until the worklist is settled: a later event of the history may supersede the first action.
    const open = async () => ((await call('GET', '/v1/actions?owner=bo', sv)).json() as { actions: ActionRecommendation[] }).actions;
    let list: ActionRecommendation[] = [];
    await waitUntil(async () => {
      const before = (list = await open()).map((a) => a.actionId).join();
      await new Promise((r) => setTimeout(r, 700));
      return list.length > 0 && (list = await open()).map((a) => a.actionId).join() === before;
    }, 20_000, () => `a settled action for bo (last list: ${JSON.stringify(list.map((a) => [a.action, a.status]))})`);
    const [a] = list;
    expect(a).toMatchObject({ customerId: pseudonymOf(KEY, 'cust-h'), owner: 'bo', status: 'open', explanationLang: 'en' });
    // The worklist keeps pseudonyms; a filter by the id the source sent, or by the pseudonym, finds the action.
    for (const id of ['cust-h', pseudonymOf(KEY, 'cust-h')]) {
      const byCustomer = ((await call('GET', `/v1/actions?customerId=${encodeURIComponent(id)}`, sv)).json() as { actions: ActionRecommendation[] }).actions;
      expect(byCustomer.map((x) => x.actionId)).toContain(a!.actionId);
    }
    const done = await call('POST', `/v1/actions/${a!.actionId}/outcome`, sv, { outcome: 'no_answer' });
    expect(done.json()).toMatchObject({ status: 'no_answer', outcome: 'no_answer' });
    const again = await call('POST', `/v1/actions/${a!.actionId}/outcome`, sv, { outcome: 'done' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: { code: 'CX_ERR_ACTION_CLOSED', message: `action ${a!.actionId} is already no_answer` } });
    expect(((await call('GET', '/v1/actions?status=no_answer', sv)).json() as { actions: unknown[] }).actions).toHaveLength(1);
    await waitUntil(async () => (await readFile(join(dir, 'store', 'actions.jsonl'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length >= 2, 5000, () => 'two lines in actions.jsonl');
  });
});
