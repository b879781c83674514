import type { ConnectorDefinition } from '../shared/index.ts';
import { crmRoute } from './route.ts';

/** CRM: the business-event route (JSON or CSV body); CSV files are imported with `cxpulse connector crm --csv`. */
export const crmConnector: ConnectorDefinition<{ maxBatchEvents: number }> = {
  name: 'crm',
  configure: (cfg) => ({ maxBatchEvents: cfg.CXPULSE_MAX_BATCH_EVENTS }),
  create: ({ publisher, settings }) => ({
    name: 'crm',
    routes: async (app) => app.register(crmRoute, { publisher, maxBatchEvents: settings.maxBatchEvents }),
  }),
};
