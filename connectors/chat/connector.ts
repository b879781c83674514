import type { FastifyPluginAsync } from 'fastify';
import type { ConnectorDefinition } from '../shared/index.ts';
import { chatSettings, type ChatConfig } from './config.ts';
import { chatWebhookRoute, type ChatRouteOptions } from './webhook.ts';
import { chatWsRoute } from './ws.ts';

/** Both chat sources: the webhook (generic and Chatwoot) and the widget WebSocket. */
export const chatRoutes: FastifyPluginAsync<ChatRouteOptions> = async (app, opts) => {
  await app.register(chatWebhookRoute, opts);
  await app.register(chatWsRoute, opts);
};

/** Chat: routes only (webhook and WebSocket), always configured (secrets are optional). */
export const chatConnector: ConnectorDefinition<ChatConfig> = {
  name: 'chat',
  configure: chatSettings,
  create: ({ publisher, settings }) => ({
    name: 'chat',
    routes: async (app) => app.register(chatRoutes, { publisher, config: settings }),
  }),
};
