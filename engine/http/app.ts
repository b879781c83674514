import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { Logger } from '../observability/index.ts';
import type { Metrics } from '../observability/index.ts';
import type { EventBus } from '../bus/types.ts';
import { authenticateFeed, FEED_CLOSE, tokenFrom, type FeedHub, type FeedViewer } from '../feed/index.ts';
import { EVENT_ERRORS } from '../event/errors.ts';
import { FASTIFY_CODES, HttpEventError } from './errors.ts';
import { eventsRoute } from './events.ts';
import { modelsRoute, type ModelsRouteOptions } from './models.ts';
import { staticPages } from './static.ts';
import { registerReports, type ReportsOptions } from './reports.ts';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

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
  /** Hot reload and shadow scoring routes (/v1/models...); absent: not served. */
  models?: ModelsRouteOptions['registry'];
  /** GET /v1/reports/:kind behind the feed's token check (supervisor, admin); absent: not served. */
  reports?: Omit<ReportsOptions, 'jwtSecret'>;
}

/** Builds the HTTP app without listening, so tests can use inject() and a real port alike. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // pino's Logger is what fastify uses inside; the cast only reconciles the two type packages.
  const app = Fastify({ loggerInstance: deps.log as FastifyBaseLogger, bodyLimit: deps.maxBodyBytes, logController: new LogController({ disableRequestLogging: true }) });
  app.setErrorHandler((err: FastifyError | HttpEventError, req, reply) => {
    if (err instanceof HttpEventError) {
      const error: Record<string, unknown> = { code: err.code, message: err.message };
      if (err.field) error.field = err.field;
      if (err.details) error.events = err.details;
      return reply.code(err.statusCode).send({ error });
    }
    const mapped = FASTIFY_CODES[err.code];
    if (mapped) {
      const status = EVENT_ERRORS[mapped].status;
      return reply.code(status).send({ error: { code: mapped, message: `${EVENT_ERRORS[mapped].summary} (${err.message})` } });
    }
    if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: { code: err.code ?? 'CX_ERR_BAD_REQUEST', message: err.message } });
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: { code: 'CX_ERR_INTERNAL', message: 'internal error; see the engine log' } });
  });

  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(eventsRoute, { bus: deps.bus, maxTextBytes: deps.maxTextBytes, maxBodyBytes: deps.maxBodyBytes, metrics: deps.metrics });

  app.get('/healthz', async () => ({ status: 'ok', tfBackend: deps.backend() ?? 'none' }));
  app.get('/readyz', async (_req, reply) => {
    const r = await deps.readiness();
    return reply.code(r.ready ? 200 : 503).send({ ...r, tfBackend: deps.backend() ?? 'none' });
  });
  app.get('/metrics', async (_req, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  if (deps.models) await app.register(modelsRoute, { registry: deps.models });
  registerFeed(app, deps);
  if (deps.reports) await registerReports(app, { ...deps.reports, jwtSecret: deps.jwtSecret });
  await app.register(staticPages);
  return app;
}

/**
 * GET /v1/feed. The token is checked in preValidation, which @fastify/websocket runs before the
 * upgrade, so a refused client gets a plain HTTP 401/403 with the catalog's error body instead of
 * a socket that opens and closes.
 */
function registerFeed(app: FastifyInstance, deps: AppDeps): void {
  const secret = deps.jwtSecret === undefined ? undefined : new TextEncoder().encode(deps.jwtSecret);
  if (!secret) deps.log.warn('CXPULSE_JWT_SECRET is unset: the WebSocket feed /v1/feed is unauthenticated and shows every conversation to anyone who can reach this port');
  const viewers = new WeakMap<object, FeedViewer>();
  app.get(
    '/v1/feed',
    {
      websocket: true,
      preValidation: async (req, reply) => {
        if (!secret) return;
        const r = await authenticateFeed(tokenFrom(req.headers, req.query), secret);
        if (!r.ok) {
          req.log.info({ status: r.refusal.status, reason: r.refusal.message }, 'feed connection refused');
          return reply.code(r.refusal.status).send({ error: { code: r.refusal.code, message: r.refusal.message } });
        }
        viewers.set(req, r.viewer);
      },
    },
    (socket, req) => {
      const viewer: FeedViewer | undefined = secret ? viewers.get(req) : { role: 'open' };
      // Unreachable while preValidation refuses first; kept so a routing change cannot open the feed.
      if (!viewer) return socket.close(FEED_CLOSE.UNAUTHORIZED, 'not authenticated');
      deps.feed.add(socket, viewer, { authenticated: secret !== undefined, tfBackend: deps.backend() ?? 'none' });
    },
  );
}
