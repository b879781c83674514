export type {
  Connector,
  ConnectorContext,
  ConnectorDefinition,
  ConnectorError,
  ConnectorEvent,
  ConnectorPublisher,
  CountOnlyOutcome,
  CrmEvent,
  PublishOutcome,
} from './types.ts';
export { BusUnavailableError } from './errors.ts';
export { checkContract, isCrmEvent, CRM_CHANNEL, type ContractCheck } from './contract.ts';
export {
  createConnectorPublisher,
  connectorMetrics,
  CONNECTOR_EVENTS_METRIC,
  CONNECTOR_RETRIES_METRIC,
  DEFAULT_MAX_DLQ_PAYLOAD_BYTES,
  DEFAULT_PUBLISH_RETRY,
  type ConnectorOutcome,
  type ConnectorPublisherOptions,
  type MeteredPublisher,
} from './publisher.ts';
export { selectConnectors, type SelectedConnector } from './select.ts';
export { runConnectors, type RunConnectorsOptions, type RunningConnectors } from './run.ts';
