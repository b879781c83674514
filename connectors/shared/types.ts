import type { ConnectorError } from './errors.ts';

/** What a connector hands to the shared publishing path: the SPEC event contract, `ts` ISO or epoch ms. */
export interface ConnectorEvent {
  id: string;
  channel: 'chat' | 'email' | 'call';
  conversationId: string;
  customerId: string;
  author: 'customer' | 'agent' | 'system';
  text: string;
  ts: string | number;
  agentId?: string;
  lang?: string;
  subject?: string;
  meta?: Record<string, unknown>;
}

/** A business event for the churn model, published on `cx.events.crm` (SPEC). */
export interface CrmEvent {
  id: string;
  channel: 'crm';
  customerId: string;
  type: 'payment_late' | 'order_placed' | 'usage_drop' | 'plan_change' | 'cancellation';
  ts: string | number;
  meta?: Record<string, unknown>;
}

/** `rejected` carries an engine catalog error or a connector one (connectors/shared/errors.ts). */
export type PublishOutcome = { status: 'published' | 'duplicate' } | { status: 'rejected'; error: ConnectorError };

/** Source items that are counted but neither published nor dead-lettered (see {@link ConnectorPublisher.count}). */
export type CountOnlyOutcome = 'ignored' | 'unauthorized';

/**
 * The one publishing path every connector uses (connectors/shared/publisher.ts implements it):
 * validates against the contract, publishes with `Nats-Msg-Id` = id and retries with backoff
 * while the bus is away; an event that fails validation goes to the DLQ with the reason and the
 * source payload (never silently dropped) and comes back as `rejected`. Counts
 * `cxpulse_connector_events_total{connector, outcome}`.
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
