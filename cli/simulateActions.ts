/**
 * `cxpulse simulate-actions`: a simulated month (simulator/actions.ts, a documented simulation)
 * through the real next-best-action engine and the shipped churn model. Customers' CRM events and
 * contacts build their state, the engine recommends, owners report outcomes that depend on the
 * action and the segment, customers cancel or stay, and the run shows the worklist's picks week
 * by week (the bandit moving toward what works), the hold-out, and each action's uplift estimate
 * next to the simulation's true effect.
 */
import { initBackend } from '../engine/model/index.ts';
import { loadChurnScorer, profileFeatures, reduceCustomer, streamFeatures, type ChurnScorer, type CustomerObservation, type CustomerState } from '../engine/churn/index.ts';
import { createActionEngine, loadActionCatalog } from '../engine/actions/index.ts';
import type { ActionRecommendation, ScoredEvent } from '../engine/event/index.ts';
import { upliftOf, type UpliftRow } from '../engine/report/index.ts';
import { seededRandom } from '../engine/util/index.ts';
import { ACTION_RESPONSES, BASE_CANCEL, SIM_SEGMENTS, cancels, respond, simulateCustomers, type SimCustomer, type SimSegment } from '../simulator/index.ts';

const DAY_MS = 86_400_000;

export interface ActionSimOptions {
  customers: number;
  days: number;
  seed: number;
  holdOutPercent: number;
  /** First day of the month, epoch ms (default 2026-06-01 UTC, a Monday). */
  startMs?: number;
}

export interface ActionSimResult {
  /** Picks of offered, non-critical actions per segment and week (1-based), as counts per action. */
  picks: Record<SimSegment, Record<string, number>[]>;
  /** The latest state of every action. */
  actions: ActionRecommendation[];
  /** Estimated uplift per segment and action, with the simulation's true value (BASE_CANCEL x done x effect). */
  uplift: Record<SimSegment, (UpliftRow & { truth: number })[]>;
  customers: number;
  troubled: number;
  heldOutCustomers: number;
}

/** The shipped churn model's view of a state. */
async function churnOf(scorer: ChurnScorer, s: CustomerState) {
  const [r] = await scorer.score([{ profile: profileFeatures(s), stream: streamFeatures(s) }]);
  return r!;
}

