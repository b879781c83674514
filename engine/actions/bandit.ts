/**
 * Learning which action works for which segment: Thompson sampling over Beta(1 + successes,
 * 1 + failures) per segment and action, once the segment has `minOutcomes` outcomes among the
 * eligible actions (before that the catalog's prior `effect` decides), with a stated share of
 * uniformly random choices on top (`exploration`). Critical actions never come here: they are
 * chosen whenever eligible. The random hold-out is drawn per customer from a seeded hash, so a
 * customer stays in (or out of) it across events and restarts.
 */
import { hash32, sampleBeta } from '../util/index.ts';
import type { ActionChoice } from '../event/index.ts';
import type { ActionCatalog, CatalogAction } from './catalog.ts';

export interface ArmStats {
  segment: string;
  action: string;
  successes: number;
  failures: number;
}

export interface Choice {
  action: CatalogAction;
  chosenBy: Exclude<ActionChoice, 'critical'>;
}

export interface Bandit {
  /** An outcome came back: `done` is a success, `declined` and `no_answer` failures. */
  record(segment: string, action: string, success: boolean): void;
  /** A success turned out not to be one (the customer cancelled within the learning window). */
  revise(segment: string, action: string): void;
  /** Picks among eligible non-critical actions (at least one). */
  choose(segment: string, candidates: readonly CatalogAction[]): Choice;
  stats(): ArmStats[];
}

const key = (segment: string, action: string) => `${segment}\u0000${action}`;

export function createBandit(learning: ActionCatalog['learning'], rand: () => number): Bandit {
  const arms = new Map<string, ArmStats>();
  const arm = (segment: string, action: string): ArmStats => {
    const k = key(segment, action);
    let a = arms.get(k);
    if (!a) arms.set(k, (a = { segment, action, successes: 0, failures: 0 }));
    return a;
  };
  return {
    record(segment, action, success) {
      const a = arm(segment, action);
      if (success) a.successes++;
      else a.failures++;
    },
    revise(segment, action) {
      const a = arm(segment, action);
      if (a.successes > 0) {
        a.successes--;
        a.failures++;
      }
    },
    choose(segment, candidates) {
      if (candidates.length === 0) throw new Error('choose: no candidate actions');
      const seen = candidates.reduce((n, c) => {
        const a = arms.get(key(segment, c.id));
        return n + (a ? a.successes + a.failures : 0);
      }, 0);
      if (seen < learning.minOutcomes) {
        const best = candidates.reduce((a, b) => (b.effect > a.effect ? b : a));
        return { action: best, chosenBy: 'rule' };
      }
      if (rand() < learning.exploration) return { action: candidates[Math.floor(rand() * candidates.length)]!, chosenBy: 'explore' };
      let best = candidates[0]!;
      let bestDraw = -1;
      for (const c of candidates) {
        const a = arms.get(key(segment, c.id));
        const draw = sampleBeta(1 + (a?.successes ?? 0), 1 + (a?.failures ?? 0), rand);
        if (draw > bestDraw) {
          best = c;
          bestDraw = draw;
        }
      }
      return { action: best, chosenBy: 'bandit' };
    },
    stats: () => [...arms.values()].map((a) => ({ ...a })),
  };
}

/** Whether the customer is in the hold-out: `percent` of customers, drawn from a hash of the seed and the id. */
export function inHoldOut(customerId: string, seed: number, percent: number): boolean {
  if (percent <= 0) return false;
  return hash32(`${seed}:${customerId}`) % 10_000 < percent * 100;
}
