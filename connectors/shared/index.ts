export * from './types.ts';
export * from './errors.ts';
export { CRM_EVENT_TYPES, CRM_CHANNEL, checkContract, checkCrmEvent, isCrmEvent, type ContractCheck } from './contract.ts';
export {
  createConnectorPublisher,
  connectorMetrics,
  CONNECTOR_EVENTS_METRIC,
  CONNECTOR_RETRIES_METRIC,
  DEFAULT_MAX_DLQ_PAYLOAD_BYTES,
  type ConnectorOutcome,
  type ConnectorPublisherOptions,
  type MeteredPublisher,
} from './publisher.ts';
export { DEFAULT_RETRY, backoffDelay, withRetry, type RetryPolicy, type RetryHooks } from './retry.ts';
export { decodeText, decodeJson, isObject, type Decoded } from './decode.ts';
export * from './fields.ts';
export { acceptRawBodies, rawBody, sendError, answeringBusErrors, connectorErrorHandler } from './http.ts';
