import type { EventBus } from '../bus/index.ts';
import type { AlertPublisher, Alerting } from '../cues/index.ts';
import type { Metrics } from '../observability/index.ts';

/** How often the consumer lag is read from the bus for its gauge. */
export const LAG_POLL_MS = 5000;

interface TimerDeps {
  bus: Pick<EventBus, 'lag'>;
  metrics: Metrics;
  alerting: Pick<Alerting, 'waiting'>;
  alerts: Pick<AlertPublisher, 'tick'>;
  /** CXPULSE_ALERT_TICK_MS: alerts are re-tested on this timer too, so they resolve when traffic stops. */
  alertTickMs: number;
  /** The engine clock (default Date.now). */
  now?: () => number;
}

/** The engine's periodic work (lag gauge, alert re-test); returns the function that stops it. */
export function startTimers(d: TimerDeps): () => void {
  const lag = setInterval(() => {
    void d.bus.lag().then((n) => n !== undefined && d.metrics.consumerLag.set(n));
  }, LAG_POLL_MS).unref();
  const alerts = setInterval(() => {
    d.alerts.tick((d.now ?? Date.now)());
    d.metrics.waitingConversations.set(d.alerting.waiting);
  }, d.alertTickMs).unref();
  return () => {
    clearInterval(lag);
    clearInterval(alerts);
  };
}
