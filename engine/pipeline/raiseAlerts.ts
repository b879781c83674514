import type { MonoTypeOperatorFunction } from 'rxjs';
import type { AlertPublisher } from '../cues/index.ts';
import type { ScoredEvent } from '../event/index.ts';
import { afterDurable, type StageErrorHook } from './afterDurable.ts';

/**
 * Counts each batch of stored rows in the supervisor alerts (negative share, waiting customers)
 * and publishes every alert state that changed: to the feed, NATS `cx.alerts` and the store.
 * `now` is the engine clock the alert windows are measured on.
 *
 * @example source.pipe(adviseCues(cueEngine, feed), raiseAlerts(alerts, onError))
 */
export function raiseAlerts(alerts: Pick<AlertPublisher, 'delivered'>, onError?: StageErrorHook, now: () => number = Date.now): MonoTypeOperatorFunction<ScoredEvent[]> {
  return afterDurable('alerts', (rows) => alerts.delivered(rows, now()), onError);
}
