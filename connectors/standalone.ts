import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import { Registry } from 'prom-client';
import type { EventBus } from '../engine/bus/index.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../engine/config/index.ts';
import type { Logger } from '../engine/observability/index.ts';
import { connectorErrorHandler, createConnectorPublisher, type MeteredPublisher, type RetryPolicy } from './shared/index.ts';
import { connectorRoutes, startConnectorWorkers, type ConnectorsConfig, type HttpConnectorName } from './routes.ts';

/** Beside an engine on 8080, a standalone connector must not take the same port. */
export const DEFAULT_CONNECTOR_PORT = 8081;

export interface StandaloneOptions {
  bus: Pick<EventBus, 'publishEvent' | 'deadLetter'>;
  log: Logger;
  config: ConnectorsConfig;
  port?: number;
  host?: string;
  maxBodyBytes?: number;
  registry?: Registry;
  retry?: Partial<RetryPolicy>;
}

export interface RunningConnector {
  app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:8081 */
  url: string;
  publisher: MeteredPublisher;
  stop(): Promise<void>;
}

/**
 * Runs one connector in its own small HTTP server (its routes, `/healthz`, `/metrics`) and its
 * background work (the calls folder), publishing to the given bus: `cxpulse connector <name>`.
 */
export async function startConnector(name: HttpConnectorName, opts: StandaloneOptions): Promise<RunningConnector> {
  const registry = opts.registry ?? new Registry();
  const publisher = createConnectorPublisher({ connector: name, bus: opts.bus, registry, maxTextBytes: opts.config.maxTextBytes, retry: opts.retry, log: opts.log });
  const routeOpts = { ...opts.config, enabled: [name], publisherFor: () => publisher };
  const app = Fastify({ loggerInstance: opts.log as FastifyBaseLogger, bodyLimit: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, logController: new LogController({ disableRequestLogging: true }) });
  app.setErrorHandler((err: FastifyError, _req, reply) => connectorErrorHandler(err, reply));
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(connectorRoutes, routeOpts);
  app.get('/healthz', async () => ({ status: 'ok', connector: name }));
  app.get('/metrics', async (_req, reply) => reply.header('content-type', registry.contentType).send(await registry.metrics()));
  const workers = await startConnectorWorkers({ ...routeOpts, log: opts.log });
  const address = await app.listen({ port: opts.port ?? DEFAULT_CONNECTOR_PORT, host: opts.host ?? '0.0.0.0' });
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  opts.log.info({ url, connector: name }, `connector ${name} listening on ${url}`);
  return {
    app,
    url,
    publisher,
    async stop() {
      await workers.stop();
      await app.close();
    },
  };
}
