/**
 * CLICKHOUSE_RETENTION_DAYS on a server without TTL (CI: 18.16): a scheduled delete keyed on
 * receive time removes rows past the retention from every table that has received_at, whatever
 * the client's ts says, and leaves the rest.
 */
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../helpers/clickhouse.ts';
import { retentionDeleteSql, sweepRetention } from '../../engine/sinks/clickhouse/retention.ts';
import { waitForMutations } from '../../engine/sinks/clickhouse/erase.ts';
import { businessEvent, scoredEvent } from './fixtures.ts';

const DB = `cxpulse_retention_${Date.now()}_${process.pid}`;
const store = useTempStore(DB);
const DAY = 86_400_000;

const ids = async (table: string): Promise<string[]> => {
  const res = await store().client.query({ query: `SELECT event_id FROM ${DB}.${table} ORDER BY event_id`, format: 'JSONEachRow' });
  return (await res.json<{ event_id: string }>()).map((r) => r.event_id);
};

describe('retention without TTL', () => {
  it('builds the delete on receive time and refuses a bad number of days', () => {
    expect(retentionDeleteSql('cxpulse', 'scored_events', 30)).toBe('ALTER TABLE cxpulse.scored_events DELETE WHERE received_at < now() - toIntervalDay(30)');
    expect(() => retentionDeleteSql('cxpulse', 'scored_events', 0)).toThrow(/bad retention/);
  });

  it('deletes rows received before the retention from every table with received_at, keyed on receive time, not ts', async () => {
    const now = Date.now();
    await store().write([
      // Received 40 days ago, although the client says it is from today: goes.
      { ...scoredEvent(1, { id: 'old-received' }), tsMs: now, receivedAtMs: now - 40 * DAY },
      // Received today, although the client dates it 1999: stays.
      { ...scoredEvent(2, { id: 'new-received' }), tsMs: Date.UTC(1999, 0, 1), receivedAtMs: now },
    ]);
    await store().writeBusinessEvents([
      { ...businessEvent(1), id: 'crm-old', receivedAtMs: now - 40 * DAY },
      { ...businessEvent(2), id: 'crm-new', receivedAtMs: now },
    ]);
    const swept = await sweepRetention(store().client, DB, 30);
    expect(swept).toEqual(expect.arrayContaining(['business_events', 'scored_events']));
    for (const t of swept) await waitForMutations(store().client, DB, t, 60_000);
    expect(await ids('scored_events')).toEqual(['new-received']);
    expect(await ids('business_events')).toEqual(['crm-new']);
    // Nothing left to delete: the next sweep asks for no mutation.
    expect(await sweepRetention(store().client, DB, 30)).toEqual([]);
  });
});
