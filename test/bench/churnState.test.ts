import { describe, expect, it } from 'vitest';
import { formatMemory, formatTiming, history, loadImpl, memoryPerCustomer, saturatedHistory, timePerMessage } from '../../bench/churnState.ts';
import { decodeState, encodeState, replay } from '../../engine/churn/index.ts';

const impl = await loadImpl(new URL('../../engine/churn', import.meta.url).pathname, 'this branch');

describe('churn state bench (bench/churnState.ts), on a small scale', () => {
  it('builds the histories it says: one event an hour, distinct ids per customer, CRM every 25th', () => {
    const h = history(3, 100);
    expect(h).toHaveLength(100);
    expect(h[1]!.tsMs - h[0]!.tsMs).toBe(3_600_000);
    expect(new Set(h.map((o) => o.id)).size).toBe(100);
    expect(h.filter((o) => o.kind === 'business')).toHaveLength(4);
    expect(history(4, 1)[0]!.id).not.toBe(h[0]!.id);
    // The saturated history fills every counter: a contact, an escalation and each CRM event on each kept day.
    const s = replay(saturatedHistory(0))!;
    for (const c of [s.contacts, s.escalations, s.latePayments, s.orders, s.usageDrops, s.downgrades]) expect(c.p.length).toBe(2 * 119);
  });

  it('times each history length and reports ratios to a new customer', () => {
    const rows = timePerMessage(impl, 1, [0, 100]);
    expect(rows.map((r) => r.past)).toEqual([0, 100]);
    expect(rows[0]!.reduceRatio).toBe(1);
    for (const r of rows) expect(r.reduceNs).toBeGreaterThan(0);
    expect(formatTiming('x', rows)).toContain('| 100 |');
  });

  it('measures memory per customer with the saturated state as the ceiling of stored bytes', () => {
    const rows = memoryPerCustomer(impl, 20);
    expect(rows).toHaveLength(6);
    const saturated = rows.find((r) => r.customer.startsWith('saturated'))!;
    for (const r of rows) {
      expect(r.storedBytes).toBeGreaterThan(0);
      expect(r.storedBytes).toBeLessThanOrEqual(saturated.storedBytes);
    }
    expect(decodeState(encodeState(replay(saturatedHistory(0))!))).toBeDefined();
    expect(formatMemory('x', rows)).toContain('saturated');
  });
});
