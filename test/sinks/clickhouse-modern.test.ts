/**
 * The current-release code path (24.x: LowCardinality, DateTime64, TTL), driven through
 * the fake endpoint in fakeClickHouse.ts because no such server can run here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import type { ClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import { capabilitiesFor, parseServerVersion } from '../../engine/sinks/clickhouse/capabilities.ts';
import { columnsFor } from '../../engine/sinks/clickhouse/schema.ts';
import { SCORED_EVENTS } from '../../engine/sinks/clickhouse/tables.ts';
import { startFakeClickHouse } from './fakeClickHouse.ts';
import type { FakeClickHouse } from './fakeClickHouse.ts';
import { businessEvent, memoryLog, scoredEvent } from './fixtures.ts';

const VERSION = '24.8.4.13';
const modern = capabilitiesFor(parseServerVersion(VERSION));
const TTL30 = 'TTL toDateTime(ts) + toIntervalDay(30)';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function setup(retentionDays?: number): Promise<{ fake: FakeClickHouse; s: ClickHouseStore; log: ReturnType<typeof memoryLog> }> {
  const fake = await startFakeClickHouse(VERSION);
  cleanup.push(() => fake.close());
  const log = memoryLog();
  const s = await createClickHouseStore({ url: fake.url, database: 'cxpulse', log, ...(retentionDays ? { retentionDays } : {}) });
  cleanup.push(() => s.close());
  return { fake, s, log };
}

/** Seeds the fake with what the previous release created: scored_events and its view, no meta. */
function seedPreMeta(fake: FakeClickHouse): string[] {
  const columns = columnsFor(SCORED_EVENTS, modern)
    .filter((c) => c.name !== 'meta')
    .map((c) => ({ name: c.name, type: c.type.replace(/ DEFAULT .*/, '') }));
  fake.tables.set('scored_events', { engine: 'ReplacingMergeTree', columns: columns.map((c) => ({ ...c })) });
  fake.tables.set('scored_events_latest', { engine: 'View', columns: columns.map((c) => ({ ...c })) });
  return columns.map((c) => c.name);
}

