import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { Logger, Metrics } from '../observability/index.ts';
import type { EventBus } from '../bus/types.ts';
import type { FeedHub } from '../feed/index.ts';
import { answerError } from './errors.ts';
import { registerDocs } from './docs.ts';
import { eventsRoute } from './events.ts';
import { feedRoute } from './feed.ts';
import { modelsRoute, type ModelsRouteOptions } from './models.ts';
import { opsRoutes, type Readiness } from './ops.ts';
import { staticPages } from './static.ts';
import { registerReports, type ReportsOptions } from './reports.ts';
import { registerCustomers, type CustomersOptions } from './customers.ts';

export type { Readiness };

export interface AppDeps {
  log: Logger;
  metrics: Metrics;
  bus: Pick<EventBus, 'publishEvent'>;
  feed: FeedHub;
  /** HS256 secret for feed tokens (CXPULSE_JWT_SECRET); undefined leaves the feed open. */
  jwtSecret?: string | undefined;
  maxTextBytes: number;
  maxBodyBytes: number;
  backend(): string | undefined;
  readiness(): Promise<Readiness>;
  /** Why the pipeline is not running, or undefined while it runs: POST /v1/events answers 503 meanwhile. */
  notReady?(): string | undefined;
  /** Hot reload and shadow scoring routes (/v1/models...); absent: not served. */
  models?: ModelsRouteOptions['registry'];
  /** GET /v1/reports/:kind behind the feed's token check (supervisor, admin); absent: not served. */
  reports?: Omit<ReportsOptions, 'jwtSecret'>;
  /** DELETE /v1/customers/:id (erasure, role admin); absent: not served. */
  erase?: CustomersOptions['erase'];
}

/**
 * Builds the HTTP app without listening, so tests can use inject() and a real port alike. Every
 * route declares its schemas; the OpenAPI document at /docs is built from them, including routes
 * registered on the returned app later (the connectors).
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // pino's Logger is what fastify uses inside; the cast only reconciles the two type packages.
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger, bodyLimit: deps.maxBodyBytes, logController: new LogController({ disableRequestLogging: true }) });
  app.setErrorHandler(answerError);
  await registerDocs(app);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  // @fastify/websocket hides every WebSocket route from the document (schema.hide); ours are part
  // of the API (the feed, the chat widget's socket), so they are shown again.
  app.addHook('onRoute', (route) => {
    if (route.websocket && route.schema) delete route.schema.hide;
  });
  await app.register(eventsRoute, { bus: deps.bus, maxTextBytes: deps.maxTextBytes, maxBodyBytes: deps.maxBodyBytes, metrics: deps.metrics, ...(deps.notReady ? { notReady: deps.notReady } : {}) });
  await app.register(opsRoutes, { metrics: deps.metrics, backend: deps.backend, readiness: deps.readiness });
  if (deps.models) await app.register(modelsRoute, { registry: deps.models });
  await app.register(feedRoute, { log: deps.log, feed: deps.feed, jwtSecret: deps.jwtSecret, backend: deps.backend });
  if (deps.reports) await registerReports(app, { ...deps.reports, jwtSecret: deps.jwtSecret });
  if (deps.erase) await registerCustomers(app, { erase: deps.erase, jwtSecret: deps.jwtSecret });
  await app.register(staticPages);
  return app;
}
