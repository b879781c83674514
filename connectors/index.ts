export {
  connectorRoutes,
  startConnectorWorkers,
  connectorsConfigFromEnv,
  HTTP_CONNECTORS,
  type HttpConnectorName,
  type ConnectorsConfig,
  type ConnectorRoutesOptions,
} from './routes.ts';
export { startConnector, DEFAULT_CONNECTOR_PORT, type StandaloneOptions, type RunningConnector } from './standalone.ts';
export * from './shared/index.ts';
export { importCrmCsv, type CsvImportResult } from './crm/index.ts';
export { watchCallsFolder, type CallsFolderWatcher } from './calls/index.ts';
