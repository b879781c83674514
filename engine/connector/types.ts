import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config/index.ts';
import type { BusinessEventType, CxEvent, EventError } from '../event/index.ts';
import type { Logger } from '../observability/index.ts';
import type { BackoffPolicy } from '../util/index.ts';

/**
 * The connector contract: what a source of events implements (connectors/<system>/) and what the
 * engine runs (engine/runtime/connectors.ts) or `cxpulse connector <name>` runs on its own. A
 * connector has HTTP routes, a background source (start/stop), or both; it never talks to the bus
 * itself but hands events to its {@link ConnectorPublisher}.
 */

/** A connector refusal uses the engine's error catalog (engine/event/errors.ts). */
export type ConnectorError = EventError;

/** A message event as a connector publishes it on `cx.events.<channel>` (SPEC): `ts` ISO-8601 or epoch ms. */
export type ConnectorEvent = Omit<CxEvent, 'tsMs'> & { ts: string | number };

/** A business event for the churn model, published on `cx.events.crm` (SPEC). */
export interface CrmEvent {
  id: string;
  channel: 'crm';
  customerId: string;
  type: BusinessEventType;
  ts: string | number;
  meta?: Record<string, unknown>;
}

/** `rejected` carries the catalog error the item was dead-lettered with. */
export type PublishOutcome = { status: 'published' | 'duplicate' } | { status: 'rejected'; error: ConnectorError };

/** Source items that are counted but neither published nor dead-lettered (see {@link ConnectorPublisher.count}). */
export type CountOnlyOutcome = 'ignored' | 'unauthorized';

/**
 * The one publishing path every connector uses (engine/connector/publisher.ts implements it):
 * validates against the contract, publishes with `Nats-Msg-Id` = id and retries with backoff
 * while the bus is away; an event that fails validation goes to the DLQ with the reason and the
 * source payload (never silently dropped) and comes back as `rejected`. Counts
 * `cxpulse_connector_events_total{connector, outcome}`. Throws {@link BusUnavailableError} when
 * the bus stays away longer than the retry budget.
 */
export interface ConnectorPublisher {
  publish(event: ConnectorEvent | CrmEvent, source?: { payload: string }): Promise<PublishOutcome>;
  /** Record a source item that could not even become an event (e.g. a mail with no text part). */
  reject(error: ConnectorError, payload: string): Promise<void>;
  /**
   * Count a source item that is deliberately not published: `ignored` (e.g. a private agent note,
   * a platform event that is not a message) or `unauthorized` (a bad webhook signature: not
   * dead-lettered, so unauthenticated senders cannot fill the DLQ). Optional for test doubles.
   */
  count?(outcome: CountOnlyOutcome): void;
}

/** What a connector is built from. */
export interface ConnectorContext<Settings> {
  /** This connector's publisher (its name is the metric label and the DLQ origin). */
  publisher: ConnectorPublisher;
  log: Logger;
  /** What {@link ConnectorDefinition.configure} returned. */
  settings: Settings;
}

/** A running connector: routes for the HTTP server it is served by, and/or a background source. */
export interface Connector {
  name: string;
  /**
   * An encapsulated fastify plugin with the connector's routes (raw-body parsers stay inside it).
   * WebSocket routes need `@fastify/websocket` on the parent, as the engine's app and the
   * standalone server register it.
   */
  routes?: FastifyPluginAsync;
  /** Starts the background source (a watched folder, a mailbox); trouble after start is retried inside. */
  start?(): Promise<void>;
  /** Lets the item in hand finish, then stops. */
  stop?(): Promise<void>;
}

/**
 * One entry of the connector registry (connectors/index.ts `CONNECTORS`). The engine and
 * `cxpulse connector <name>` both go through it: configure from the engine's config, create with
 * a publisher, then register `routes` and call `start`/`stop`.
 */
export interface ConnectorDefinition<Settings = unknown> {
  /** `chat`, `calls`, `crm`, `email`: the name in CXPULSE_CONNECTORS, the CLI, metrics and the DLQ. */
  name: string;
  /**
   * The connector's settings from the engine's Config (engine/config, the one schema), or
   * undefined when the connector is not configured (e-mail without CXPULSE_IMAP_HOST). Throws,
   * naming the variable, on a value the schema cannot express (a bad speaker map).
   */
  configure(cfg: Config): Settings | undefined;
  /** What configures the connector when {@link configure} returns undefined, for the error message. */
  enabledBy?: string;
  /**
   * Publish retry budget when the default (about 10 s, for a sender waiting on an HTTP answer) does
   * not suit: a source whose items wait safely elsewhere (a mailbox) can wait out a longer outage.
   */
  publishRetry?: Partial<BackoffPolicy>;
  create(ctx: ConnectorContext<Settings>): Connector;
}
