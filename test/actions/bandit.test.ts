import { describe, expect, it } from 'vitest';
import { createBandit, inHoldOut, loadActionCatalog } from '../../engine/actions/index.ts';
import { seededRandom, sampleBeta } from '../../engine/util/index.ts';

const catalog = loadActionCatalog();
const byId = (id: string) => catalog.actions.find((a) => a.id === id)!;
const arms = [byId('personal_call'), byId('credit_or_price_review'), byId('proactive_faq')];

describe('Beta sampling', () => {
  it('has the Beta mean a / (a + b) (seeded, 20k draws)', () => {
    const rand = seededRandom(7);
    for (const [a, b] of [[2, 5], [30, 10], [0.5, 0.5]] as const) {
      let sum = 0;
      for (let i = 0; i < 20_000; i++) sum += sampleBeta(a, b, rand);
      expect(sum / 20_000).toBeCloseTo(a / (a + b), 2);
    }
  });
});

describe('the action bandit', () => {
  it('follows the prior effects until a segment has enough outcomes', () => {
    const b = createBandit({ ...catalog.learning, minOutcomes: 10 }, seededRandom(1));
    for (let i = 0; i < 9; i++) b.record('smb', 'proactive_faq', true);
    expect(b.choose('smb', arms)).toEqual({ action: byId('personal_call'), chosenBy: 'rule' });
    // Outcomes of another segment do not count.
    for (let i = 0; i < 20; i++) b.record('enterprise', 'proactive_faq', true);
    expect(b.choose('smb', arms).chosenBy).toBe('rule');
    b.record('smb', 'proactive_faq', true);
    expect(b.choose('smb', arms).chosenBy).not.toBe('rule');
  });

  it('moves toward the action that works: the better arm is chosen far more often (seeded simulation)', () => {
    const truth: Record<string, number> = { personal_call: 0.2, credit_or_price_review: 0.6, proactive_faq: 0.3 };
    const env = seededRandom(99);
    const b = createBandit({ ...catalog.learning, minOutcomes: 30, exploration: 0.1 }, seededRandom(42));
    const picks: string[] = [];
    for (let t = 0; t < 3000; t++) {
      const { action } = b.choose('smb', arms);
      picks.push(action.id);
      b.record('smb', action.id, env() < truth[action.id]!);
    }
    const late = picks.slice(1500);
    const share = (id: string) => late.filter((p) => p === id).length / late.length;
    expect(share('credit_or_price_review')).toBeGreaterThan(0.85);
    expect(share('credit_or_price_review')).toBeGreaterThan(share('proactive_faq') + share('personal_call'));
    // Exploration keeps trying the others at about the stated rate (0.1 spread over three arms).
    expect(share('personal_call')).toBeGreaterThan(0.01);
  });

  it('explores at the stated rate once it has enough outcomes', () => {
    const b = createBandit({ ...catalog.learning, minOutcomes: 0, exploration: 0.25 }, seededRandom(3));
    let explored = 0;
    for (let i = 0; i < 4000; i++) if (b.choose('x', arms).chosenBy === 'explore') explored++;
    expect(explored / 4000).toBeGreaterThan(0.22);
    expect(explored / 4000).toBeLessThan(0.28);
  });

  it('turns a success into a failure when the customer cancelled afterwards', () => {
    const b = createBandit(catalog.learning, seededRandom(1));
    b.record('s', 'personal_call', true);
    b.revise('s', 'personal_call');
    expect(b.stats()).toEqual([{ segment: 's', action: 'personal_call', successes: 0, failures: 1 }]);
  });
});

describe('the hold-out', () => {
  it('takes about the configured share of customers, the same ones every time for one seed', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `cust-${i}`);
    const held = ids.filter((id) => inHoldOut(id, 1, 10));
    expect(held.length / ids.length).toBeGreaterThan(0.09);
    expect(held.length / ids.length).toBeLessThan(0.11);
    expect(ids.filter((id) => inHoldOut(id, 1, 10))).toEqual(held);
    const other = ids.filter((id) => inHoldOut(id, 2, 10));
    expect(other).not.toEqual(held);
    expect(ids.some((id) => inHoldOut(id, 1, 0))).toBe(false);
    expect(ids.every((id) => inHoldOut(id, 1, 100))).toBe(true);
  });
});
