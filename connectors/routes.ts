import type { FastifyPluginAsync } from 'fastify';
import { DEFAULT_MAX_TEXT_BYTES } from '../engine/config/index.ts';
import type { Logger } from '../engine/observability/index.ts';
import { chatConfigFromEnv, chatRoutes, type ChatConfig } from './chat/index.ts';
import { callsConfigFromEnv, callsRoute, watchCallsFolder, type CallsConfig, type CallsFolderWatcher } from './calls/index.ts';
import { crmRoute } from './crm/index.ts';
import type { ConnectorPublisher } from './shared/index.ts';

/** Connectors reachable over HTTP/WebSocket (email runs its own IMAP loop: connectors/email). */
export const HTTP_CONNECTORS = ['chat', 'calls', 'crm'] as const;
export type HttpConnectorName = (typeof HTTP_CONNECTORS)[number];

export interface ConnectorsConfig {
  chat?: ChatConfig;
  calls?: CallsConfig;
  /** Same limit as the engine's (CXPULSE_MAX_TEXT_BYTES), so a connector refuses what the engine would. */
  maxTextBytes?: number;
  /** Connectors whose routes are registered; default all of {@link HTTP_CONNECTORS}. */
  enabled?: readonly HttpConnectorName[];
}

export interface ConnectorRoutesOptions extends ConnectorsConfig {
  /** The publisher of one connector (its name is the metric label and the DLQ origin). */
  publisherFor(name: string): ConnectorPublisher;
}

/**
 * Registers the HTTP and WebSocket routes of the enabled connectors. Each connector is its own
 * encapsulated plugin (raw-body parsers stay inside it); the WebSocket route needs
 * `@fastify/websocket` registered on the parent, as `buildApp` does.
 */
export const connectorRoutes: FastifyPluginAsync<ConnectorRoutesOptions> = async (app, opts) => {
  const enabled = new Set<string>(opts.enabled ?? HTTP_CONNECTORS);
  const maxTextBytes = opts.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES;
  if (enabled.has('chat')) await app.register(chatRoutes, { publisher: opts.publisherFor('chat'), config: opts.chat ?? {} });
  if (enabled.has('calls')) await app.register(callsRoute, { publisher: opts.publisherFor('calls'), config: opts.calls ?? {}, maxTextBytes });
  if (enabled.has('crm')) await app.register(crmRoute, { publisher: opts.publisherFor('crm') });
};

/** Background sources (today: the calls folder, when `calls.dir` is set). */
export async function startConnectorWorkers(opts: ConnectorRoutesOptions & { log?: Logger }): Promise<{ stop(): Promise<void> }> {
  const enabled = new Set<string>(opts.enabled ?? HTTP_CONNECTORS);
  const watchers: CallsFolderWatcher[] = [];
  if (enabled.has('calls') && opts.calls?.dir) {
    const w = await watchCallsFolder({
      dir: opts.calls.dir,
      publisher: opts.publisherFor('calls'),
      config: opts.calls,
      maxTextBytes: opts.maxTextBytes ?? DEFAULT_MAX_TEXT_BYTES,
      log: opts.log,
    });
    watchers.push(w);
    opts.log?.info({ dir: opts.calls.dir }, `watching ${opts.calls.dir} for call files`);
  }
  return { stop: async () => void (await Promise.all(watchers.map((w) => w.stop()))) };
}

/**
 * Connector configuration from the environment: `CXPULSE_CONNECTORS` (comma list of chat, calls,
 * crm; `none` for no routes; default all), the chat secrets and token, `CXPULSE_CALLS_DIR`,
 * `CXPULSE_CALLS_SPEAKERS`, `CXPULSE_MAX_TEXT_BYTES`. Takes `process.env` or the engine's parsed
 * config object. Throws naming the variable on a bad value.
 */
export function connectorsConfigFromEnv(env: Record<string, unknown> = process.env): ConnectorsConfig {
  const cfg: ConnectorsConfig = { chat: chatConfigFromEnv(env) };
  try {
    cfg.calls = callsConfigFromEnv(env);
  } catch (e) {
    throw new Error(`invalid CXPULSE_CALLS_SPEAKERS: ${(e as Error).message}`);
  }
  const list = typeof env.CXPULSE_CONNECTORS === 'string' ? env.CXPULSE_CONNECTORS.trim() : undefined;
  if (list) {
    const names = list === 'none' ? [] : list.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !(HTTP_CONNECTORS as readonly string[]).includes(n));
    if (unknown.length > 0) throw new Error(`invalid CXPULSE_CONNECTORS: unknown connector(s) ${unknown.join(', ')}; expected ${HTTP_CONNECTORS.join(', ')} or none`);
    cfg.enabled = names as HttpConnectorName[];
  }
  const max = Number(env.CXPULSE_MAX_TEXT_BYTES);
  if (env.CXPULSE_MAX_TEXT_BYTES && Number.isInteger(max) && max > 0) cfg.maxTextBytes = max;
  return cfg;
}