export async function runActionSimulation(o: ActionSimOptions, scorer: ChurnScorer): Promise<ActionSimResult> {
  const startMs = o.startMs ?? Date.UTC(2026, 5, 1);
  const customers = simulateCustomers(o.customers, o.days, startMs, o.seed);
  const states = new Map<string, CustomerState>();
  const rng = seededRandom(o.seed + 1);
  let clock = startMs;
  const latest = new Map<string, ActionRecommendation>();
  const picks = Object.fromEntries(SIM_SEGMENTS.map((s) => [s, [] as Record<string, number>[]])) as ActionSimResult['picks'];
  /** Outcomes to report: at their time, for actions still open. */
  const pending: { atMs: number; actionId: string }[] = [];
  const engine = createActionEngine({
    catalog: loadActionCatalog(), holdOutPercent: o.holdOutPercent, seed: o.seed, agentLang: 'en', now: () => clock,
    stateOf: async (id) => states.get(id),
    scoreChurn: (s) => churnOf(scorer, s),
    outlets: {
      broadcast() {},
      write: async () => undefined,
      onAction(a) {
        const first = !latest.has(a.actionId);
        latest.set(a.actionId, a);
        if (!first || a.status !== 'open') return;
        if (!a.critical) {
          const week = Math.floor((a.tsMs - startMs) / (7 * DAY_MS));
          const seg = (picks[a.segment as SimSegment] ??= []);
          const w = (seg[week] ??= {});
          w[a.action] = (w[a.action] ?? 0) + 1;
        }
        // The owner tries on the due day and reports the next day.
        pending.push({ atMs: Math.max(a.dueMs, a.tsMs) + DAY_MS, actionId: a.actionId });
      },
      onError: (e) => {
        throw e;
      },
    },
  });

  const apply = (c: SimCustomer, ob: CustomerObservation) => {
    const s = reduceCustomer(states.get(c.customerId), ob);
    states.set(c.customerId, s);
    return s;
  };
  const steps = customers.flatMap((c) => c.steps.map((step) => ({ c, step }))).sort((a, b) => a.step.tsMs - b.step.tsMs);
  const meta = (c: SimCustomer) => ({ segment: c.segment });
  let i = 0;
  const endMs = startMs + (o.days + 30) * DAY_MS;
  for (let day = startMs - 60 * DAY_MS; day < endMs; day += DAY_MS) {
    for (; i < steps.length && steps[i]!.step.tsMs < day + DAY_MS; i++) {
      const { c, step } = steps[i]!;
      clock = step.tsMs;
      if (step.kind === 'business') {
        // One CRM import: this customer's business events of the same moment go in one batch.
        const batch = [];
        for (; i < steps.length && steps[i]!.c === c && steps[i]!.step.kind === 'business' && steps[i]!.step.tsMs === step.tsMs; i++) {
          const b = steps[i]!.step;
          if (b.kind !== 'business') break;
          const s = apply(c, { kind: 'business', id: b.id, type: b.type, tsMs: b.tsMs, customerSinceMs: c.sinceMs });
          batch.push({ event: { id: b.id, customerId: c.customerId, type: b.type, tsMs: b.tsMs, receivedAtMs: b.tsMs, meta: meta(c) }, state: s });
        }
        i--;
        engine.observeBusiness(batch);
      } else {
        const s = apply(c, { kind: 'message', id: step.id, conversationId: step.conversationId, author: 'customer', tsMs: step.tsMs, negative: step.negative, escalated: false, customerSinceMs: c.sinceMs });
        const r = await churnOf(scorer, s);
        const score = step.negative ? -0.7 : 0.5;
        const row: ScoredEvent = {
          id: step.id, channel: 'email', conversationId: step.conversationId, customerId: c.customerId, author: 'customer', tsMs: step.tsMs, text: '', lang: 'en', langConfidence: 1,
          sentiment: { label: step.negative ? 'negative' : 'positive', score, confidence: 0.9 }, churn: { probability: r.probability, band: r.band, factors: [], modelVersion: r.modelVersion },
          conversation: { turns: 1, recent: [score], trend: 0 }, modelVersion: 'simulation', latencyMs: 0, receivedAtMs: step.tsMs, meta: meta(c),
        };
        engine.observeScored([row]);
      }
      await engine.flush();
    }
    // Outcomes due today, for actions nobody closed or superseded meanwhile.
    for (const p of pending.filter((x) => x.atMs < day + DAY_MS)) {
      pending.splice(pending.indexOf(p), 1);
      const a = latest.get(p.actionId);
      if (a?.status !== 'open') continue;
      clock = p.atMs;
      await engine.outcome(a.actionId, respond(a.segment as SimSegment, a.action, rng));
    }
  }
  // Who cancels: troubled customers, by the last action done for them (none for the hold-out).
  const cancelledAtS = new Map<string, number>();
  for (const c of customers.filter((x) => x.troubled)) {
    const mine = [...latest.values()].filter((a) => a.customerId === c.customerId && !a.critical && a.status !== 'superseded');
    const done = mine.filter((a) => a.status === 'done').at(-1);
    const offered = mine.find((a) => !a.heldOut);
    if (cancels(c.segment, (done ?? offered)?.action, done !== undefined, rng)) cancelledAtS.set(c.customerId, Math.floor((c.steps.at(-1)!.tsMs + 20 * DAY_MS) / 1000));
  }
  const actions = [...latest.values()];
  const uplift = Object.fromEntries(SIM_SEGMENTS.map((seg) => {
    const rows = upliftOf(actions.filter((a) => a.segment === seg).map((a) => ({ action: a.action, customerId: a.customerId, heldOut: a.heldOut, critical: a.critical, status: a.status, atS: Math.floor(a.tsMs / 1000) })), cancelledAtS);
    return [seg, rows.map((r) => {
      const t = ACTION_RESPONSES[seg][r.action] ?? { done: 0.3, effect: 0.1 };
      return { ...r, truth: Math.round(BASE_CANCEL * t.done * t.effect * 1000) / 1000 };
    })];
  })) as ActionSimResult['uplift'];
  const heldOutCustomers = new Set(actions.filter((a) => a.heldOut).map((a) => a.customerId)).size;
  return { picks, actions, uplift, customers: customers.length, troubled: customers.filter((c) => c.troubled).length, heldOutCustomers };
}

/** Plain-text summary: picks per week and segment, and uplift against the truth. */
export function formatActionSimulation(r: ActionSimResult): string {
  const lines = [`${r.customers} customers, ${r.troubled} troubled, ${r.heldOutCustomers} in the hold-out; ${r.actions.length} recommendations (simulation: simulator/actions.ts)`];
  for (const seg of SIM_SEGMENTS) {
    const best = Object.entries(ACTION_RESPONSES[seg]).sort((a, b) => b[1].done * b[1].effect - a[1].done * a[1].effect)[0]![0];
    lines.push('', `segment ${seg} (best by construction: ${best})`);
    r.picks[seg].forEach((w, i) => {
      const n = Object.values(w ?? {}).reduce((a, b) => a + b, 0);
      const parts = Object.entries(w ?? {}).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${Math.round((100 * v) / n)}%`);
      lines.push(`  week ${i + 1}: ${n} offered: ${parts.join(', ')}`);
    });
    for (const u of r.uplift[seg]) lines.push(`  uplift ${u.action}: ${u.uplift === null ? '-' : u.uplift.toFixed(3)} [${u.low ?? '-'} .. ${u.high ?? '-'}] (offered ${u.offered}, held out ${u.heldOut}); true ${u.truth.toFixed(3)}`);
  }
  return lines.join('\n');
}

/** The command: the shipped churn model on the CPU/WASM backend. */
export async function runSimulateActions(o: { customers: number; days: number; seed: number; holdout: number }): Promise<void> {
  await initBackend();
  const scorer = await loadChurnScorer();
  try {
    const r = await runActionSimulation({ customers: o.customers, days: o.days, seed: o.seed, holdOutPercent: o.holdout }, scorer);
    process.stdout.write(`${formatActionSimulation(r)}\n`);
  } finally {
    scorer.dispose();
  }
}
