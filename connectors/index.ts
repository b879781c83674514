import type { ConnectorDefinition } from './shared/index.ts';
import { callsConnector } from './calls/index.ts';
import { chatConnector } from './chat/index.ts';
import { crmConnector } from './crm/index.ts';
import { emailConnector } from './email/index.ts';

/**
 * Every connector cxpulse ships: the one list `cxpulse start` (CXPULSE_CONNECTORS selects among
 * it) and `cxpulse connector <name>` read. A new connector is a folder exporting a
 * ConnectorDefinition (engine/connector/types.ts) and one entry here.
 */
export const CONNECTORS: readonly ConnectorDefinition[] = [chatConnector, callsConnector, crmConnector, emailConnector];

export { startConnector, type StandaloneOptions, type RunningConnector } from './standalone.ts';
export { chatConnector, callsConnector, crmConnector, emailConnector };
export { importCrmCsv, type CsvImportResult } from './crm/index.ts';
export { watchCallsFolder, type CallsFolderWatcher } from './calls/index.ts';
export * from './shared/index.ts';
