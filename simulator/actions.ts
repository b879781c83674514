/**
 * A documented simulation of next-best-action outcomes, for `cxpulse simulate-actions`: which
 * customers get into trouble over a month, and how they respond to each action. Nothing here is
 * measured from real customers: the response table is made up so that the right answer is known
 * (in `smb` the price review works best, in `enterprise` the account review), and a run shows
 * whether the engine's hold-out and bandit find it.
 *
 * Each troubled customer has: a late payment and a usage drop in one CRM import (so several
 * actions become eligible at once), then three or four contacts that turn negative. A quarter of the
 * customers stay calm. Every draw goes through the seeded Rng.
 */
import { createRng, intBetween, type Rng } from './rng.ts';

export const SIM_SEGMENTS = ['smb', 'enterprise'] as const;
export type SimSegment = (typeof SIM_SEGMENTS)[number];

/** How a customer of a segment responds to an action: reached and agreed (done), and how much doing it cuts their cancellation risk. */
export interface ActionResponse {
  done: number;
  /** Relative cut of the cancellation probability when the action was done (0.6: 60% fewer cancellations). */
  effect: number;
}

/** The made-up truth the run should recover. Actions not listed: done 0.3, effect 0.1. */
export const ACTION_RESPONSES: Record<SimSegment, Record<string, ActionResponse>> = {
  smb: { credit_or_price_review: { done: 0.75, effect: 0.6 }, personal_call: { done: 0.35, effect: 0.3 }, account_review: { done: 0.25, effect: 0.2 }, product_training: { done: 0.3, effect: 0.1 } },
  enterprise: { account_review: { done: 0.75, effect: 0.6 }, personal_call: { done: 0.45, effect: 0.3 }, credit_or_price_review: { done: 0.2, effect: 0.1 }, product_training: { done: 0.35, effect: 0.2 } },
};
const OTHER: ActionResponse = { done: 0.3, effect: 0.1 };
/** Cancellation probability of a troubled customer nobody acted for (within 60 days). */
export const BASE_CANCEL = 0.4;
const DAY_MS = 86_400_000;

export type SimStep =
  | { kind: 'business'; id: string; type: 'payment_late' | 'usage_drop'; tsMs: number }
  | { kind: 'message'; id: string; conversationId: string; tsMs: number; negative: boolean };

export interface SimCustomer {
  customerId: string;
  segment: SimSegment;
  troubled: boolean;
  sinceMs: number;
  steps: SimStep[];
}

/** `n` customers over `days` days from `startMs`: their CRM events and contacts, in time order per customer. */
export function simulateCustomers(n: number, days: number, startMs: number, seed: number): SimCustomer[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const customerId = `sim-${i}`;
    const segment = SIM_SEGMENTS[i % SIM_SEGMENTS.length]!;
    const troubled = rng() < 0.75;
    const sinceMs = startMs - intBetween(rng, 14, 60) * 30 * DAY_MS;
    const day0 = startMs + intBetween(rng, 0, Math.max(0, days - 8)) * DAY_MS + intBetween(rng, 8, 17) * 3_600_000;
    const steps: SimStep[] = [];
    // Two calm contacts earlier in the quarter: the baseline the negative trend compares with.
    for (const k of [40, 25]) steps.push({ kind: 'message', id: `${customerId}-old-${k}`, conversationId: `${customerId}-old-${k}`, tsMs: day0 - k * DAY_MS, negative: false });
    if (troubled) {
      steps.push({ kind: 'business', id: `${customerId}-late`, type: 'payment_late', tsMs: day0 });
      steps.push({ kind: 'business', id: `${customerId}-drop`, type: 'usage_drop', tsMs: day0 });
      const contacts = intBetween(rng, 3, 4);
      for (let c = 0; c < contacts; c++) steps.push({ kind: 'message', id: `${customerId}-m${c}`, conversationId: `${customerId}-c${c}`, tsMs: day0 + (2 + c) * DAY_MS + intBetween(rng, 0, 6) * 3_600_000, negative: true });
    } else {
      steps.push({ kind: 'message', id: `${customerId}-m0`, conversationId: `${customerId}-c0`, tsMs: day0, negative: false });
    }
    return { customerId, segment, troubled, sinceMs, steps };
  });
}

const responseOf = (segment: SimSegment, action: string): ActionResponse => ACTION_RESPONSES[segment][action] ?? OTHER;

/** What the owner reports back after trying the action. */
export function respond(segment: SimSegment, action: string, rng: Rng): 'done' | 'declined' | 'no_answer' {
  if (rng() < responseOf(segment, action).done) return 'done';
  return rng() < 0.5 ? 'declined' : 'no_answer';
}

/** Whether a troubled customer cancels within 60 days: the base risk, cut by the effect of an action that was done. */
export function cancels(segment: SimSegment, action: string | undefined, done: boolean, rng: Rng): boolean {
  const cut = action !== undefined && done ? responseOf(segment, action).effect : 0;
  return rng() < BASE_CANCEL * (1 - cut);
}

