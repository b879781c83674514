import type { ConnectorDefinition } from '../shared/index.ts';
import { callsSettings, type CallsSettings } from './config.ts';
import { watchCallsFolder, type CallsFolderWatcher } from './folder.ts';
import { callsRoute } from './route.ts';

/** Calls: the upload route, and a watched folder when CXPULSE_CALLS_DIR is set. */
export const callsConnector: ConnectorDefinition<CallsSettings> = {
  name: 'calls',
  configure: callsSettings,
  create: ({ publisher, log, settings }) => {
    const { config, maxTextBytes } = settings;
    let watcher: CallsFolderWatcher | undefined;
    return {
      name: 'calls',
      routes: async (app) => app.register(callsRoute, { publisher, config, maxTextBytes }),
      async start() {
        if (!config.dir || watcher) return;
        watcher = await watchCallsFolder({ dir: config.dir, publisher, config, maxTextBytes, log });
        log.info({ dir: config.dir }, `watching ${config.dir} for call files`);
      },
      async stop() {
        await watcher?.stop();
        watcher = undefined;
      },
    };
  },
};
