export { crmConnector } from './connector.ts';
export { crmRoute, CRM_PATH, type CrmRouteOptions } from './route.ts';
export { importCrmCsv, type CsvImportResult } from './import.ts';
export { readCrmCsv, REQUIRED_COLUMNS, type CrmRow } from './rows.ts';
export { toCrmEvent, NUMERIC_FIELDS } from './event.ts';
export { parseCsv, type CsvRecord } from './csv.ts';
