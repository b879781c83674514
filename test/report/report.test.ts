/**
 * Reports against a real ClickHouse (CI: 18.16) with the engine's own schema: every SQL the
 * reports send runs and returns rows, the figures match the fixture, and the weekly warning
 * fires on the constructed spike and not on the flat segments.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import type { ScoredEvent } from '../../engine/event/types.ts';
import type { ClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import { buildDailyReport, buildWeeklyReport, dailySql, weeklySql, writeReport } from '../../engine/report/index.ts';
import { runReport } from '../../cli/report.ts';
import { registerReports } from '../../engine/http/reports.ts';
import { answerError } from '../../engine/http/errors.ts';
import Fastify from 'fastify';
import { kpiFixture, PER_DAY, REPORT_DATE, reportEvents } from './fixtures.ts';

const CH_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DB = `cxpulse_report_test_${Date.now()}_${process.pid}`;
let store: ClickHouseStore;
/** Copies as the pipeline hands over JetStream redeliveries (delivery count above 1): the store looks them up. */
const redelivery = (evs: readonly ScoredEvent[]): ScoredEvent[] => evs.map((e) => Object.assign({ ...e }, { redelivered: true }));

beforeAll(async () => {
  store = await createClickHouseStore({ url: CH_URL, database: DB });
  await store.init();
  const events = reportEvents();
  await store.write(events);
  // A redelivery of part of the traffic: the views must count each event once.
  await store.write(redelivery(events.slice(0, 500)));
  // Actions and cancellations (no scored events: the sentiment figures stay as they are).
  const { business, actions } = kpiFixture();
  await store.writeBusinessEvents(business);
  await store.writeActions(actions);
});

afterAll(async () => {
  await store?.client.command({ query: `DROP DATABASE IF EXISTS ${DB}` });
  await store?.close();
});

describe('report SQL on the real schema', () => {
  it.each([
    ...dailySql('DBNAME', REPORT_DATE).map((_, i) => ['daily', i] as const),
    ...weeklySql('DBNAME', REPORT_DATE).map((_, i) => ['weekly', i] as const),
  ])('%s query %i runs and returns rows', async (kind, i) => {
    const sql = (kind === 'daily' ? dailySql(DB, REPORT_DATE) : weeklySql(DB, REPORT_DATE))[i] as string;
    const res = await store.client.query({ query: sql, format: 'JSONEachRow' });
    const rows = await res.json<Record<string, unknown>>();
    expect(rows.length, sql).toBeGreaterThan(0);
  });

  it('refuses identifiers that are not plain names', () => {
    expect(() => dailySql('x; DROP DATABASE y', REPORT_DATE)).toThrow(/invalid ClickHouse database name/);
    expect(() => dailySql(DB, '2026-02-30')).toThrow(/no such date/);
  });
});

describe('daily report', () => {
  it('counts customer messages once, by channel and language', async () => {
    const r = await buildDailyReport(store.client, DB, REPORT_DATE);
    expect(r.totals.messages).toBe(3 * PER_DAY);
    expect(r.byChannel.map((c) => [c.segment, c.messages, c.negatives])).toEqual([
      ['call', PER_DAY, 2],
      ['chat', PER_DAY, 8],
      ['email', PER_DAY, 2],
    ]);
    expect(r.byLanguage.find((l) => l.segment === 'de')?.negativeShare).toBeCloseTo(0.4);
    expect(r.hourly).toHaveLength(24);
    expect(r.hourly.reduce((s, h) => s + h.messages, 0)).toBe(3 * PER_DAY);
    // The worst conversations are chat's (four negative in twenty).
    expect(r.negativeConversations.length).toBeGreaterThan(0);
    expect(r.negativeConversations[0]?.channel).toBe('chat');
    expect(r.movers.length).toBe(3);
    expect(r.markdown).toContain(`# cxpulse daily sentiment report: ${REPORT_DATE}`);
    expect(r.markdown).toContain('| chat | 20 | 8 | 12 | 40.0% |');
    expect(r.html).toContain('<svg');
    expect(r.html).not.toContain('<script');
  });

  it('is empty but well-formed for a day without traffic', async () => {
    const r = await buildDailyReport(store.client, DB, '2020-01-01');
    expect(r.totals.messages).toBe(0);
    expect(r.markdown).toContain('No customer messages on 2020-01-01');
  });
});

