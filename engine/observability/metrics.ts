import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The engine's Prometheus metrics. Names follow `cxpulse_<name>_<unit>[_total]`; labels are
 * bounded (channel, error_type, stage, backend), never ids.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cxpulse_process_' });
  const r = [registry];
  return {
    registry,
    eventsIn: new Counter({ name: 'cxpulse_events_in_total', help: 'Events received by the engine (valid or not), by channel', labelNames: ['channel'], registers: r }),
    eventsRedelivered: new Counter({
      name: 'cxpulse_events_redelivered_total',
      help: 'Events the bus delivered again (after a crash, a nak or an ack timeout), by channel; the store counts each once',
      labelNames: ['channel'],
      registers: r,
    }),
    eventsOut: new Counter({ name: 'cxpulse_events_out_total', help: 'Events stored and acked (customer messages once scored; business events on channel crm), by channel', labelNames: ['channel'], registers: r }),
    eventsFailed: new Counter({
      name: 'cxpulse_events_failed_total',
      help: 'Events rejected (sent to the DLQ or refused over HTTP) or failed in a stage, by channel and error type',
      labelNames: ['channel', 'error_type'],
      registers: r,
    }),
    latency: new Histogram({
      name: 'cxpulse_event_latency_seconds',
      help: 'Engine latency from receipt of an event to its durable write and publication',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: r,
    }),
    batchSize: new Histogram({
      name: 'cxpulse_batch_size',
      help: 'Events per batch, by stage (score = one model forward pass, sink = one store write)',
      labelNames: ['stage'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers: r,
    }),
    consumerLag: new Gauge({ name: 'cxpulse_consumer_lag_messages', help: 'Messages in the stream not yet delivered to the engine consumer', registers: r }),
    inFlight: new Gauge({ name: 'cxpulse_in_flight_events', help: 'Events taken from the bus and not yet acked', registers: r }),
    redactions: new Counter({ name: 'cxpulse_redactions_total', help: 'PII spans redacted, by kind', labelNames: ['kind'], registers: r }),
    sinkRetries: new Counter({ name: 'cxpulse_sink_retries_total', help: 'Store writes retried after a failure', registers: r }),
    feedClients: new Gauge({ name: 'cxpulse_feed_clients', help: 'Connected WebSocket feed clients', registers: r }),
    feedDropped: new Counter({ name: 'cxpulse_feed_dropped_total', help: 'Feed messages dropped for slow clients', registers: r }),
    tfBackend: new Gauge({ name: 'cxpulse_tf_backend_info', help: 'Active TensorFlow.js backend (value 1)', labelNames: ['backend'], registers: r }),
    modelInfo: new Gauge({ name: 'cxpulse_model_info', help: 'Loaded model version (value 1)', labelNames: ['version'], registers: r }),
    modelReloads: new Counter({ name: 'cxpulse_model_reloads_total', help: 'Model reload attempts, by result (ok, refused)', labelNames: ['result'], registers: r }),
    cues: new Counter({ name: 'cxpulse_cues_total', help: 'Cues raised for agents, by kind', labelNames: ['kind'], registers: r }),
    alerts: new Counter({ name: 'cxpulse_alerts_total', help: 'Alert states published (open, update, resolved), by kind and status', labelNames: ['kind', 'status'], registers: r }),
    alertsOpen: new Gauge({ name: 'cxpulse_alerts_open', help: 'Alerts open now', registers: r }),
    alertWriteFailures: new Counter({ name: 'cxpulse_alert_write_failures_total', help: 'Alert states the store failed to write (they still went to the feed and cx.alerts)', registers: r }),
    waitingConversations: new Gauge({ name: 'cxpulse_waiting_conversations', help: 'Conversations whose last customer message awaits an agent reply (watched channels)', registers: r }),
    shadowAgreement: new Counter({ name: 'cxpulse_shadow_agreement_total', help: 'Events scored by both the active and the shadow model, by whether their labels agree', labelNames: ['result'], registers: r }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
