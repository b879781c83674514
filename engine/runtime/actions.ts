import { Counter, type Registry } from 'prom-client';
import type { Config } from '../config/index.ts';
import type { Logger } from '../observability/index.ts';
import type { ScoreStore } from '../sinks/types.ts';
import type { FeedHub } from '../feed/index.ts';
import type { PipelineDeps } from '../pipeline/index.ts';
import { profileFeatures, streamFeatures } from '../churn/index.ts';
import { createActionEngine, loadActionCatalog, type ActionCatalog, type ActionEngine } from '../actions/index.ts';
import type { ChurnRuntime } from './churn.ts';

/** Open actions are checked for expiry this often (they also expire on the customer's next event). */
export const ACTION_EXPIRY_TICK_MS = 60 * 60_000;
/** Days of past actions read back at start: the longest cool-down, rhythm, open or learning window of the catalog. */
export function restoreDays(c: ActionCatalog): number {
  return Math.ceil(Math.max(c.rhythm.perDays, c.openDays, c.learning.churnWindowDays, ...c.actions.map((a) => a.cooldownDays))) + 1;
}

export interface ActionsRuntime {
  /** Spread into the pipeline's deps; empty when actions are off. */
  deps: Pick<PipelineDeps, 'actions'>;
  engine?: ActionEngine;
  /** Stops the expiry timer and waits for queued evaluations and writes. */
  stop(): Promise<void>;
}

/** The catalog, loaded with the other rule files so a bad one stops the start before anything connects. */
export function loadActions(cfg: Config): ActionCatalog | undefined {
  return cfg.CXPULSE_ACTIONS === 'off' ? undefined : loadActionCatalog(cfg.CXPULSE_ACTIONS_FILE);
}

function counter(registry: Registry | undefined, name: string, help: string, labelNames: string[]): Counter {
  const existing = registry?.getSingleMetric(name);
  if (existing) return existing as Counter;
  return new Counter({ name, help, labelNames, registers: registry ? [registry] : [] });
}

interface Outlets {
  store: Pick<ScoreStore, 'writeActions' | 'readActions'>;
  feed: Pick<FeedHub, 'broadcastAction'>;
  log: Logger;
  registry?: Registry;
}

/**
 * The next-best-action engine over the churn runtime's customer states and scorer: actions go to
 * the feed (supervisors) and the store (`actions` table), counted in `cxpulse_actions_total`.
 * Off with CXPULSE_ACTIONS=off, or when the churn model is off (actions stand on its state).
 */
export async function startActions(cfg: Config, catalog: ActionCatalog | undefined, churn: Pick<ChurnRuntime, 'scorer' | 'states'>, o: Outlets): Promise<ActionsRuntime> {
  const off: ActionsRuntime = { deps: {}, stop: async () => undefined };
  if (!catalog) {
    o.log.info('next best actions off (CXPULSE_ACTIONS=off)');
    return off;
  }
  const { scorer, states } = churn;
  if (!scorer || !states) {
    o.log.info('next best actions off: they need the churn model (CXPULSE_CHURN=on)');
    return off;
  }
  const states_ = counter(o.registry, 'cxpulse_actions_total', 'Next-best-action states recorded, by action and status (open, held_out, done, declined, no_answer, expired)', ['action', 'status']);
  const errors = counter(o.registry, 'cxpulse_action_errors_total', 'Next-best-action failures, by stage (evaluate: an event was skipped; write: states did not reach the store)', ['stage']);
  const engine = createActionEngine({
    catalog,
    holdOutPercent: cfg.CXPULSE_ACTIONS_HOLDOUT_PERCENT,
    seed: cfg.CXPULSE_ACTIONS_SEED,
    agentLang: cfg.CXPULSE_AGENT_LANG,
    stateOf: async (id) => {
      await states.load([id]);
      return states.get(id);
    },
    scoreChurn: async (s) => (await scorer.score([{ profile: profileFeatures(s), stream: streamFeatures(s) }]))[0]!,
    outlets: {
      broadcast: (a) => o.feed.broadcastAction(a),
      write: (list) => o.store.writeActions(list),
      onAction: (a) => states_.inc({ action: a.action, status: a.status }),
      onWriteFailed: (err, list) => {
        errors.inc({ stage: 'write' });
        o.log.warn({ err, actions: list.length }, 'action states not written to the store (the feed carried them)');
      },
      onError: (err) => {
        errors.inc({ stage: 'evaluate' });
        o.log.warn({ err }, 'next-best-action evaluation failed; the events go on');
      },
    },
  });
  // What the store kept: open actions, past ones for cool-downs and rhythm, outcomes for the bandit.
  const days = restoreDays(catalog);
  const since = Date.now() - days * 86_400_000;
  try {
    const kept = await o.store.readActions(since);
    engine.restore(kept);
    if (kept.length > 0) o.log.info({ actions: kept.length }, `next best actions: ${kept.length} actions of the last ${days} days read back from the store`);
  } catch (err) {
    o.log.warn({ err }, 'next best actions: could not read past actions from the store; cool-downs and learning start empty');
  }
  const timer = setInterval(() => engine.expire(Date.now()), ACTION_EXPIRY_TICK_MS).unref();
  o.log.info({ actions: catalog.actions.length, holdOutPercent: cfg.CXPULSE_ACTIONS_HOLDOUT_PERCENT, seed: cfg.CXPULSE_ACTIONS_SEED, exploration: catalog.learning.exploration }, `next best actions on: ${catalog.actions.length} actions, hold-out ${cfg.CXPULSE_ACTIONS_HOLDOUT_PERCENT}% (seed ${cfg.CXPULSE_ACTIONS_SEED}), exploration ${catalog.learning.exploration}`);
  return {
    deps: { actions: engine },
    engine,
    stop: async () => {
      clearInterval(timer);
      await engine.flush();
    },
  };
}
