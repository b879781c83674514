import type { BusinessEvent, ScoredEvent } from '../event/types.ts';
import type { Alert } from '../event/advice.ts';
import type { ErasedPlace, ErasureLogEntry } from '../event/erasure.ts';
import type { ActionRecommendation } from '../event/actions.ts';

/** Customer messages of one channel in one minute of receive time, `neg` of them negative. */
export interface MinuteShareCount { channel: string; minute: number; n: number; neg: number }

/**
 * A durable store for scored events. The engine acks a JetStream message only after
 * `write` has resolved for the batch that holds its event, so `write` must throw when the
 * rows are not durably stored. Writing the same event id twice (a redelivery) must not make
 * queries count it twice.
 */
export interface ScoreStore {
  /** Human-readable name for logs and /readyz, e.g. `clickhouse 18.16.1 http://127.0.0.1:8123/cxpulse`. */
  readonly description: string;
  /** Create database and tables if absent (idempotent). Called once at start. */
  init(): Promise<void>;
  write(rows: readonly ScoredEvent[]): Promise<void>;
  /** Same contract as `write`, for business (CRM) events: durable before resolving, a rewrite counts once. */
  writeBusinessEvents(rows: readonly BusinessEvent[]): Promise<void>;
  /**
   * Alert states (open, update, resolved), one row each. Not on the ack path: the engine logs a
   * failure and goes on (an alert is advice; the feed and cx.alerts already carried it).
   */
  writeAlerts(rows: readonly Alert[]): Promise<void>;
  /** Erasure on request: removes every row of these customer ids from every table or file; says what went where. */
  eraseCustomer?(ids: readonly string[]): Promise<ErasedPlace[]>;
  /** Appends to the erasure log (a keyed hash of the id and the time). */
  logErasure?(entry: ErasureLogEntry): Promise<void>;
  /** Next-best-action states (recommended, held out, outcome, expiry), one row each. Off the ack path, like alerts. */
  writeActions(rows: readonly ActionRecommendation[]): Promise<void>;
  /** The latest state of each action whose latest state was recorded at or after `sinceMs`: the action engine's memory after a restart. */
  readActions(sinceMs: number): Promise<ActionRecommendation[]>;
  /**
   * Customer messages per channel and minute of receive time (minute = floor(received ms / 60,000)),
   * `neg` of them labelled negative, received at or after `sinceMs`, each event once: the
   * negative-share alert's counts after a restart. Stores that cannot answer it cheaply leave it
   * out (the alert then starts empty).
   */
  readShareCounts?(sinceMs: number): Promise<MinuteShareCount[]>;
  /**
   * Alerts whose latest state is not `resolved` (what a previous run left open), so the engine
   * takes them over at start. Stores that cannot answer it leave it out.
   */
  readOpenAlerts?(): Promise<Alert[]>;
  /** True when the store answers right now (readiness). Never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The store answered and refused the rows' content (a value its table cannot hold), as opposed
 * to being unreachable: writing the same rows again fails again, so the writer splits the batch
 * to find the rows at fault and dead-letters them. `message` is the store's own error.
 */
export class RowsRejectedError extends Error {
  override name = 'RowsRejectedError';
}
