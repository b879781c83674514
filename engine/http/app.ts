import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import { guardRoutes, limitIngest, requestTimeoutOptions, type TokenClaims } from '../access/index.ts';
import {
  DEFAULT_FEED_MAX_CLIENTS,
  DEFAULT_MAX_BATCH_EVENTS,
  DEFAULT_RATE_LIMIT_MAX,
  DEFAULT_RATE_LIMIT_WINDOW_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from '../config/index.ts';
import type { FieldLimits } from '../event/validate.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import type { EventBus } from '../bus/types.ts';
import type { FeedHub } from '../feed/index.ts';
import { answerError } from './errors.ts';
import { DOCS_PREFIX, registerDocs } from './docs.ts';
import { eventsRoute } from './events.ts';
import { feedRoute } from './feed.ts';
import { modelsRoute, type ModelsRouteOptions } from './models.ts';
import { opsRoutes, type Readiness } from './ops.ts';
import { staticPages } from './static.ts';
import { registerReports, type ReportsOptions } from './reports.ts';
import { customersRoute, type CustomersOptions } from './customers.ts';
import { registerActions, type ActionsRouteOptions } from './actions.ts';

export type { Readiness };

/** Caps on the work one client can cause (README, "Limits"); each is a CXPULSE_* setting. */
export interface HttpLimits {
  fieldLimits: Partial<FieldLimits>;
  maxBatchEvents: number;
  /** A request must arrive whole within this; Node answers 408 and closes the connection otherwise. */
  requestTimeoutMs: number;
  /** Ingest requests per token (or per address without one) in each window; 0: no limit. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  feedMaxClients: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  fieldLimits: {},
  maxBatchEvents: DEFAULT_MAX_BATCH_EVENTS,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  rateLimitMax: DEFAULT_RATE_LIMIT_MAX,
  rateLimitWindowMs: DEFAULT_RATE_LIMIT_WINDOW_MS,
  feedMaxClients: DEFAULT_FEED_MAX_CLIENTS,
};

export interface AppDeps {
  log: Logger;
  metrics: Metrics;
  bus: Pick<EventBus, 'publishEvent'>;
  feed: FeedHub;
  /** HS256 secret for bearer tokens (CXPULSE_JWT_SECRET); undefined leaves every route open. */
  jwtSecret?: string | undefined;
  /** `iss` and `aud` every token must carry, when set (CXPULSE_JWT_ISSUER, CXPULSE_JWT_AUDIENCE). */
  jwtClaims?: TokenClaims;
  maxTextBytes: number;
  maxBodyBytes: number;
  /** Defaults where absent (DEFAULT_HTTP_LIMITS). */
  limits?: Partial<HttpLimits>;
  /** Serve /healthz, /readyz and /metrics here (default); false when they have a port of their own (opsApp). */
  ops?: boolean;
  backend(): string | undefined;
  readiness(): Promise<Readiness>;
  /** Why the pipeline is not running, or undefined while it runs: POST /v1/events answers 503 meanwhile. */
  notReady?(): string | undefined;
  /** Hot reload and shadow scoring routes (/v1/models...); absent: not served. */
  models?: ModelsRouteOptions['registry'];
  /** GET /v1/reports/:kind (supervisor, admin); absent: not served. */
  reports?: ReportsOptions;
  /** DELETE /v1/customers/:id (erasure, role admin); absent: not served. */
  erase?: CustomersOptions['erase'];
  /** /v1/actions... (supervisor, admin); absent: not served (CXPULSE_ACTIONS=off). */
  actions?: ActionsRouteOptions['engine'];
}

/**
 * Builds the HTTP app without listening, so tests can use inject() and a real port alike. Every
 * route declares its schemas; the OpenAPI document at /docs is built from them, including routes
 * registered on the returned app later (the connectors).
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...deps.limits };
  // pino's Logger is what fastify uses inside; the cast only reconciles the two type packages.
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.maxBodyBytes,
    ...requestTimeoutOptions(limits.requestTimeoutMs),
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setErrorHandler(answerError);
  // Before any route: every route registered from here on (connectors' too) must declare its access.
  guardRoutes(app, { jwtSecret: deps.jwtSecret, claims: deps.jwtClaims ?? {}, publicPrefixes: [DOCS_PREFIX] });
  await limitIngest(app, { max: limits.rateLimitMax, windowMs: limits.rateLimitWindowMs });
  await registerDocs(app);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  // @fastify/websocket hides every WebSocket route from the document (schema.hide); ours are part
  // of the API (the feed, the chat widget's socket), so they are shown again.
  app.addHook('onRoute', (route) => {
    if (route.websocket && route.schema) delete route.schema.hide;
  });
  const { fieldLimits, maxBatchEvents } = limits;
  await app.register(eventsRoute, {
    bus: deps.bus,
    maxTextBytes: deps.maxTextBytes,
    maxBodyBytes: deps.maxBodyBytes,
    fieldLimits,
    maxBatchEvents,
    metrics: deps.metrics,
    ...(deps.notReady ? { notReady: deps.notReady } : {}),
  });
  if (deps.ops !== false) await app.register(opsRoutes, { metrics: deps.metrics, backend: deps.backend, readiness: deps.readiness });
  if (deps.models) await app.register(modelsRoute, { registry: deps.models });
  await app.register(feedRoute, { log: deps.log, feed: deps.feed, authenticated: deps.jwtSecret !== undefined, maxClients: limits.feedMaxClients, backend: deps.backend });
  if (deps.reports) await registerReports(app, deps.reports);
  if (deps.erase) await app.register(customersRoute, { erase: deps.erase });
  if (deps.actions) await registerActions(app, { engine: deps.actions });
  await app.register(staticPages);
  return app;
}

/**
 * The ops routes alone on an app of their own (CXPULSE_OPS_PORT): liveness, readiness and metrics
 * for an internal network, while the main port may face clients.
 */
export async function opsApp(app: FastifyInstance, deps: Pick<AppDeps, 'metrics' | 'backend' | 'readiness'>): Promise<FastifyInstance> {
  app.setErrorHandler(answerError);
  guardRoutes(app, { jwtSecret: undefined });
  await app.register(opsRoutes, deps);
  return app;
}
