import type { ScoredEvent } from '../event/types.ts';
import { createAlertDetector } from './alerts.ts';
import type { AlertRules } from './rules.ts';
import { createSpikeDetector } from './spikes.ts';
import type { Alert, ForgetsCustomers } from '../event/index.ts';
import { createWaitingDetector } from './waiting.ts';

/**
 * Every supervisor alert behind one face, so the engine feeds rows, dead letters and latencies in
 * and publishes whatever comes out of evaluate() (on each delivered batch and on a timer).
 */
export interface Alerting extends ForgetsCustomers {
  /** A delivered scored row. */
  observe(e: ScoredEvent): void;
  /** An event was dead-lettered at engine time `nowMs`. */
  deadLettered(nowMs: number): void;
  /** An event's engine latency (receive to ack) in ms, at engine time `nowMs`. */
  latency(ms: number, nowMs: number): void;
  evaluate(nowMs: number): Alert[];
  /** Ids of the alerts currently open. */
  open(): string[];
  /** Conversations waiting for an agent reply (for a gauge). */
  readonly waiting: number;
}

export function createAlerting(rules: AlertRules): Alerting {
  const negative = createAlertDetector(rules);
  const waiting = createWaitingDetector(rules.waiting_too_long);
  const dlq = createSpikeDetector('dlq_spike', rules.dlq_spike);
  const lat = createSpikeDetector('latency_spike', rules.latency_spike);
  return {
    observe(e) {
      negative.observe(e);
      waiting.observe(e);
    },
    deadLettered: (nowMs) => dlq.observe(1, nowMs),
    latency: (ms, nowMs) => lat.observe(ms, nowMs),
    evaluate: (nowMs) => [...negative.evaluate(nowMs), ...waiting.evaluate(nowMs), ...dlq.evaluate(nowMs), ...lat.evaluate(nowMs)],
    // Only the waiting detector keeps customers; the others count per channel.
    forgetCustomer: (target) => waiting.forgetCustomer(target),
    open: () => [...negative.open(), ...waiting.open(), ...dlq.open(), ...lat.open()],
    get waiting() {
      return waiting.waiting;
    },
  };
}
