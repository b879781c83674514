/** The connector contract lives in the engine (engine/connector): connectors implement it. */
export type {
  Connector,
  ConnectorContext,
  ConnectorDefinition,
  ConnectorEvent,
  ConnectorPublisher,
  CountOnlyOutcome,
  CrmEvent,
  PublishOutcome,
} from '../../engine/connector/index.ts';
