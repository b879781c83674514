import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { Engine } from '../../engine/runtime/index.ts';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import type { ScoredEvent } from '../../engine/event/index.ts';
import { startTestEngine } from '../helpers/engine.ts';
import { connect, until, type TestClient } from '../feed/helpers.ts';
import { haveChromium, launch, LIVE_MS, openLive, pageErrors, SCREENSHOTS } from './chromium.ts';
import { ANGRY, CALM, customerEvent, OPENER, richEvent, XSS } from './fixtures.ts';

// Engine cues and alerts on the wallboard and the agent panel, in Chromium against a real engine
// on a private nats-server (JetStream) with the embedded store: events go in through POST
// /v1/events, the engine's ingest path. Fields and kinds the engine does not produce yet (topic,
// urgency, emotion, hidden signals, churn; suggested_reply and the new alert kinds) are injected
// through the running engine's own feed hub (`engine.feed`, the object the engine broadcasts with).
// The alert rules are the built-in ones with a 1-minute window over a 5-minute baseline, so a
// negative-share alert needs six messages a minute apart instead of an hour of traffic.

let nats: NatsServerHandle;
let engine: Engine;
let dir: string;
let context: BrowserContext;
let feed: TestClient;
/** Minute (engine receive time) of the calm baseline the alert test compares against. */
let baselineMinute = 0;