describe('weekly trend warnings', () => {
  it('fires on the chat spike and not on the flat channels', async () => {
    const r = await buildWeeklyReport(store.client, DB, REPORT_DATE);
    expect(r.warnings.map((w) => `${w.dimension}:${w.segment}`).sort()).toEqual(['channel:chat', 'lang:de']);
    const chat = r.segments.find((s) => s.dimension === 'channel' && s.segment === 'chat');
    expect(chat).toMatchObject({ messages: 7 * PER_DAY, negatives: 7 * 8, baselineMessages: 28 * PER_DAY, baselineNegatives: 28 * 2 });
    expect(chat?.z).toBeGreaterThan(3);
    const email = r.segments.find((s) => s.dimension === 'channel' && s.segment === 'email');
    expect(email?.warn).toBe(false);
    expect(email?.z).toBeCloseTo(0);
    expect(r.daily).toHaveLength(7);
    expect(r.markdown).toContain('channel chat: negative share 40.0% this week vs 10.0% baseline');
  });

  it('stays quiet when the week is like the four before it', async () => {
    // The week ending a week earlier: every channel at 10% all along.
    const r = await buildWeeklyReport(store.client, DB, '2026-11-13');
    expect(r.warnings).toEqual([]);
    expect(r.markdown).toContain('No trend warnings.');
  });

  it('writes Markdown, HTML and the SVG charts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxpulse-report-'));
    try {
      const r = await buildWeeklyReport(store.client, DB, REPORT_DATE);
      await writeReport(dir, r);
      const names = (await readdir(dir)).sort();
      expect(names).toEqual([`weekly-${REPORT_DATE}-daily.svg`, `weekly-${REPORT_DATE}-segments.svg`, `weekly-${REPORT_DATE}.html`, `weekly-${REPORT_DATE}.md`]);
      expect(await readFile(join(dir, `weekly-${REPORT_DATE}-daily.svg`), 'utf8')).toMatch(/^<svg xmlns/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('service KPIs and next best actions in the reports', () => {
  const DB2 = `${DB}_kpi`;
  let kpiStore: ClickHouseStore;
  beforeAll(async () => {
    kpiStore = await createClickHouseStore({ url: CH_URL, database: DB2 });
    await kpiStore.init();
    const f = kpiFixture();
    await kpiStore.write(f.events);
    await kpiStore.writeBusinessEvents(f.business);
    await kpiStore.writeActions(f.actions);
    await kpiStore.writeActions(f.actions.slice(0, 3)); // a retry: counted once
  });
  afterAll(async () => {
    await kpiStore?.client.command({ query: `DROP DATABASE IF EXISTS ${DB2}` });
    await kpiStore?.close();
  });

  it('daily: first-contact resolution, escalations, handling time per channel, actions and their uplift', async () => {
    const r = await buildDailyReport(kpiStore.client, DB2, REPORT_DATE);
    expect(r.kpis).toMatchObject({ conversations: 3, repeatContacts: 1, escalations: 2 });
    expect(r.kpis.firstContactResolution).toBeCloseTo(2 / 3);
    expect(r.kpis.escalationShare).toBeCloseTo(2 / 3);
    expect(r.kpis.handling).toEqual([
      { channel: 'call', conversations: 1, medianMinutes: 12, p90Minutes: 12 },
      { channel: 'chat', conversations: 1, medianMinutes: 30, p90Minutes: 30 },
      { channel: 'email', conversations: 1, medianMinutes: 50, p90Minutes: 50 },
    ]);
    expect(r.kpis.actions).toEqual({ offered: 3, heldOut: 0, done: 1, declined: 1, noAnswer: 0, expired: 0, doneRate: 0.5 });
    // Personal calls: 1 of 4 offered cancelled, 3 of 4 held out: +50 points, 95% interval +/- 60 (clipped at +100).
    const pc = r.kpis.uplift.find((u) => u.action === 'personal_call');
    expect(pc).toEqual({ action: 'personal_call', offered: 4, offeredChurned: 1, heldOut: 4, heldOutChurned: 3, uplift: 0.5, low: -0.1, high: 1 });
    expect(r.kpis.uplift.map((u) => u.action)).not.toContain('escalate_supervisor');
    expect(r.kpis.uplift.find((u) => u.action === 'credit_or_price_review')).toMatchObject({ offered: 1, heldOut: 0, uplift: null });
    expect(r.markdown).toContain('| 3 | 66.7% | 1 | 2 | 66.7% |');
    expect(r.markdown).toContain('| personal_call | 4 (1) | 4 (3) | +50.0 | -10.0 .. +100.0 |');
    expect(r.html).toContain('<h2>Handling time (first to last message, minutes)</h2>');
  });

  it('weekly: the same figures over the week, and none for a database without the actions table', async () => {
    const r = await buildWeeklyReport(kpiStore.client, DB2, REPORT_DATE);
    expect(r.kpis.conversations).toBe(4); // cust-a's first conversation is in the week too
    expect(r.kpis.repeatContacts).toBe(1);
    await kpiStore.client.command({ query: `DROP TABLE ${DB2}.actions_latest` });
    const without = await buildDailyReport(kpiStore.client, DB2, REPORT_DATE);
    expect(without.kpis.actions.offered).toBe(0);
    expect(without.kpis.uplift).toEqual([]);
  });
});

describe('cxpulse report (CLI) and GET /v1/reports/:kind', () => {
  it('the CLI writes the daily report for --db into --out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxpulse-report-cli-'));
    const saved = process.env.CLICKHOUSE_URL;
    process.env.CLICKHOUSE_URL = CH_URL;
    try {
      await runReport('daily', { date: REPORT_DATE, out: dir, db: DB });
      const md = await readFile(join(dir, `daily-${REPORT_DATE}.md`), 'utf8');
      expect(md).toContain('60 customer messages');
      await expect(runReport('monthly', { out: dir })).rejects.toThrow(/daily or weekly/);
      await expect(runReport('daily', { date: '20-11-2026', out: dir })).rejects.toThrow(/YYYY-MM-DD/);
    } finally {
      if (saved === undefined) delete process.env.CLICKHOUSE_URL;
      else process.env.CLICKHOUSE_URL = saved;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the route serves HTML, Markdown and JSON and refuses bad input', async () => {
    const app = Fastify().setErrorHandler(answerError);
    await registerReports(app, { client: store.client, db: DB });
    try {
      const html = await app.inject({ url: `/v1/reports/weekly?date=${REPORT_DATE}` });
      expect(html.statusCode).toBe(200);
      expect(html.headers['content-type']).toMatch(/text\/html/);
      expect(html.body).toContain('class="warn"');
      const json = await app.inject({ url: `/v1/reports/daily?date=${REPORT_DATE}&format=json` });
      expect(json.json()).toMatchObject({ kind: 'daily', date: REPORT_DATE, totals: { messages: 60 } });
      const md = await app.inject({ url: `/v1/reports/daily?date=${REPORT_DATE}&format=md` });
      expect(md.body).toMatch(/^# cxpulse daily/);
      expect((await app.inject({ url: '/v1/reports/monthly' })).statusCode).toBe(400);
      expect((await app.inject({ url: '/v1/reports/daily?date=yesterday' })).statusCode).toBe(400);
      expect((await app.inject({ url: '/v1/reports/daily?format=pdf' })).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });
});
