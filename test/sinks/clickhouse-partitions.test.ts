/**
 * Partitions follow the client's ts only within a window around the receive time, on the real
 * ClickHouse (CI: 18.16): one insert of events dated anywhere touches a bounded set of months.
 */
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../helpers/clickhouse.ts';
import { scoredEvent } from './fixtures.ts';

const DB = `cxpulse_partitions_${Date.now()}_${process.pid}`;
const store = useTempStore(DB);

const month = (ms: number) => new Date(ms).toISOString().slice(0, 7).replace('-', '');

describe('scored_events partitions', () => {
  it('puts events dated 1970 to 2099 into at most the months from a year back to tomorrow, and keeps each ts as given', async () => {
    const now = Date.now();
    const day = 86_400_000;
    const dates = [0, Date.UTC(1999, 0, 1), Date.UTC(2010, 5, 1), now - 40 * day, now, now + 10 * day, Date.UTC(2099, 11, 31)];
    // Many years in one insert: unclamped, 7 partitions here, and one per month of any spread a client sends.
    const events = dates.map((tsMs, i) => ({ ...scoredEvent(i, { id: `p-${i}` }), tsMs, receivedAtMs: now }));
    await store().write(events);
    const res = await store().client.query({ query: `SELECT DISTINCT partition FROM system.parts WHERE database = '${DB}' AND table = 'scored_events' AND active ORDER BY partition`, format: 'JSONEachRow' });
    const partitions = (await res.json<{ partition: string }>()).map((p) => p.partition);
    expect(partitions).toEqual([...new Set([month(now - 366 * day), month(now - 40 * day), month(now), month(now + day)])].sort());
    const ts = await store().client.query({ query: `SELECT event_id, toUnixTimestamp(ts) AS s FROM ${DB}.scored_events ORDER BY event_id`, format: 'JSONEachRow' });
    const got = (await ts.json<{ event_id: string; s: number | string }>()).map((r) => Number(r.s) * 1000);
    expect(got).toEqual(dates.map((d) => Math.floor(d / 1000) * 1000));
    // Times outside the window are stored as given and flagged as off the engine's clock.
    const flags = await store().client.query({ query: `SELECT event_id, ts_off_clock FROM ${DB}.scored_events ORDER BY event_id`, format: 'JSONEachRow' });
    expect((await flags.json<{ event_id: string; ts_off_clock: number }>()).map((r) => Number(r.ts_off_clock))).toEqual([1, 1, 1, 0, 0, 1, 1]);
  });
});