async function post(events: object[]): Promise<void> {
  const res = await fetch(`${engine.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
  expect(res.status, await res.clone().text()).toBe(202);
}

const open = (path: string): Promise<Page> => openLive(context, `${engine.url}${path}`);
const scores = () => feed.messages.flatMap((m) => (m.type === 'score' ? [m.event] : []));
const cueKinds = (conversationId: string) => feed.messages.flatMap((m) => (m.type === 'cue' && m.conversationId === conversationId ? [String(m.cue.kind)] : []));

describe.skipIf(!haveChromium)('engine cues and alerts in Chromium', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cxpulse-cues-browser-'));
    const rules = JSON.parse(await readFile(new URL('../../engine/cues/rules.default.json', import.meta.url), 'utf8')) as { alerts: Record<string, unknown> };
    rules.alerts = { ...rules.alerts, windowMinutes: 1, baselineMinutes: 5, minVolume: 6, minZ: 2, minLift: 0.15 };
    await writeFile(join(dir, 'cues.json'), JSON.stringify(rules));
    nats = await startNatsServer();
    engine = await startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, LOG_LEVEL: 'error', CXPULSE_CUES_FILE: join(dir, 'cues.json') });
    feed = await connect(`${engine.url.replace(/^http/, 'ws')}/v1/feed`);
    context = await launch(join(dir, 'profile'));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: engine.url });
    await mkdir(SCREENSHOTS, { recursive: true });
    // The alert test's baseline: calm e-mail now, the angry burst a minute later (last test).
    const calm = CALM.map((text, i) => customerEvent(`base-${i}`, 'email', `conv-base-${i}`, text));
    await post(calm);
    await until(() => calm.every((c) => scores().some((s) => s.id === c.id)), 30_000, () => `${scores().length} baseline scores`);
    const scored = scores().filter((s) => s.id.startsWith('base-'));
    expect(scored.filter((s) => s.sentiment.label === 'negative').map((s) => s.text)).toEqual([]);
    baselineMinute = Math.floor(Math.max(...scored.map((s) => s.receivedAtMs)) / 60_000);
  });
  afterAll(async () => {
    feed?.ws.close();
    await context?.close();
    await engine?.stop();
    await nats?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the engine cues of a scripted conversation on the agent panel within 2 s, newest first, with their evidence', async () => {
    const conv = 'conv-angry';
    const page = await open(`/agent?conversation=${conv}`);
    const events = [
      { id: 'a-0', channel: 'chat', conversationId: conv, customerId: 'cust-angry', author: 'agent', agentId: 'agent-3', text: 'Hi, how can I help you today?', lang: 'en', ts: new Date().toISOString() },
      ...[OPENER, ...ANGRY.slice(0, 3)].map((text, i) => customerEvent(`a-${i + 1}`, 'chat', conv, text, 'cust-angry')),
    ];
    const t0 = Date.now();
    await post(events);
    await page.waitForFunction(() => document.querySelectorAll('#cues li.engine').length > 0, undefined, { timeout: LIVE_MS });
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(LIVE_MS);

    await until(() => cueKinds(conv).includes('escalation_advised') && cueKinds(conv).includes('negative_spike'), 10_000, () => cueKinds(conv).join(','));
    const kinds = cueKinds(conv);
    await page.waitForFunction((n) => document.querySelectorAll('#cues li.engine').length === n, kinds.length, { timeout: LIVE_MS });
    // Newest first: the page lists them in the reverse of their arrival on the feed.
    expect(await page.locator('#cues li.engine').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.kind))).toEqual([...kinds].reverse());
    const spike = page.locator('#cues li.engine[data-kind="negative_spike"]');
    expect(await spike.locator('.cue-text').textContent()).toMatch(/^Strongly negative message \(score -(0\.9\d|1\.00)\)/);
    expect(await spike.locator('.kind').textContent()).toBe('negative spike');
    expect(await spike.getAttribute('class')).toContain('prio-high');
    const spikeCue = feed.messages.find((m) => m.type === 'cue' && m.cue.kind === 'negative_spike');
    const ids = ((spikeCue?.type === 'cue' ? spikeCue.cue.evidence : undefined) as { eventIds: string[] }).eventIds;
    expect(await spike.locator('.evidence .chip').evaluateAll((cs) => cs.map((c) => (c as HTMLElement).dataset.eventId))).toEqual(ids);
    // The evidence quotes the message it rests on.
    const quoted = events.find((e) => e.id === ids[0])!.text.slice(0, 20);
    expect(await spike.locator('.evidence .chip').first().textContent()).toContain(quoted);
    expect(await page.locator('.cues h2').textContent()).toContain('from the engine');
    expect(pageErrors(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'agent-cues.png') });
    // A reload is complete at once: the engine's snapshot carries the conversation's recent cues.
    await page.reload();
    await page.waitForFunction((n) => document.querySelectorAll('#cues li.engine').length === n, kinds.length, { timeout: LIVE_MS });
    expect(await page.locator('#cues li.engine').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.kind))).toEqual([...kinds].reverse());
    console.log(`[browser tests] agent: first engine cue on screen ${elapsed} ms after the POST; kinds ${kinds.join(', ')}`);
    await page.close();
  });

  it('renders topic, urgency, emotion, polite irritation and churn on both pages, and new cue and alert kinds generically', async () => {
    const conv = 'conv-rich';
    const agent = await open(`/agent?conversation=${conv}`);
    const board = await open('/wallboard');
    const requests: string[] = [];
    agent.on('request', (r) => requests.push(r.url()));
    // Events posted by the earlier tests carry the engine's own topic and churn risk: count on top of them.
    const billingBefore = Number((await board.locator('#topics li[data-label="billing"] .total').allTextContents())[0] ?? 0);
    const rich = richEvent('rich-1', conv);
    const calm: ScoredEvent = { ...richEvent('calm-1', 'conv-calm'), customerId: 'cust-calm', sentiment: { label: 'positive', score: 0.8, confidence: 0.9 }, conversation: { turns: 1, recent: [0.8], trend: 0 }, urgency: { label: 'low', confidence: 0.8 }, signals: { politeNegative: false }, churn: { probability: 0.12, band: 'low', factors: [{ feature: 'tenure', text: 'long tenure', contribution: -0.3 }], modelVersion: 'churn-test' } };
    engine.feed.broadcast([rich, calm]);
    engine.feed.broadcastCue(conv, 'agent-9', { kind: 'polite_irritation', conversationId: conv, priority: 'medium', text: { customer: 'Polite wording, negative content.', agent: 'Polite wording, negative content.', customerLang: 'en', agentLang: 'en' }, evidence: { eventIds: ['rich-1'], scores: [-0.35] }, tsMs: Date.now() });
    const reply = 'I am sorry about the double charge. I have refunded it; you will see it within 3 days.';
    engine.feed.broadcastCue(conv, 'agent-9', { kind: 'suggested_reply', conversationId: conv, priority: 'low', text: { customer: 'Suggested reply', agent: 'Suggested reply', customerLang: 'en', agentLang: 'en' }, evidence: { eventIds: ['rich-1'], scores: [-0.35] }, reply: { text: reply, lang: 'en', formality: 'formal', topic: 'billing', templateId: 'billing-refund-1' }, tsMs: Date.now() });
    engine.feed.broadcastAlert({ alertId: 'wait-1', kind: 'waiting_too_long', status: 'open', channel: 'chat', priority: 'critical', text: 'chat: cust-rich has waited 6 min for an answer', openedAtMs: Date.now(), tsMs: Date.now() });

    // Agent panel: badges and chips on the message, new cue kinds by name, the reply with its copy button.
    await agent.waitForFunction(() => document.querySelectorAll('#cues li.engine').length === 2, undefined, { timeout: LIVE_MS });
    const msg = agent.locator('#messages li[data-id="rich-1"]');
    expect(await msg.locator('.badge.urgency').textContent()).toBe('urgency critical');
    expect(await msg.locator('.badge.polite').textContent()).toBe('polite irritation');
    expect(await msg.locator('.signal').textContent()).toBe(rich.signals?.evidence);
    expect(await msg.locator('.chip').allTextContents()).toEqual(['topic: billing', 'anger · strong', 'frustration']);
    expect(await agent.locator('#cues li.engine .kind').allTextContents()).toEqual(['suggested reply', 'polite irritation']);
    const suggested = agent.locator('#cues li.engine[data-kind="suggested_reply"]');
    expect(await suggested.locator('.reply-text').textContent()).toBe(reply);
    const before = requests.length;
    await suggested.locator('button.copy').click();
    await agent.waitForFunction(() => document.querySelector('#cues li[data-kind="suggested_reply"] button.copy')?.textContent === 'copied', undefined, { timeout: LIVE_MS });
    expect(await agent.evaluate(() => navigator.clipboard.readText())).toBe(reply);
    // Copy never sends: no request left the page, and the conversation did not gain a message.
    expect(requests.slice(before)).toEqual([]);
    expect(await agent.locator('#messages li').count()).toBe(1);

    // Wallboard: churn (highest first, top reason), topics, the risk row's badges, the alert.
    await board.waitForFunction(() => ['cust-rich', 'cust-calm'].every((c) => document.querySelector(`#churn li[data-customer="${c}"]`)), undefined, { timeout: LIVE_MS });
    const churnOrder = await board.locator('#churn li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.customer));
    expect(churnOrder.indexOf('cust-rich')).toBeLessThan(churnOrder.indexOf('cust-calm'));
    const richChurn = board.locator('#churn li[data-customer="cust-rich"]');
    expect(await richChurn.locator('.churn-p').textContent()).toBe('87%');
    expect(await richChurn.locator('.reason').textContent()).toBe('month-to-month contract');
    expect(await board.locator('#topics li[data-label="billing"] .total').textContent()).toBe(String(billingBefore + 2));
    const row = board.locator(`#conversations li[data-conversation="${conv}"]`);
    expect(await row.locator('.signals .badge').allTextContents()).toEqual(['critical', 'polite irritation', 'billing', 'churn 87%']);
    // Urgency and churn raise the risk above what the sentiment alone gives (-(0.6*-0.35 + 0.4*-0.35) = 0.35).
    expect(Number(await row.getAttribute('data-risk'))).toBeCloseTo(0.35 + 0.6 + 0.8 * 0.87, 3);
    const alert = board.locator('#alerts li[data-alert-id="wait-1"]');
    expect(await alert.locator('.badge.kind').textContent()).toBe('waiting too long');
    expect(await alert.locator('.alert-text').textContent()).toBe('chat: cust-rich has waited 6 min for an answer');
    expect(await board.locator('#alerts-open').textContent()).toBe('1');
    for (const p of [agent, board]) expect(pageErrors(p)).toEqual([]);
    await board.screenshot({ path: join(SCREENSHOTS, 'wallboard-cues.png') });
    await agent.screenshot({ path: join(SCREENSHOTS, 'agent-reply.png') });
    await Promise.all([agent.close(), board.close()]);
  });

  it('keeps one row per alertId: updated in place, faded when resolved', async () => {
    const board = await open('/wallboard');
    const base = { alertId: 'lat-1', kind: 'latency_spike', channel: 'call', openedAtMs: Date.now() };
    engine.feed.broadcastAlert({ ...base, status: 'open', text: 'call: p95 latency 1.4 s', tsMs: Date.now() });
    const row = board.locator('#alerts li[data-alert-id="lat-1"]');
    await row.waitFor({ timeout: LIVE_MS });
    await row.evaluate((li) => ((li as HTMLElement & { mark?: number }).mark = 1));
    engine.feed.broadcastAlert({ ...base, status: 'update', text: 'call: p95 latency 2.1 s', tsMs: Date.now() });
    await board.waitForFunction(() => document.querySelector('#alerts li[data-alert-id="lat-1"] .alert-text')?.textContent === 'call: p95 latency 2.1 s', undefined, { timeout: LIVE_MS });
    expect(await board.locator('#alerts li[data-alert-id="lat-1"]').count()).toBe(1);
    // The same element, so the row did not jump or flash.
    expect(await row.evaluate((li) => (li as HTMLElement & { mark?: number }).mark)).toBe(1);
    // A wallboard opened now gets the open alert, in its latest state, from the snapshot.
    const late = await open('/wallboard');
    await late.waitForFunction(() => document.querySelector('#alerts li[data-alert-id="lat-1"] .alert-text')?.textContent === 'call: p95 latency 2.1 s', undefined, { timeout: LIVE_MS });
    engine.feed.broadcastAlert({ ...base, status: 'resolved', text: 'call: p95 latency back to 0.3 s', tsMs: Date.now() });
    await board.waitForFunction(() => document.querySelector('#alerts li[data-alert-id="lat-1"]')?.classList.contains('resolved'), undefined, { timeout: LIVE_MS });
    expect(await row.getAttribute('data-status')).toBe('resolved');
    // It fades (a 1.5 s CSS transition from 1, so the first frame after the class change can still read 1).
    await board.waitForFunction(() => Number(getComputedStyle(document.querySelector('#alerts li[data-alert-id="lat-1"]')!).opacity) < 1, undefined, { timeout: LIVE_MS });
    // A resolved alert no longer counts as open.
    expect(await board.locator('#alerts li:not(.resolved)[data-alert-id="lat-1"]').count()).toBe(0);
    expect(pageErrors(board)).toEqual([]);
    await Promise.all([board.close(), late.close()]);
  });

  it('renders markup in cue, reply and alert text as text', async () => {
    const conv = 'conv-xss';
    const agent = await open(`/agent?conversation=${conv}`);
    const board = await open('/wallboard');
    engine.feed.broadcast([richEvent('xss-e1', conv)]);
    engine.feed.broadcastCue(conv, undefined, { kind: XSS, conversationId: conv, priority: XSS, text: { customer: XSS, agent: XSS, customerLang: 'en', agentLang: 'en' }, evidence: { eventIds: [XSS], scores: [-0.5] }, reply: { text: XSS }, tsMs: Date.now() });
    engine.feed.broadcastAlert({ alertId: XSS, kind: XSS, status: 'open', channel: XSS, text: XSS, tsMs: Date.now() });
    await agent.waitForFunction(() => document.querySelectorAll('#cues li.engine').length === 1, undefined, { timeout: LIVE_MS });
    expect(await agent.locator('#cues .cue-text').textContent()).toBe(XSS);
    expect(await agent.locator('#cues .reply-text').textContent()).toBe(XSS);
    // The snapshot already lists alerts left open by earlier tests: wait for this one, not any row.
    await board.waitForFunction((x) => [...document.querySelectorAll('#alerts .alert-text')].some((el) => el.textContent === x), XSS, { timeout: LIVE_MS });
    expect(await board.locator('#alerts .alert-text').allTextContents()).toContain(XSS);
    for (const page of [agent, board]) {
      expect(await page.evaluate(() => document.querySelectorAll('main img, main script, main b').length)).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(pageErrors(page)).toEqual([]);
    }
    await Promise.all([agent.close(), board.close()]);
  });

  it('skips malformed cues, alerts and heads without a script error, and keeps rendering what follows', async () => {
    const conv = 'conv-odd';
    const agent = await open(`/agent?conversation=${conv}`);
    const board = await open('/wallboard');
    const odd = { ...richEvent('odd-1', conv), customerId: 'cust-odd' } as unknown as Record<string, unknown>;
    Object.assign(odd, { topic: { label: 7 }, urgency: 'high', emotion: { labels: 'anger' }, signals: null, churn: { probability: 'x', factors: 'none' } });
    engine.feed.broadcast([odd as unknown as ScoredEvent]);
    for (const cue of [{}, { kind: 3 }, { kind: 'odd', text: null, evidence: { eventIds: 'a', scores: null }, reply: { text: 5 }, priority: {} }]) engine.feed.broadcastCue(conv, undefined, cue);
    for (const alert of [{}, { kind: null }, { kind: 'odd_alert', status: 'resolved' }, { kind: 'odd_alert', text: { no: 1 }, tsMs: 'soon' }]) engine.feed.broadcastAlert(alert);
    // A well-formed cue and alert after the odd ones still show.
    engine.feed.broadcastCue(conv, undefined, { kind: 'urgency_high', conversationId: conv, priority: 'high', text: { customer: 'Urgent.', agent: 'Urgent.', customerLang: 'en', agentLang: 'en' }, evidence: { eventIds: ['odd-1'], scores: [-0.35] }, tsMs: Date.now() });
    engine.feed.broadcastAlert({ alertId: 'dlq-1', kind: 'dlq_spike', status: 'open', text: '12 invalid events in 5 min', tsMs: Date.now() });
    await agent.waitForFunction(() => document.querySelector('#cues li.engine[data-kind="urgency_high"]') !== null, undefined, { timeout: LIVE_MS });
    // The kind-only cue shows as its kind in words; the two without a string kind are dropped.
    expect(await agent.locator('#cues li.engine').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.kind))).toEqual(['urgency_high', 'odd']);
    expect(await agent.locator('#cues li.engine[data-kind="odd"] .cue-text').textContent()).toBe('odd');
    expect(await agent.locator('#messages li[data-id="odd-1"] .chip').count()).toBe(0);
    await board.waitForFunction(() => document.querySelector('#alerts li[data-alert-id="dlq-1"]') !== null, undefined, { timeout: LIVE_MS });
    expect(await board.locator('#alerts li[data-kind="odd_alert"] .alert-text').allTextContents()).toEqual(['odd alert']);
    expect(await board.locator('#churn li[data-customer="cust-odd"]').count()).toBe(0);
    for (const page of [agent, board]) expect(pageErrors(page)).toEqual([]);
    await Promise.all([agent.close(), board.close()]);
  });

  it('shows a real negative-share alert from the engine on the wallboard within 2 s', async () => {
    // The burst must land in a later minute than the baseline, and not in the last seconds of one.
    await until(() => Math.floor(Date.now() / 60_000) > baselineMinute && Date.now() % 60_000 < 45_000, 75_000, () => 'waiting for the next minute');
    const board = await open('/wallboard');
    const burst = ANGRY.map((text, i) => customerEvent(`burst-${i}`, 'email', `conv-burst-${i}`, text));
    const t0 = Date.now();
    await post(burst);
    const row = board.locator('#alerts li[data-kind="negative_share"]');
    await row.waitFor({ timeout: LIVE_MS });
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(LIVE_MS);
    const alert = feed.messages.find((m) => m.type === 'alert' && m.alert.kind === 'negative_share');
    expect(alert?.type === 'alert' && alert.alert.channel).toBe('email');
    expect(await row.getAttribute('data-status')).toBe('open');
    expect(await row.locator('.alert-text').textContent()).toMatch(/^email: \d+% of customer messages negative in the last 1 min/);
    expect(pageErrors(board)).toEqual([]);
    console.log(`[browser tests] wallboard: negative-share alert on screen ${elapsed} ms after the POST`);
    await board.close();
  }, 120_000);
});
