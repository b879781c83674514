import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { Engine } from '../../engine/runtime/index.ts';
import type { ActionRecommendation } from '../../engine/event/index.ts';
import { startTestEngine, waitUntil } from '../helpers/engine.ts';
import { SECRET, token } from '../feed/helpers.ts';
import { haveChromium, launch, LIVE_MS, openLive, pageErrors, SCREENSHOTS } from './chromium.ts';

// The wallboard's "Next best actions" panel in Chromium against a real engine (in-process bus,
// embedded store, a feed secret): the worklist as it stands on load (GET /v1/actions with the
// page's token), new actions live from the feed, closed ones leaving; customer ids shown as text.

const DAY = 86_400_000;
let engine: Engine;
let dir: string;
let context: BrowserContext;

/** Three angry e-mails in 30 days, a usage drop and a late payment: enough for an action. */
async function troubled(customer: string): Promise<void> {
  const ingest = await token({ role: 'ingest' });
  const now = Date.now();
  const meta = { customerSince: new Date(now - 700 * DAY).toISOString(), owner: 'anna' };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${engine.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest}` }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(202);
  };
  for (const [i, d] of [25, 14, 3].entries()) {
    await post('/v1/events', { id: `${customer}-${i}`, channel: 'email', conversationId: `${customer}-c${i}`, customerId: customer, author: 'customer', text: 'This is awful. I am angry and disappointed, nothing works and nobody answers.', ts: now - d * DAY, meta });
  }
  await post('/v1/connectors/crm', { id: `${customer}-u`, type: 'usage_drop', customerId: customer, ts: now - DAY, dropPct: 60, meta });
  await post('/v1/connectors/crm', { id: `${customer}-l`, type: 'payment_late', customerId: customer, ts: now, daysLate: 20, meta });
}

async function openActions(sv: string): Promise<ActionRecommendation[]> {
  const res = await fetch(`${engine.url}/v1/actions`, { headers: { authorization: `Bearer ${sv}` } });
  return ((await res.json()) as { actions: ActionRecommendation[] }).actions;
}

/** The worklist once it holds `n` actions and stays the same for a moment (a later event may supersede one). */
async function settled(sv: string, n: number): Promise<ActionRecommendation[]> {
  let list: ActionRecommendation[] = [];
  await waitUntil(async () => {
    const before = (list = await openActions(sv)).map((a) => a.actionId).join();
    await new Promise((r) => setTimeout(r, 700));
    return list.length === n && (list = await openActions(sv)).map((a) => a.actionId).join() === before;
  }, 15_000, () => `a settled worklist of ${n}`);
  return list;
}

describe.skipIf(!haveChromium)('next best actions on the wallboard in Chromium', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cxpulse-browser-actions-'));
    engine = await startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_JWT_SECRET: SECRET, CXPULSE_ACTIONS_HOLDOUT_PERCENT: '0', LOG_LEVEL: 'error',
      // The raw ids reach the page, markup included, so the test sees that they are rendered as text.
      CXPULSE_PSEUDONYMIZE: 'off' });
    context = await launch(join(dir, 'profile'));
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await context?.close();
    await engine?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the worklist on load, a new action live within 2 s, drops a closed one, and never renders ids as markup', async () => {
    const sv = await token({ role: 'supervisor' }, { expiresIn: '10m' });
    await troubled('cust-<b>early</b>');
    await settled(sv, 1);
    const page = await openLive(context, `${engine.url}/wallboard?token=${encodeURIComponent(sv)}`);
    await page.waitForFunction(() => document.querySelectorAll('#actions li').length === 1, undefined, { timeout: LIVE_MS });
    const first = page.locator('#actions li').first();
    expect(await first.locator('.conv-id').textContent()).toBe('cust-<b>early</b>');
    expect(await page.locator('#actions b').count()).toBe(0);
    expect(await first.locator('.reason').textContent()).toMatch(/cust-<b>early<\/b>/);
    expect(await page.locator('#actions-empty').isHidden()).toBe(true);

    await troubled('cust-live'); // returns once the tipping late payment was accepted
    await page.waitForFunction(() => document.querySelectorAll('#actions li').length === 2, undefined, { timeout: LIVE_MS });
    const live = (await settled(sv, 2)).find((a) => a.customerId === 'cust-live');
    expect(live).toBeDefined();
    expect(await page.locator(`#actions li[data-action-id="${live!.actionId}"] .badge.kind`).textContent()).toBe(live!.action.replace(/_/g, ' '));
    await page.screenshot({ path: join(SCREENSHOTS, 'wallboard-actions.png') });

    const res = await fetch(`${engine.url}/v1/actions/${live!.actionId}/outcome`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sv}` }, body: JSON.stringify({ outcome: 'done' }) });
    expect(res.status).toBe(200);
    await page.waitForFunction(() => document.querySelectorAll('#actions li').length === 1, undefined, { timeout: LIVE_MS });
    expect(pageErrors(page)).toEqual([]);
  });
});
