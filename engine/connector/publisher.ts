import { Counter, Registry } from 'prom-client';
import type { DeadLetter, EventBus } from '../bus/index.ts';
import { DEFAULT_MAX_TEXT_BYTES } from '../config/index.ts';
import type { Logger } from '../observability/index.ts';
import type { FieldLimits } from '../event/index.ts';
import { retry, type BackoffPolicy, type RetryHooks } from '../util/index.ts';
import { EVENT_ERRORS } from '../event/errors.ts';
import { checkContract, CRM_CHANNEL, isCrmEvent } from './contract.ts';
import { BusUnavailableError } from './errors.ts';
import type { ConnectorError, ConnectorEvent, ConnectorPublisher, CountOnlyOutcome, CrmEvent, PublishOutcome } from './types.ts';

/** NATS refuses messages over its max_payload (1 MiB by default); a DLQ entry must stay well below. */
export const DEFAULT_MAX_DLQ_PAYLOAD_BYTES = 256 * 1024;

/**
 * Suits an HTTP sender waiting for its answer: a NATS restart (a few seconds) is bridged, a longer
 * outage is answered 503 so the sender resends later (stable ids make that safe). File, mailbox
 * and CSV sources pass a longer budget.
 */
export const DEFAULT_PUBLISH_RETRY: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 5000, giveUpAfterMs: 10_000 };

export const CONNECTOR_EVENTS_METRIC = 'cxpulse_connector_events_total';
export const CONNECTOR_RETRIES_METRIC = 'cxpulse_connector_publish_retries_total';

/** Every value the `outcome` label takes: bounded, like every label we export. */
export type ConnectorOutcome = 'received' | 'published' | 'duplicate' | 'rejected' | 'failed' | CountOnlyOutcome;

export interface ConnectorPublisherOptions {
  /** Metric label and DLQ origin: `chat`, `calls`, `crm`, `email`. */
  connector: string;
  bus: Pick<EventBus, 'publishEvent' | 'deadLetter'>;
  /** The engine's registry (metrics.registry); a private one when absent. */
  registry?: Registry;
  maxTextBytes?: number;
  /** Caps on the other fields (CXPULSE_MAX_*); defaults where absent. */
  fieldLimits?: Partial<FieldLimits>;
  retry?: Partial<BackoffPolicy>;
  maxDlqPayloadBytes?: number;
  log?: Logger;
  /** For tests: a virtual clock and sleep. */
  retryHooks?: Omit<RetryHooks, 'onRetry'>;
}

export interface MeteredPublisher extends ConnectorPublisher {
  readonly connector: string;
  count(outcome: CountOnlyOutcome): void;
}

/** The connector counters, created once per registry (several publishers and app instances share them). */
export function connectorMetrics(registry: Registry) {
  const events =
    (registry.getSingleMetric(CONNECTOR_EVENTS_METRIC) as Counter<'connector' | 'outcome'> | undefined) ??
    new Counter({
      name: CONNECTOR_EVENTS_METRIC,
      help: 'Source items seen by a connector, by outcome: received, then published, duplicate, rejected (DLQ), failed (bus gave up), ignored or unauthorized',
      labelNames: ['connector', 'outcome'],
      registers: [registry],
    });
  const retries =
    (registry.getSingleMetric(CONNECTOR_RETRIES_METRIC) as Counter<'connector'> | undefined) ??
    new Counter({ name: CONNECTOR_RETRIES_METRIC, help: 'Bus publishes a connector retried after a failure', labelNames: ['connector'], registers: [registry] });
  return { events, retries };
}

/** Keeps a DLQ entry publishable: oversized payloads are cut, and the message says so. */
function boundedPayload(error: ConnectorError, payload: string, max: number): { error: ConnectorError; payload: string } {
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes <= max) return { error, payload };
  const cut = Buffer.from(payload, 'utf8').subarray(0, max).toString('utf8');
  return { error: { ...error, message: `${error.message} (payload cut to ${max} of ${bytes} bytes for the DLQ)` }, payload: cut };
}

/**
 * The shared publishing path (see {@link ConnectorPublisher}): contract check, DLQ for what fails
 * it, publish with `Nats-Msg-Id` = id, retries with backoff while the bus is away, and
 * `cxpulse_connector_events_total{connector,outcome}` for every step.
 */
export function createConnectorPublisher(opts: ConnectorPublisherOptions): MeteredPublisher {
  const { connector, bus, log } = opts;
  const { events, retries } = connectorMetrics(opts.registry ?? new Registry());
  const policy: BackoffPolicy = { ...DEFAULT_PUBLISH_RETRY, ...opts.retry };
  const maxTextBytes = opts.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
  const maxDlq = opts.maxDlqPayloadBytes ?? DEFAULT_MAX_DLQ_PAYLOAD_BYTES;
  const enc = new TextEncoder();
  const inc = (outcome: ConnectorOutcome) => events.inc({ connector, outcome });

  /** Runs a bus call with retries; throws BusUnavailableError once the budget is spent. `retried` is set after a failed attempt. */
  async function withBus<T>(what: string, op: () => Promise<T>, retried?: { value: boolean }): Promise<T> {
    const r = await retry(op, policy, {
      ...opts.retryHooks,
      onRetry: (err, attempt, delayMs) => {
        if (retried) retried.value = true;
        retries.inc({ connector });
        log?.warn({ err, attempt, delayMs, connector }, `${what} failed; retry ${attempt} in ${delayMs} ms`);
      },
    });
    if (r.ok) return r.value;
    inc('failed');
    throw new BusUnavailableError(`${what}: the bus did not confirm after ${r.attempts} attempts in ${r.elapsedMs} ms (${(r.error as Error).message})`, r.error);
  }

  async function deadLetter(error: ConnectorError, payload: string): Promise<void> {
    const bounded = boundedPayload(error, payload, maxDlq);
    // The origin is the connector, not a bus subject: no message existed before it refused the item.
    const entry: DeadLetter = {
      error: bounded.error,
      subject: `cx.connectors.${connector}`,
      payload: bounded.payload,
      receivedAtMs: Date.now(),
      deliveryCount: 1,
    };
    await withBus(`dead-lettering a ${connector} item`, () => bus.deadLetter(entry));
    inc('rejected');
    // The catalog's sentence only: the message can quote the refused item (the DLQ keeps it, redacted).
    log?.warn({ connector, code: error.code, field: error.field }, `${connector}: dead-lettered: ${EVENT_ERRORS[error.code].summary}`);
  }

  return {
    connector,
    count: (outcome) => inc(outcome),
    async reject(error, payload) {
      inc('received');
      await deadLetter(error, payload);
    },
    async publish(event: ConnectorEvent | CrmEvent, source?: { payload: string }): Promise<PublishOutcome> {
      inc('received');
      const check = checkContract(event, { ...opts.fieldLimits, maxTextBytes });
      if (!check.ok) {
        await deadLetter(check.error, source?.payload ?? JSON.stringify(event));
        return { status: 'rejected', error: check.error };
      }
      const channel = isCrmEvent(event) ? CRM_CHANNEL : event.channel;
      const data = enc.encode(JSON.stringify(event));
      const retried = { value: false };
      const ack = await withBus(`publishing ${event.id}`, () => bus.publishEvent(channel, data, event.id, event.customerId), retried);
      // After a failed attempt, a duplicate is almost surely that attempt having landed after all
      // (the ack was lost with the connection), so this call did publish the event.
      const status = ack.duplicate && !retried.value ? 'duplicate' : 'published';
      inc(status);
      return { status };
    },
  };
}
