import type { Alert, ForgetsCustomers, ScoredEvent } from '../event/index.ts';
import { createBatchedWriter, SIDE_WRITE_LINGER_MS, SIDE_WRITE_MAX_BATCH } from '../util/index.ts';
import type { Alerting } from './alerting.ts';

/** NATS subject of supervisor alerts (open / update / resolved). */
export const ALERTS_SUBJECT = 'cx.alerts';

/** Where alert states go; structural so this module needs neither the feed, the bus nor a store. */
export interface AlertOutlets {
  broadcastAlert(alert: Alert): void;
  /** NATS cx.alerts; failures are swallowed (the feed and the store carry the state too). */
  publishAlert(alert: Alert): Promise<void>;
  writeAlerts(alerts: readonly Alert[]): Promise<void>;
  onAlert?(alert: Alert): void;
  onAlertWriteFailed?(err: Error, alerts: readonly Alert[]): void;
}

export interface AlertPublisher extends ForgetsCustomers {
  /** Durable rows, in order, after their `score` messages went out: counted, then alerts re-tested. */
  delivered(rows: readonly ScoredEvent[], nowMs: number): void;
  /** Re-tests the alerts alone (the timer, so they open and resolve when traffic stops). */
  tick(nowMs: number): void;
  /** Resolves once pending alert writes have settled (for a clean stop). */
  flush(): Promise<void>;
}

/**
 * Alerts only on durable rows, after their score message, so a client never sees an alert before
 * its evidence. Alert states go to the feed, to NATS `cx.alerts` and to the store; the store write
 * is off the ack path and batched (createBatchedWriter), so states land in order and a slow store never
 * delays scoring (a failed write is reported and dropped: the feed and cx.alerts carried it).
 */
export function createAlertPublisher(alerting: Alerting, out: AlertOutlets): AlertPublisher {
  const writer = createBatchedWriter<Alert>({
    write: (rows) => out.writeAlerts(rows),
    onError: (e, rows) => out.onAlertWriteFailed?.(e, rows),
    lingerMs: SIDE_WRITE_LINGER_MS,
    maxBatch: SIDE_WRITE_MAX_BATCH,
  });
  const send = (list: Alert[]) => {
    if (list.length === 0) return;
    for (const a of list) {
      out.broadcastAlert(a);
      void out.publishAlert(a).catch(() => undefined);
      out.onAlert?.(a);
    }
    writer.push(...list);
  };
  return {
    delivered(rows, nowMs) {
      for (const r of rows) alerting.observe(r);
      send(alerting.evaluate(nowMs));
    },
    tick: (nowMs) => send(alerting.evaluate(nowMs)),
    flush: () => writer.flush(),
    forgetCustomer(target) {
      // Erasure: alert states of the customer still waiting for the store write are never written.
      const removed = writer.drop((a) => 'customerId' in a && typeof a.customerId === 'string' && target.matches(a.customerId));
      return [{ place: 'memory', what: 'alert states waiting for the store', removed }];
    },
  };
}
