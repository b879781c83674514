/** Erasure on a real ClickHouse (CI: 18.16): every table with a customer_id column, a table added later too. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../engine/cues/index.ts';
import { createClickHouseStore, type ClickHouseStore } from '../../engine/sinks/clickhouse/index.ts';
import { sqlString } from '../../engine/sinks/clickhouse/query.ts';
import { memoryLog, scoredEvent } from './fixtures.ts';
import { dropTestDatabase } from '../helpers/clickhouse.ts';

const CH_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';
const DB = `cxpulse_erase_${Date.now()}_${process.pid}`;
const T = Date.UTC(2026, 10, 24, 9, 0, 0);
let store: ClickHouseStore;

const count = async (table: string, customer: string) => {
  const res = await store.client.query({ query: `SELECT count() AS n FROM ${DB}.${table} WHERE customer_id = ${sqlString(customer)}`, format: 'JSONEachRow' });
  return Number((await res.json<{ n: string }>())[0]!.n);
};
const waiting = (customerId: string, conversationId: string): Alert => ({
  alertId: `wait-${conversationId}`, kind: 'waiting_too_long', status: 'open', channel: 'chat', conversationId, customerId, eventId: 'm-1',
  waitingSinceMs: T - 300_000, waitedMinutes: 5, thresholdMinutes: 5, openedAtMs: T, tsMs: T, text: `chat ${conversationId}: customer waiting 5 min`,
});

beforeAll(async () => {
  store = await createClickHouseStore({ url: CH_URL, database: DB, log: memoryLog() });
  await store.init();
});
afterAll(async () => {
  if (store) await dropTestDatabase(store.client, DB);
  await store?.close();
});

describe('erasing a customer from ClickHouse', () => {
  it('deletes the rows of every table with a customer_id column, waits for the mutations, and keeps the others', async () => {
    // An id with a quote and a backslash: the statement must quote it, not break on it.
    const x = "cxp_x'\\y";
    await store.write([scoredEvent(1, { customerId: x }), scoredEvent(2, { customerId: x }), scoredEvent(3, { customerId: 'cxp_y' })]);
    await store.writeBusinessEvents([{ id: 'b-1', customerId: x, type: 'payment_late', tsMs: T, receivedAtMs: T }, { id: 'b-2', customerId: 'cxp_y', type: 'order_placed', tsMs: T, receivedAtMs: T }]);
    await store.writeAlerts([waiting(x, 'c-x'), waiting('cxp_y', 'c-y')]);
    // A table a later release adds (next best actions, say): found by its column, not by a list.
    await store.client.command({ query: `CREATE TABLE ${DB}.later (id String, customer_id String) ENGINE = MergeTree ORDER BY id` });
    await store.client.insert({ table: `${DB}.later`, values: [{ id: 'a', customer_id: x }, { id: 'b', customer_id: 'cxp_y' }], format: 'JSONEachRow' });

    const erased = await store.eraseCustomer!([x, 'email:never-stored@example.com']);
    expect(erased).toEqual([
      { place: 'clickhouse', what: `${DB}.actions`, removed: 0 },
      { place: 'clickhouse', what: `${DB}.alerts`, removed: 1 },
      { place: 'clickhouse', what: `${DB}.business_events`, removed: 1 },
      { place: 'clickhouse', what: `${DB}.later`, removed: 1 },
      { place: 'clickhouse', what: `${DB}.scored_events`, removed: 2 },
      // The per-conversation and per-customer rollups (rows per day x channel x language ...; merges may fold them).
      { place: 'clickhouse', what: `${DB}.scored_events_by_conversation_day`, removed: expect.any(Number) },
      { place: 'clickhouse', what: `${DB}.scored_events_by_customer_day`, removed: expect.any(Number) },
    ]);
    expect(erased.at(-1)?.removed).toBeGreaterThan(0);
    for (const t of ['alerts', 'business_events', 'later', 'scored_events', 'scored_events_by_customer_day']) {
      expect(await count(t, x), t).toBe(0);
      expect(await count(t, 'cxp_y'), t).toBe(1);
    }
    // The views still answer, and a second erasure finds nothing.
    const latest = await store.client.query({ query: `SELECT count() AS n FROM ${DB}.scored_events_latest`, format: 'JSONEachRow' });
    expect(Number((await latest.json<{ n: string }>())[0]!.n)).toBe(1);
    expect((await store.eraseCustomer!([x])).every((p) => p.removed === 0)).toBe(true);
  });

  it('keeps the erasure log as a hash and a time', async () => {
    await store.logErasure!({ idHash: 'a'.repeat(64), erasedAtMs: T });
    const res = await store.client.query({ query: `SELECT id_hash, erased_at_ms FROM ${DB}.erasures`, format: 'JSONEachRow' });
    expect(await res.json()).toEqual([{ id_hash: 'a'.repeat(64), erased_at_ms: String(T) }]);
  });
});
