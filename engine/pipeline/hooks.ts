import { EVENT_ERRORS } from '../event/errors.ts';
import type { DeadLetter, Envelope } from '../bus/types.ts';
import type { AlertOutlets, Alerting } from '../cues/index.ts';
import type { Cue } from '../event/index.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import type { StageErrorHook } from './afterDurable.ts';
import type { DeliverOptions } from './deliver.ts';
import type { RedactionCounter } from './redact.ts';
import type { StoreBusinessOptions } from './storeBusinessEvents.ts';

/** What the pipeline reports as it runs; every hook is optional (a test passes none). */
export interface PipelineHooks {
  /** Every message taken from the bus, valid or not. */
  onReceived?(env: Envelope): void;
  /** Messages taken from the bus and not yet acked or nak'ed (fromBus). */
  onInFlight?(n: number): void;
  onRedaction?: RedactionCounter;
  /** Safely in the DLQ, whatever refused it (invalid input, a business event, the model). */
  onDeadLettered?(entry: DeadLetter): void;
  onScoreBatch?(size: number): void;
  /** A batch failed on a scoring worker thread and was scored on the main thread instead. */
  onWorkerError?(error: Error): void;
  deliver?: Pick<DeliverOptions, 'onRetry' | 'onGaveUp' | 'onDelivered' | 'onStored'>;
  business?: Pick<StoreBusinessOptions, 'onRetry' | 'onGaveUp' | 'onStored'>;
  onCue?(cue: Cue): void;
  /** A stage after the durable write failed on a batch (the rows stay stored and acked). */
  onStageError?: StageErrorHook;
}

export interface HookTargets {
  metrics: Metrics;
  log: Logger;
  /** The engine-health alerts learn of dead letters and latencies from the hooks. */
  alerting: Pick<Alerting, 'deadLettered' | 'latency'>;
}

const channelOfSubject = (subject: string) => subject.split('.')[2] ?? 'unknown';

/** Every metric and log line of the running pipeline, in one place. */
export function pipelineHooks({ metrics, log, alerting }: HookTargets): PipelineHooks {
  const retried = (what: string) => (err: Error, attempt: number) => {
    metrics.sinkRetries.inc();
    log.warn({ err, attempt }, `${what} write failed; retry ${attempt}`);
  };
  return {
    onReceived: (env) => {
      const channel = channelOfSubject(env.subject);
      metrics.eventsIn.inc({ channel });
      if (env.deliveryCount > 1) metrics.eventsRedelivered.inc({ channel });
    },
    onInFlight: (n) => metrics.inFlight.set(n),
    onRedaction: (kind, n) => metrics.redactions.inc({ kind }, n),
    onDeadLettered: (entry) => {
      alerting.deadLettered(Date.now());
      metrics.eventsFailed.inc({ channel: channelOfSubject(entry.subject), error_type: entry.error.code });
      // The catalog's sentence, not the entry's message: that can quote the message (a JSON parse error
      // quotes its input, a store error a row); the DLQ entry itself keeps it, redacted.
      log.warn({ code: entry.error.code, field: entry.error.field, subject: entry.subject, busId: entry.busId }, `dead-lettered: ${EVENT_ERRORS[entry.error.code].summary}`);
    },
    onScoreBatch: (n) => metrics.batchSize.observe({ stage: 'score' }, n),
    onWorkerError: (err) => log.warn({ err }, 'a scoring worker failed on a batch; scored on the main thread instead'),
    deliver: {
      onRetry: retried('store'),
      onGaveUp: (err, n) => log.error({ err, events: n }, 'store unavailable; batch returned to the bus for redelivery'),
      onDelivered: (item, row, ackedAtMs) => {
        metrics.eventsOut.inc({ channel: row.channel });
        metrics.latency.observe({ channel: row.channel }, (ackedAtMs - item.env.receivedAtMs) / 1000);
        alerting.latency(ackedAtMs - item.env.receivedAtMs, ackedAtMs);
      },
      onStored: (rows) => metrics.batchSize.observe({ stage: 'sink' }, rows.length),
    },
    business: {
      onRetry: retried('business event'),
      onGaveUp: (err, n) => log.error({ err, events: n }, 'store unavailable; business events returned to the bus for redelivery'),
      onStored: (rows) => metrics.eventsOut.inc({ channel: 'crm' }, rows.length),
    },
    onCue: (c) => metrics.cues.inc({ kind: c.kind }),
    onStageError: (err, stage) => log.warn({ err, stage }, `${stage} stage failed on a batch; its rows stay stored`),
  };
}

/** Metrics and log lines of published alert states (from the pipeline and the alert timer). */
export function alertHooks({ metrics, log, alerting }: Omit<HookTargets, 'alerting'> & { alerting: Pick<Alerting, 'open' | 'waiting'> }): Pick<AlertOutlets, 'onAlert' | 'onAlertWriteFailed'> {
  return {
    onAlert: (a) => {
      metrics.alerts.inc({ kind: a.kind, status: a.status });
      metrics.alertsOpen.set(alerting.open().length);
      metrics.waitingConversations.set(alerting.waiting);
      log.info({ alertId: a.alertId, kind: a.kind, status: a.status }, `alert ${a.status}: ${a.text}`);
    },
    onAlertWriteFailed: (err, list) => {
      metrics.alertWriteFailures.inc(list.length);
      log.warn({ err, alerts: list.length }, 'store could not write alert states; they went to the feed and cx.alerts only');
    },
  };
}
