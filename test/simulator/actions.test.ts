import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/model/backend.ts';
import { loadChurnScorer, type ChurnScorer } from '../../engine/churn/index.ts';
import { runActionSimulation, type ActionSimResult } from '../../cli/simulateActions.ts';
import { simulateCustomers } from '../../simulator/index.ts';

// A simulated month (simulator/actions.ts: a documented simulation whose best action per segment
// is known) through the real action engine and the shipped churn model, seeded.

let scorer: ChurnScorer;
let r: ActionSimResult;
beforeAll(async () => {
  await initBackend('wasm');
  scorer = await loadChurnScorer();
  r = await runActionSimulation({ customers: 600, days: 30, seed: 7, holdOutPercent: 20 }, scorer);
}, 120_000);
afterAll(() => scorer?.dispose());

const share = (weeks: Record<string, number>[], action: string, from: number, to: number): number => {
  const sel = weeks.slice(from, to).filter(Boolean);
  const n = sel.reduce((a, w) => a + Object.values(w).reduce((x, y) => x + y, 0), 0);
  return sel.reduce((a, w) => a + (w[action] ?? 0), 0) / n;
};

describe('a simulated month of next best actions', () => {
  it('is the same month for the same seed', () => {
    expect(simulateCustomers(50, 30, Date.UTC(2026, 5, 1), 3)).toEqual(simulateCustomers(50, 30, Date.UTC(2026, 5, 1), 3));
  });

  it('moves toward the action that works in each segment', () => {
    // smb: the prior starts with the account review; the price review works best and takes over.
    expect(share(r.picks.smb, 'credit_or_price_review', 0, 1)).toBeLessThan(0.2);
    expect(share(r.picks.smb, 'credit_or_price_review', 2, 4)).toBeGreaterThan(0.4);
    // enterprise: the account review is best and stays the most offered.
    expect(share(r.picks.enterprise, 'account_review', 2, 4)).toBeGreaterThan(0.5);
  });

  it('holds out about the configured share of customers, and estimates the uplift of the main actions within its interval', () => {
    const recommended = new Set(r.actions.map((a) => a.customerId)).size;
    expect(r.heldOutCustomers / recommended).toBeGreaterThan(0.1);
    expect(r.heldOutCustomers / recommended).toBeLessThan(0.3);
    expect(r.actions.filter((a) => a.critical && a.heldOut)).toEqual([]);
    for (const [seg, action] of [['smb', 'credit_or_price_review'], ['enterprise', 'account_review']] as const) {
      const u = r.uplift[seg].find((x) => x.action === action)!;
      expect(u.offered, `${seg} ${action}`).toBeGreaterThan(50);
      expect(u.low!, `${seg} ${action}`).toBeLessThanOrEqual(u.truth);
      expect(u.high!, `${seg} ${action}`).toBeGreaterThanOrEqual(u.truth);
      expect(u.uplift!, `${seg} ${action}`).toBeGreaterThan(0);
    }
  });
});
