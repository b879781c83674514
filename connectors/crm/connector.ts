import type { ConnectorDefinition } from '../shared/index.ts';
import { crmRoute } from './route.ts';

/** CRM: the business-event route (JSON or CSV body); CSV files are imported with `cxpulse connector crm --csv`. */
export const crmConnector: ConnectorDefinition<Record<string, never>> = {
  name: 'crm',
  configure: () => ({}),
  create: ({ publisher }) => ({
    name: 'crm',
    routes: async (app) => app.register(crmRoute, { publisher }),
  }),
};
