/**
 * Next best actions: from "73% churn risk" to who should contact the customer, how, when, and
 * whether it worked. The catalog is data (catalog.default.json or CXPULSE_ACTIONS_FILE, checked at
 * start); the stages are pure (stages.ts); the engine keeps a small memo per customer and learns
 * from outcomes (bandit.ts).
 *
 *   const engine = createActionEngine({ catalog: loadActionCatalog(), holdOutPercent: 10, seed: 1, ... });
 *   engine.observeScored(rows);                       // after the durable write
 *   engine.list({ owner: 'anna' });                   // the ranked worklist
 *   await engine.outcome(id, 'done');                 // learning
 */
export { ACTION_CHANNELS, ActionCatalogError, DEFAULT_ACTIONS_FILE, isTimeZone, loadActionCatalog, parseActionCatalog, type ActionCatalog, type ActionChannel, type BusinessHours, type CatalogAction } from './catalog.ts';
export { FACT_FIELDS, eligible, holds, parseCondition, type ActionFacts, type Condition, type Eligibility, type FactField } from './conditions.ts';
export { createBandit, inHoldOut, type ArmStats, type Bandit, type Choice } from './bandit.ts';
export { dueTime, hourOfWeek, inBusinessHours, localTime, addToPattern, emptyPattern, HOURS_PER_WEEK, type Due, type DueInput, type HourPattern } from './timing.ts';
export { assess, detect, prioritise, recommend, type Assessment, type Recommendation, type Trigger } from './stages.ts';
export { buildFacts, emptyMemo, type ChurnView, type CustomerMemo } from './facts.ts';
export {
  ActionClosedError,
  ActionNotFoundError,
  createActionEngine,
  DEFAULT_MAX_CLOSED,
  DEFAULT_MAX_CUSTOMERS,
  type ActionEngine,
  type ActionEngineOptions,
  type ActionFilter,
  type ActionOutlets,
  type LearningSummary,
} from './engine.ts';
export { ACTION_OUTCOMES, ACTION_STATUSES, type ActionOutcome, type ActionRecommendation, type ActionStatus } from '../event/index.ts';
