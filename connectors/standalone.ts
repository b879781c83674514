import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import { Registry } from 'prom-client';
import type { EventBus } from '../engine/bus/index.ts';
import type { Config } from '../engine/config/index.ts';
import { runConnectors, type MeteredPublisher } from '../engine/connector/index.ts';
import type { Logger } from '../engine/observability/index.ts';
import type { BackoffPolicy } from '../engine/util/index.ts';
import { fieldLimitsOf } from '../engine/event/index.ts';
import { assertExposureAllowed, guardRoutes, limitIngest, requestTimeoutOptions, routeAccess } from '../engine/access/index.ts';
import { connectorErrorHandler, type ConnectorDefinition } from './shared/index.ts';

export interface StandaloneOptions {
  bus: Pick<EventBus, 'publishEvent' | 'deadLetter'>;
  log: Logger;
  /** The engine's config: the connector's settings, CXPULSE_CONNECTOR_PORT, HOST, body and text limits. */
  cfg: Config;
  /** Overrides CXPULSE_CONNECTOR_PORT (0: any free port). */
  port?: number;
  /** Overrides HOST. */
  host?: string;
  registry?: Registry;
  /** Overrides the connector's publish retry budget (tests). */
  retry?: Partial<BackoffPolicy>;
}

export interface RunningConnector {
  app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:8081 */
  url: string;
  publisher: MeteredPublisher;
  stop(): Promise<void>;
}

/**
 * Runs one connector in its own small HTTP server (its routes, `/healthz`, `/metrics`) with its
 * background source, publishing to the given bus: `cxpulse connector <name>`. Same path as inside
 * the engine (engine/connector/run.ts), on a server of its own.
 */
export async function startConnector(definition: ConnectorDefinition, opts: StandaloneOptions): Promise<RunningConnector> {
  const { cfg, log } = opts;
  const settings = definition.configure(cfg);
  if (settings === undefined) throw new Error(`the ${definition.name} connector is not configured: it needs ${definition.enabledBy ?? 'its settings'} (connectors/README.md)`);
  const host = opts.host ?? cfg.HOST;
  // Same rule as the engine: no open server beyond loopback (checked before anything starts).
  assertExposureAllowed({ host, jwtSecret: cfg.CXPULSE_JWT_SECRET, allowOpen: cfg.CXPULSE_ALLOW_OPEN === '1' });
  const registry = opts.registry ?? new Registry();
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: cfg.CXPULSE_MAX_BODY_BYTES,
    ...requestTimeoutOptions(cfg.CXPULSE_REQUEST_TIMEOUT_MS),
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setErrorHandler((err: FastifyError, _req, reply) => connectorErrorHandler(err, reply));
  // The engine's token check and ingest rate limit, on the connector's own server.
  guardRoutes(app, { jwtSecret: cfg.CXPULSE_JWT_SECRET, claims: { issuer: cfg.CXPULSE_JWT_ISSUER, audience: cfg.CXPULSE_JWT_AUDIENCE } });
  await limitIngest(app, { max: cfg.CXPULSE_RATE_LIMIT_MAX, windowMs: cfg.CXPULSE_RATE_LIMIT_WINDOW_MS });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const config = routeAccess('public');
  app.get('/healthz', { config }, async () => ({ status: 'ok', connector: definition.name }));
  app.get('/metrics', { config }, async (_req, reply) => reply.header('content-type', registry.contentType).send(await registry.metrics()));
  const running = await runConnectors({
    app,
    bus: opts.bus,
    registry,
    log,
    maxTextBytes: cfg.CXPULSE_MAX_TEXT_BYTES,
    fieldLimits: fieldLimitsOf(cfg),
    selected: [{ definition, settings }],
    retry: opts.retry,
  });
  let address: string;
  try {
    address = await app.listen({ port: opts.port ?? cfg.CXPULSE_CONNECTOR_PORT, host });
  } catch (e) {
    await running.stop();
    throw e;
  }
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  log.info({ url, connector: definition.name }, `connector ${definition.name} listening on ${url}`);
  return {
    app,
    url,
    publisher: running.publishers.get(definition.name)!,
    async stop() {
      await running.stop();
      await app.close();
    },
  };
}