describe('ClickHouse store against a current-release server (fake endpoint)', () => {
  it('creates the modern schema with TTL and writes DateTime64 strings', async () => {
    const { fake, s } = await setup(30);
    await s.init();
    const ddl = fake.statements.find((q) => q.startsWith('CREATE TABLE IF NOT EXISTS cxpulse.scored_events')) ?? '';
    expect(ddl).toContain("ts DateTime64(3, 'UTC')");
    expect(ddl).toContain('channel LowCardinality(String)');
    expect(ddl).toContain('  text String,\n  meta String,\n');
    expect(ddl).toContain(TTL30);
    // engine_full (empty here) lacks the TTL, so init reconciles it on both tables.
    expect(fake.statements).toContain(`ALTER TABLE cxpulse.scored_events MODIFY ${TTL30}`);
    expect(fake.statements).toContain(`ALTER TABLE cxpulse.business_events MODIFY ${TTL30}`);
    expect(fake.tables.get('scored_events_latest')?.columns.map((c) => c.name)).toContain('meta');
    // A fresh database needs no column upgrades and no view rebuilds.
    expect(fake.statements.some((q) => /ADD COLUMN|^DROP (?!TABLE IF EXISTS cxpulse\.\w+_building$)/.test(q))).toBe(false);
    // The rollups: TTL on their bucket time, views fed from scored_events, latest churn by the DateTime64 ms.
    const rollupDdl = fake.statements.find((q) => q.startsWith('CREATE TABLE IF NOT EXISTS cxpulse.scored_events_by_minute')) ?? '';
    expect(rollupDdl).toContain('ENGINE = SummingMergeTree');
    expect(rollupDdl).toContain('TTL toDateTime(minute) + toIntervalDay(30)');
    expect(fake.statements.find((q) => q.startsWith('CREATE TABLE IF NOT EXISTS cxpulse.scored_events_by_customer_day'))).toContain('TTL toDateTime(day) + toIntervalDay(30)');
    const mv = fake.statements.find((q) => q.startsWith('CREATE MATERIALIZED VIEW IF NOT EXISTS cxpulse.scored_events_by_customer_day_mv TO cxpulse.scored_events_by_customer_day')) ?? '';
    expect(mv).toContain('toUnixTimestamp64Milli(ts)');
    expect(mv).toContain('WHERE redelivered = 0');
    expect(fake.insertedInto('rollup_builds').map((r) => r.rollup)).toEqual(['scored_events_by_minute', 'scored_events_by_customer_day', 'scored_events_by_conversation_day']);

    await s.write([scoredEvent(1, { tsMs: Date.UTC(2025, 1, 3, 4, 5, 6, 7), meta: { holdSec: 30 } })]);
    expect(fake.insertedInto('scored_events')).toHaveLength(1);
    expect(fake.insertedInto('scored_events')[0]).toMatchObject({ event_id: 'ev-1', ts: '2025-02-03 04:05:06.007', meta: '{"holdSec":30}' });
    expect(fake.insertedInto('scored_events')[0]).not.toHaveProperty('ts_ms');
    expect(await s.ping()).toBe(true);

    fake.failWith = 'Too many parts';
    await expect(s.write([scoredEvent(2)])).rejects.toThrow(/insert of 1 rows into scored_events failed.*Too many parts/);
    await expect(s.writeBusinessEvents([businessEvent(2)])).rejects.toThrow(/insert of 1 rows into business_events failed/);
    expect(await s.ping()).toBe(false);
  });

  it('creates actions with DateTime64 and LowCardinality where the server has them, its latest-state view, and writes its rows', async () => {
    const { fake, s } = await setup(30);
    await s.init();
    const ddl = fake.statements.find((q) => q.startsWith('CREATE TABLE IF NOT EXISTS cxpulse.actions')) ?? '';
    expect(ddl).toContain('  action LowCardinality(String),\n');
    expect(ddl).toContain("  due DateTime64(3, 'UTC'),\n");
    expect(ddl).toContain('ORDER BY (action_id, state_ms, status)');
    expect(ddl).toContain(TTL30);
    expect(ddl).not.toContain('ts_ms');
    expect(fake.statements.some((q) => q.startsWith('CREATE VIEW IF NOT EXISTS cxpulse.actions_latest AS\nSELECT action_id,') && q.endsWith('LIMIT 1 BY action_id'))).toBe(true);
    const T = Date.UTC(2026, 5, 3, 18, 0, 0, 250);
    await s.writeActions([{
      actionId: 'act_1', action: 'personal_call', customerId: 'c-1', segment: 'smb', owner: 'anna', status: 'open', critical: false, heldOut: false, chosenBy: 'rule', priority: 0.5,
      churnProbability: 0.74, reason: 'Call c-1 this week', reasonLang: 'en', explanation: 'We are calling', explanationLang: 'nb',
      evidence: [{ field: 'contacts30d', value: 4, text: '4 support contacts in the last 30 days' }], dueMs: T + 13 * 3_600_000, timing: 'customer', tz: 'Europe/Oslo', triggerId: 'm-4', tsMs: T, stateMs: T,
    }]);
    expect(fake.insertedInto('actions')).toHaveLength(1);
    expect(fake.insertedInto('actions')[0]).toMatchObject({ action_id: 'act_1', status: 'open', held_out: 0, ts: '2026-06-03 18:00:00.250', due: '2026-06-04 07:00:00.250', team: '', outcome: '', evidence: '[{"field":"contacts30d","value":4,"text":"4 support contacts in the last 30 days"}]' });
  });

  it('creates business_events with its view and writes its rows', async () => {
    const { fake, s } = await setup(30);
    await s.init();
    const ddl = fake.statements.find((q) => q.startsWith('CREATE TABLE IF NOT EXISTS cxpulse.business_events')) ?? '';
    expect(ddl).toContain('  type LowCardinality(String),\n');
    expect(ddl).toContain("ts DateTime64(3, 'UTC')");
    expect(ddl).toContain('ORDER BY (customer_id, event_id)');
    expect(ddl).toContain(TTL30);
    expect(fake.statements.some((q) => q.startsWith('CREATE VIEW IF NOT EXISTS cxpulse.business_events_latest AS\nSELECT event_id, customer_id, type, ts, meta,'))).toBe(true);

    const ev = businessEvent(4, { type: 'plan_change', tsMs: Date.UTC(2025, 2, 1, 0, 0, 0, 1), meta: { fromPlan: 'pro', toPlan: 'basic' } });
    await s.writeBusinessEvents([ev]);
    const [row] = fake.insertedInto('business_events');
    expect(row?.inserted_at).toBe(Math.floor(Number(row?.version) / 1000));
    expect(fake.insertedInto('business_events')).toEqual([
      {
        event_id: 'crm-4',
        customer_id: ev.customerId,
        type: 'plan_change',
        ts: '2025-03-01 00:00:00.001',
        meta: '{"fromPlan":"pro","toPlan":"basic"}',
        // ts is within the window around the receive time: trusted.
        ts_off_clock: 0,
        received_at: new Date(ev.receivedAtMs).toISOString().replace('T', ' ').replace('Z', ''),
        // DateTime (not 64) on every version: epoch seconds of the write.
        inserted_at: expect.any(Number) as unknown,
        version: expect.any(Number) as unknown,
      },
    ]);
  });

  it('recreates business_events when a modern server says UNKNOWN_TABLE', async () => {
    const { fake, s, log } = await setup();
    await s.init();
    fake.tables.delete('business_events');
    fake.tables.delete('business_events_latest');
    await s.writeBusinessEvents([businessEvent(7)]);
    expect(fake.insertedInto('business_events')).toHaveLength(1);
    expect(log.lines.some((l) => l.msg === 'business_events missing; re-running init')).toBe(true);
  });

  it('upgrades a pre-meta table: ADD COLUMN after text, then rebuilds the view', async () => {
    const { fake, s } = await setup();
    const old = seedPreMeta(fake);
    await s.init();
    const add = 'ALTER TABLE cxpulse.scored_events ADD COLUMN meta String AFTER text';
    const drop = 'DROP TABLE IF EXISTS cxpulse.scored_events_latest';
    expect(fake.statements).toContain(add);
    expect(fake.statements.indexOf(drop)).toBeGreaterThan(fake.statements.indexOf(add));
    const want = columnsFor(SCORED_EVENTS, modern).map((c) => c.name);
    expect(fake.tables.get('scored_events')?.columns.map((c) => c.name)).toEqual(want);
    expect(fake.tables.get('scored_events_latest')?.columns.map((c) => c.name)).toEqual(want);
    expect(old).not.toContain('meta');

    await s.write([scoredEvent(1, { meta: { transfers: 1 } })]);
    expect(fake.insertedInto('scored_events')[0]).toMatchObject({ meta: '{"transfers":1}' });

    // Next start: nothing to do.
    const before = fake.statements.length;
    await s.init();
    expect(fake.statements.slice(before).some((q) => /ADD COLUMN|^DROP (?!TABLE IF EXISTS cxpulse\.\w+_building$)/.test(q))).toBe(false);
  });

  it('carries on when another engine added the column first', async () => {
    const { fake, s } = await setup();
    seedPreMeta(fake);
    // The other engine's ALTER lands just before ours, so ours fails as a duplicate.
    fake.beforeStatement = (q) => {
      if (!q.includes('ADD COLUMN meta')) return;
      const cols = fake.tables.get('scored_events')?.columns ?? [];
      if (!cols.some((c) => c.name === 'meta')) cols.splice(cols.findIndex((c) => c.name === 'text') + 1, 0, { name: 'meta', type: 'String' });
    };
    await expect(s.init()).resolves.toBeUndefined();
    expect(fake.statements).toContain('ALTER TABLE cxpulse.scored_events ADD COLUMN meta String AFTER text');
    expect(fake.tables.get('scored_events_latest')?.columns.map((c) => c.name)).toContain('meta');
  });

  it('does not touch a TTL that is already right', async () => {
    const { fake, s } = await setup(30);
    fake.engineFull = `ReplacingMergeTree(version) PARTITION BY toYYYYMM(ts) ORDER BY (channel, event_id) ${TTL30} SETTINGS index_granularity = 8192`;
    await s.init();
    expect(fake.statements.some((q) => q.startsWith('ALTER'))).toBe(false);
  });
});
