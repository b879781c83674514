/**
 * `cxpulse report` on a database an older release made: scored_events (and its `_latest` view) but
 * no rollups. Real ClickHouse (CLICKHOUSE_URL or 127.0.0.1:8123), a database of the test's own: the
 * reports are built with the rollups first, the rollups are dropped, and the CLI must write the
 * same reports from the events, saying once on stderr that it does.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runReport } from '../../cli/report.ts';
import { buildDailyReport, buildWeeklyReport, reportSource, weeklySql, dailySql } from '../../engine/report/index.ts';
import { ROLLUPS } from '../../engine/sinks/clickhouse/index.ts';
import type { ScoredEvent } from '../../engine/event/types.ts';
import { CH_URL, useTempStore } from '../helpers/clickhouse.ts';
import { kpiFixture, REPORT_DATE, reportEvents } from './fixtures.ts';

const DB = `cxpulse_report_norollup_${Date.now()}_${process.pid}`;
const store = useTempStore(DB);
const redelivery = (evs: readonly ScoredEvent[]): ScoredEvent[] => evs.map((e) => Object.assign({ ...e }, { redelivered: true }));

let dir: string;
let stderr: string[];
let savedUrl: string | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-report-norollup-'));
  stderr = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (stderr.push(String(chunk)), true));
  savedUrl = process.env.CLICKHOUSE_URL;
  process.env.CLICKHOUSE_URL = CH_URL;
});
afterEach(async () => {
  vi.restoreAllMocks();
  if (savedUrl === undefined) delete process.env.CLICKHOUSE_URL;
  else process.env.CLICKHOUSE_URL = savedUrl;
  await rm(dir, { recursive: true, force: true });
});

const drop = (table: string) => store().client.command({ query: `DROP TABLE IF EXISTS ${DB}.${table}` });
const file = (kind: string) => readFile(join(dir, `${kind}-${REPORT_DATE}.md`), 'utf8');

describe('cxpulse report on a database without rollups', () => {
  it('writes the same daily and weekly reports from the events, and says so once on stderr', async () => {
    const s = store();
    const events = reportEvents();
    await s.write(events);
    await s.write(redelivery(events.slice(0, 500)));
    const { business, actions } = kpiFixture();
    await s.writeBusinessEvents(business);
    await s.writeActions(actions);
    const daily = await buildDailyReport(s.client, DB, REPORT_DATE);
    const weekly = await buildWeeklyReport(s.client, DB, REPORT_DATE);
    expect((await reportSource(s.client, DB)).fallback).toBeUndefined();

    // What an older release left: no rollup views, tables or build markers.
    for (const r of ROLLUPS) {
      await drop(r.view);
      await drop(r.name);
    }
    await drop('rollup_builds');
    const { source, fallback } = await reportSource(s.client, DB);
    expect(source).toEqual({ events: `${DB}.scored_events_latest`, actions: `${DB}.actions_latest`, business: `${DB}.business_events_latest` });
    expect(fallback).toBe(`${DB} has no built minute rollup (scored_events_by_minute: the database was made by an older release): the report aggregates ${DB}.scored_events_latest instead (same figures, slower on large tables). An engine of this release started on ${DB} builds the rollups.`);
    // Every statement of the fallback runs on the real schema; none reads a rollup.
    for (const sql of [...dailySql(DB, REPORT_DATE, {}, source), ...weeklySql(DB, REPORT_DATE, source)]) {
      expect(sql).not.toMatch(/_by_minute|_by_customer_day|_by_conversation_day/);
      await (await s.client.query({ query: sql, format: 'JSONEachRow' })).json();
    }

    await runReport('daily', { date: REPORT_DATE, out: dir, db: DB });
    await runReport('weekly', { date: REPORT_DATE, out: dir, db: DB });
    expect(await file('daily')).toBe(daily.markdown);
    expect(await file('weekly')).toBe(weekly.markdown);
    const notes = stderr.filter((l) => l.startsWith('cxpulse report: '));
    expect(notes).toEqual([`cxpulse report: ${fallback}\n`, `cxpulse report: ${fallback}\n`]); // once per run, two runs
  });

  it('reads scored_events FINAL where even the _latest view is missing, with the same figures', async () => {
    const before = await buildDailyReport(store().client, DB, REPORT_DATE);
    await drop('scored_events_latest');
    const { source, fallback } = await reportSource(store().client, DB);
    expect(source.minutes).toBeUndefined();
    expect(source.events).toBe(`${DB}.scored_events FINAL`);
    expect(fallback).toContain(`aggregates ${DB}.scored_events FINAL instead`);
    await runReport('daily', { date: REPORT_DATE, out: dir, db: DB });
    expect(await file('daily')).toBe(before.markdown);
    expect(before.totals.messages).toBeGreaterThan(0);
  });

  it('fails with a clear error on a database that has no scored_events', async () => {
    await expect(runReport('daily', { date: REPORT_DATE, out: dir, db: `${DB}_missing` })).rejects.toThrow(
      new RegExp(`^${DB}_missing\\.scored_events does not exist: no engine has written to database ${DB}_missing on this server \\(check --db or CLICKHOUSE_DB; a report never creates tables\\)$`),
    );
  });
});
