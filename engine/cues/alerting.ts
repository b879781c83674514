import type { ScoredEvent } from '../event/types.ts';
import { createAlertDetector, type ShareCount } from './alerts.ts';
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
  /** Counts from another instance (the aggregating instance of a scale-out; ignored elsewhere). */
  addShareCounts(counts: readonly ShareCount[]): void;
  /**
   * Counts read back from the store at start (every instance's events), so a restart does not
   * blind the negative-share alert for its window and baseline; taken where the alert is decided
   * (alone or the aggregating instance), ignored elsewhere. Returns the messages taken.
   */
  restoreShareCounts(counts: readonly ShareCount[]): number;
  /**
   * Takes over the incidents a previous run left open (the store's alerts whose latest state is
   * not `resolved`), so they update and resolve under their ids instead of staying open in the
   * store forever: the negative share where it is decided; spikes carrying this instance's id;
   * waiting conversations only with one instance (with several, which instance owns a stored
   * conversation is not known). Returns the ids taken.
   */
  adopt(alerts: readonly Alert[]): string[];
  /** Customer messages the negative-share alert has counted, this instance's and other instances'. */
  readonly shareCounted: number;
}

/**
 * Where the negative-share alert is decided when several instances share the stream (it is over
 * every conversation of a channel, so over every instance's events):
 * - `local` (one instance): counted and decided here;
 * - `aggregate` (the owner of partition 0): counted here, plus the counts `addShareCounts` brings
 *   from the others, and decided here, once for all;
 * - `report` (the other instances): counted per channel and minute, and sent with `send` at each
 *   evaluation instead of being decided here.
 * Waiting and spike alerts stay per instance: a conversation lives on one instance (partitioned by
 * customer), and dead letters and latency are each instance's own health.
 */
export type ShareMode = { role: 'local' } | { role: 'aggregate' } | { role: 'report'; send(counts: ShareCount[]): void };

/** `instance`: this instance's index when several share the stream (named in its spike alerts' ids); undefined alone. */
export function createAlerting(rules: AlertRules, share: ShareMode = { role: 'local' }, instance?: number): Alerting {
  const negative = createAlertDetector(rules);
  const waiting = createWaitingDetector(rules.waiting_too_long);
  const idPrefix = instance === undefined ? '' : `i${instance}-`;
  const dlq = createSpikeDetector('dlq_spike', rules.dlq_spike, idPrefix);
  const lat = createSpikeDetector('latency_spike', rules.latency_spike, idPrefix);
  /** `report`: counts not yet sent, by channel and minute. */
  const unsent = new Map<string, ShareCount>();
  let reported = 0;
  const shareAlerts = (nowMs: number) => {
    if (share.role !== 'report') return negative.evaluate(nowMs);
    if (unsent.size > 0) {
      const counts = [...unsent.values()];
      unsent.clear();
      share.send(counts);
    }
    return [];
  };
  return {
    observe(e) {
      if (share.role === 'report') {
        if (rules.enabled && e.author === 'customer') {
          const minute = Math.floor(e.receivedAtMs / 60_000);
          const key = `${e.channel}\u0000${minute}`;
          const c = unsent.get(key) ?? { channel: e.channel, minute, n: 0, neg: 0 };
          c.n++;
          if (e.sentiment.label === 'negative') c.neg++;
          unsent.set(key, c);
          reported++;
        }
      } else negative.observe(e);
      waiting.observe(e);
    },
    deadLettered: (nowMs) => dlq.observe(1, nowMs),
    latency: (ms, nowMs) => lat.observe(ms, nowMs),
    evaluate: (nowMs) => [...shareAlerts(nowMs), ...waiting.evaluate(nowMs), ...dlq.evaluate(nowMs), ...lat.evaluate(nowMs)],
    addShareCounts(counts) {
      if (share.role !== 'aggregate') return;
      for (const c of counts) negative.add(c);
    },
    adopt(list) {
      const taken: string[] = [];
      for (const a of list) {
        const ok =
          a.kind === 'negative_share' ? share.role !== 'report' && negative.adopt(a)
            : a.kind === 'dlq_spike' ? dlq.adopt(a)
              : a.kind === 'latency_spike' ? lat.adopt(a)
                : false;
        if (ok) taken.push(a.alertId);
      }
      if (share.role === 'local') taken.push(...waiting.adopt(list.filter((a): a is Extract<Alert, { kind: 'waiting_too_long' }> => a.kind === 'waiting_too_long')));
      return taken;
    },
    restoreShareCounts(counts) {
      if (share.role === 'report' || !rules.enabled) return 0;
      let n = 0;
      for (const c of counts) {
        negative.add(c);
        n += c.n;
      }
      return n;
    },
    get shareCounted() {
      return share.role === 'report' ? reported : negative.counted;
    },
    // Only the waiting detector keeps customers; the others count per channel.
    forgetCustomer: (target) => waiting.forgetCustomer(target),
    open: () => [...negative.open(), ...waiting.open(), ...dlq.open(), ...lat.open()],
    get waiting() {
      return waiting.waiting;
    },
  };
}
