import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { SignJWT } from 'jose';
import type { Engine } from '../../engine/runtime/index.ts';
import { redactPii } from '../../engine/privacy/index.ts';
import { takeEvents, type RawEvent } from '../../simulator/index.ts';
import { openFeed, startTestEngine } from '../helpers/engine.ts';
import { haveChromium, launch, LIVE_MS, openLive, pageErrors, SCREENSHOTS } from './chromium.ts';

// The wallboard and the agent panel in Debian's Chromium against a real engine (in-process bus,
// embedded file store), fed by the simulator over POST /v1/events. The pages must show live data
// within 2 s of an event; a screenshot of each page is kept as a CI artifact. Engine cues and alerts:
// cues.test.ts.

const SECRET = 'browser-test-secret-of-at-least-32-characters';

let engine: Engine;
let authEngine: Engine;
let dir: string;
let context: BrowserContext;

/** Posts as an `ingest` token: the secured engine takes events from nobody else (the open one ignores the header). */
async function post(base: string, events: RawEvent[]): Promise<void> {
  const ingest = await new SignJWT({ role: 'ingest', sub: 'browser-test' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
  const res = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest}` }, body: JSON.stringify(events) });
  expect(res.status, await res.clone().text()).toBe(202);
}

function open(path: string, base = engine.url): Promise<Page> {
  return openLive(context, `${base}${path}`);
}

describe.skipIf(!haveChromium)('wallboard and agent panel in Chromium', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cxpulse-browser-'));
    [engine, authEngine] = await Promise.all([
      startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: join(dir, 'open'), LOG_LEVEL: 'error' }),
      startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: join(dir, 'auth'), LOG_LEVEL: 'error', CXPULSE_JWT_SECRET: SECRET }),
    ]);
    context = await launch(join(dir, 'profile'));
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await context?.close();
    await Promise.all([engine?.stop(), authEngine?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the wallboard renders the snapshot at once, then simulated traffic live within 2 s: ranked conversations, channel bars, languages, counters', async () => {
    // Earlier traffic reaches the page in the snapshot, rendered at once on connect.
    const earlier = takeEvents(150, { seed: 501, eventsPerSec: 0.5 });
    const feed = await openFeed(engine.url);
    await post(engine.url, earlier);
    await feed.waitFor(earlier.length, 5000);
    feed.close();
    const page = await open('/wallboard');
    const earlierConversations = new Set(earlier.map((e) => e.conversationId));
    await page.waitForFunction((n) => document.querySelectorAll('#conversations li').length === n, Math.min(12, earlierConversations.size), { timeout: 1000 });
    // Churn and topic panels show only what the feed carried (alerts: cues.test.ts). Whether the
    // engine sends these heads depends on the loaded models, so the expectation follows the feed.
    const customers = feed.events.filter((e) => e.author === 'customer');
    const churned = new Set(customers.filter((e) => e.churn).map((e) => e.customerId));
    const topics = new Set(customers.flatMap((e) => (e.topic ? [e.topic.label] : [])));
    expect(await page.locator('#churn li').count()).toBe(Math.min(8, churned.size));
    expect(await page.locator('#churn-empty').isVisible()).toBe(churned.size === 0);
    expect(await page.locator('#topics li').count()).toBe(Math.min(8, topics.size));
    expect(await page.locator('#topics-empty').isVisible()).toBe(topics.size === 0);

    // The timed batch is small: what is measured is the path to the screen, not a bulk POST on a busy machine.
    const events = takeEvents(30, { seed: 505, eventsPerSec: 0.5 });
    const conversations = new Set(events.map((e) => e.conversationId));
    const t0 = Date.now();
    await post(engine.url, events);
    const accepted = Date.now() - t0;
    // Live: the channel volumes count events beyond the snapshot (a new conversation need not rank in the top 12).
    // (Functions, not strings: the page's CSP forbids eval, which is how strings would run.)
    const onBoard = (n: number) => [...document.querySelectorAll('.channel .total')].reduce((a, e) => a + Number(e.textContent), 0) > n;
    await page.waitForFunction(onBoard, earlier.length, { timeout: LIVE_MS });
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(LIVE_MS);

    // Let the last of the batch arrive before reading the totals.
    await page.waitForFunction(onBoard, earlier.length + events.length - 1, { timeout: 5000 });
    const rows = await page.locator('#conversations li').count();
    expect(rows).toBe(Math.min(12, conversations.size + earlierConversations.size));
    for (const id of await page.locator('#conversations .conv-id').allTextContents()) expect(conversations.has(id) || earlierConversations.has(id)).toBe(true);
    expect(await page.locator('#conversations li svg.spark').count()).toBe(rows);
    expect(await page.locator('#languages li').count()).toBeGreaterThan(0);
    expect(Number(await page.locator('#c-rate').textContent())).toBeGreaterThan(0);
    expect(await page.locator('#c-neg').textContent()).toMatch(/^\d+%$/);
    expect(Number(await page.locator('#c-active').textContent())).toBe(conversations.size + earlierConversations.size);

    // Ranked by risk, highest first.
    const risks = await page.locator('#conversations li').evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.risk)));
    // (every, not sort: conversations with no customer turn yet rank last with risk -Infinity.)
    expect(risks.every((r, i) => i === 0 || r <= risks[i - 1]!), risks.join(' ')).toBe(true);
    expect(pageErrors(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'wallboard.png') });
    console.log(`[browser tests] wallboard: live events on screen ${elapsed} ms after the POST (accepted after ${accepted} ms); ${rows} rows; screenshot ${join(SCREENSHOTS, 'wallboard.png')}`);
    await page.close();
  });

  it('the agent panel shows one conversation live within 2 s, with sentiment, trend and its cue area', async () => {
    const events = takeEvents(80, { seed: 502, eventsPerSec: 0.3 });
    // The conversation with the most turns in this batch, so the trend has something to say.
    const counts = new Map<string, number>();
    for (const e of events) counts.set(e.conversationId, (counts.get(e.conversationId) ?? 0) + 1);
    const [conversation, n] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    const page = await open(`/agent?conversation=${encodeURIComponent(conversation)}`);
    // The rest of the traffic first, untimed; then the conversation itself, timed to the screen.
    await post(engine.url, events.filter((e) => e.conversationId !== conversation));
    const t0 = Date.now();
    await post(engine.url, events.filter((e) => e.conversationId === conversation));
    await page.waitForFunction(() => document.querySelectorAll('#messages li').length > 0, undefined, { timeout: LIVE_MS });
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(LIVE_MS);
    await page.waitForFunction((k) => document.querySelectorAll('#messages li').length === k, n, { timeout: 5000 });

    const mine = events.filter((e) => e.conversationId === conversation);
    expect(await page.locator('#messages li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.id))).toEqual(mine.map((e) => e.id));
    // Text without anything redaction would touch (no e-mail, number, greeting or sign-off name) comes through word for word.
    const plain = mine.find((e) => redactPii(e.text).text === e.text);
    if (plain) expect(await page.locator('#messages .text').allTextContents()).toContain(plain.text);
    expect(await page.locator('#messages .badge.sent').count()).toBe(n);
    expect(await page.locator('#conv-title').textContent()).toBe(conversation);
    expect(await page.locator('#trend svg.spark').count()).toBe(1);
    // Cues come only from the engine now (cues.test.ts); this area lists them or says there are none.
    expect(await page.locator('.cues h2').textContent()).toContain('from the engine');
    expect(await page.locator('#cues li').count()).toBeGreaterThan(0);
    expect(pageErrors(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'agent.png') });
    console.log(`[browser tests] agent: first message ${elapsed} ms after the POST; ${n} messages; screenshot ${join(SCREENSHOTS, 'agent.png')}`);
    await page.close();
  });

  it("?agent= alone picks that agent's most recent conversation from the snapshot", async () => {
    const events = takeEvents(60, { seed: 503 });
    const feed = await openFeed(engine.url);
    await post(engine.url, events);
    // Scored and in the engine's snapshot before the page opens.
    await feed.waitFor(events.length, 5000);
    feed.close();
    const withAgent = events.filter((e) => e.agentId);
    const last = withAgent[withAgent.length - 1]!;
    const agent = last.agentId!;
    // Its newest conversation: the one holding the agent's latest event (receive order = post order).
    const assigned = new Map<string, string>();
    for (const e of events) if (e.agentId) assigned.set(e.conversationId, e.agentId);
    const expected = [...events].reverse().find((e) => assigned.get(e.conversationId) === agent)!.conversationId;
    const page = await open(`/agent?agent=${encodeURIComponent(agent)}`);
    await page.waitForFunction((id) => document.getElementById('conv-title')?.textContent === id, expected, { timeout: LIVE_MS });
    expect(await page.locator('#messages li').count()).toBe(events.filter((e) => e.conversationId === expected).length);
    await page.close();
  });

  it('counts an event the feed sends again once, showing the latest message for its id (a redelivery in live mode)', async () => {
    const board = await open('/wallboard');
    const conversation = 'resend-1';
    const agent = await open(`/agent?conversation=${conversation}`);
    const total = () => board.evaluate(() => [...document.querySelectorAll('.channel .total')].reduce((a, e) => a + Number(e.textContent), 0));
    await board.waitForFunction(() => document.querySelectorAll('.channel').length === 3, undefined, { timeout: LIVE_MS });
    const before = await total();
    const feed = await openFeed(engine.url);
    await post(engine.url, [{ id: 'resend-m1', channel: 'chat', conversationId: conversation, customerId: 'cust-r', author: 'customer', text: 'Okay, thanks for the update.', ts: new Date().toISOString() }]);
    await feed.waitFor(1, 5000);
    feed.close();
    const first = feed.events.find((e) => e.id === 'resend-m1')!;
    await board.waitForFunction((n) => [...document.querySelectorAll('.channel .total')].reduce((a, e) => a + Number(e.textContent), 0) === n, before + 1, { timeout: LIVE_MS });
    await agent.waitForFunction(() => document.querySelectorAll('#messages li').length === 1, undefined, { timeout: LIVE_MS });

    // The engine sends the same event again, scored differently (as a redelivery scored by a newly loaded model would
    // be); very negative, falling, critical and at churn risk, so that the conversation ranks among the board's rows.
    const again = {
      ...first,
      sentiment: { label: 'negative' as const, score: -0.99, confidence: 0.95 },
      urgency: { label: 'critical' as const, confidence: 0.9 },
      conversation: { turns: 1, recent: [-0.99], trend: -1 },
      churn: { probability: 0.99, band: 'high' as const, factors: [], modelVersion: 'test' },
    };
    engine.feed.broadcast([again]);
    await agent.waitForFunction(() => document.querySelector('#messages .badge.sent')?.textContent === 'negative −0.99', undefined, { timeout: LIVE_MS });
    await board.waitForFunction((id) => {
      const row = [...document.querySelectorAll('#conversations li')].find((li) => (li as HTMLElement).dataset.conversation === id);
      return row?.querySelector('.score')?.textContent === '−0.99';
    }, conversation, { timeout: LIVE_MS });
    expect(await agent.locator('#messages li').count()).toBe(1);
    expect(await total()).toBe(before + 1);
    for (const page of [agent, board]) expect(pageErrors(page)).toEqual([]);
    await Promise.all([agent.close(), board.close()]);
  });

  it('renders markup in event text and ids as text: no element is created and no handler runs', async () => {
    const evil = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> <b>bold</b>';
    const conversationId = 'xss-<img src=x onerror="window.__xss=3">';
    // On the secured engine, which has no other traffic yet, so this conversation is the board's only row.
    const token = await new SignJWT({ role: 'supervisor' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    const agent = await open(`/agent?conversation=${encodeURIComponent(conversationId)}&token=${token}`, authEngine.url);
    const board = await open(`/wallboard?token=${token}`, authEngine.url);
    const now = new Date().toISOString();
    await post(authEngine.url, [
      { id: 'xss-1', channel: 'chat', conversationId, customerId: 'cust-<i>x</i>', author: 'customer', text: evil, ts: now },
      { id: 'xss-2', channel: 'chat', conversationId, customerId: 'cust-<i>x</i>', author: 'agent', agentId: 'agent-<u>1</u>', text: `re: ${evil}`, ts: now },
    ]);
    await agent.waitForFunction(() => document.querySelectorAll('#messages li').length === 2, undefined, { timeout: LIVE_MS });
    expect(await agent.locator('#messages .text').allTextContents()).toEqual([evil, `re: ${evil}`]);
    await board.waitForFunction((id) => [...document.querySelectorAll('.conv-id')].some((e) => e.textContent === id), conversationId, { timeout: LIVE_MS });
    for (const page of [agent, board]) {
      expect(await page.evaluate(() => document.querySelectorAll('main img, main script, main b, main i, main u').length)).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(pageErrors(page)).toEqual([]);
    }
    await Promise.all([agent.close(), board.close()]);
  });

  it('passes ?token= through to the feed, and says so plainly when the token has expired', async () => {
    const key = new TextEncoder().encode(SECRET);
    const good = await new SignJWT({ role: 'supervisor' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key);
    const page = await open(`/wallboard?token=${encodeURIComponent(good)}`, authEngine.url);
    expect(await page.locator('#status').textContent()).toBe('live · supervisor');
    await post(authEngine.url, takeEvents(10, { seed: 504 }));
    await page.waitForFunction(() => document.querySelectorAll('#conversations li').length > 1, undefined, { timeout: LIVE_MS });
    await page.close();

    const expired = await new SignJWT({ role: 'supervisor' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key);
    const stale = await context.newPage();
    await stale.goto(`${authEngine.url}/wallboard?token=${encodeURIComponent(expired)}`);
    await stale.waitForSelector('#status[data-state="refused"]', { timeout: 5000 });
    expect(await stale.locator('#status').textContent()).toContain('token expired');
    await stale.close();

    // No token against a secured engine: refused at the upgrade, so the page keeps retrying with backoff.
    const none = await context.newPage();
    await none.goto(`${authEngine.url}/wallboard`);
    await none.waitForSelector('#status[data-state="offline"]', { timeout: 5000 });
    expect(await none.locator('#status').textContent()).toMatch(/cannot connect · retry in \d+ s/);
    await none.close();
  });

  it('serves only the listed assets, with a content security policy', async () => {
    const res = await fetch(`${engine.url}/wallboard`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect((await fetch(`${engine.url}/web/wallboard.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    for (const bad of ['/web/..%2Fpackage.json', '/web/nope.js', '/web/%2e%2e%2f%2e%2e%2fpackage.json']) expect((await fetch(`${engine.url}${bad}`)).status, bad).toBe(404);
  });
});
