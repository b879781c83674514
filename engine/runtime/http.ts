import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config/index.ts';
import type { EventBus } from '../bus/index.ts';
import type { ScoreStore } from '../sinks/types.ts';
import { jwtSecretOf, type FeedHub } from '../feed/index.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import { activeBackend } from '../model/index.ts';
import { buildApp, opsApp, type HttpLimits, type Readiness } from '../http/index.ts';
import { fieldLimitsOf } from '../event/index.ts';
import { requestTimeoutOptions } from '../access/index.ts';
import { clickHouseClientOf } from './connect.ts';
import { modelRoutes, type EngineModels } from './models.ts';
import type { RunningPipeline } from './pipeline.ts';
import type { EraseCustomer } from './erase.ts';
import type { ActionEngine } from '../actions/index.ts';

interface HttpDeps {
  log: Logger;
  metrics: Metrics;
  bus: EventBus;
  store: ScoreStore;
  feed: FeedHub;
  models: EngineModels;
  pipeline: RunningPipeline;
  erase: EraseCustomer;
  /** The next-best-action engine; undefined when actions are off. */
  actions?: ActionEngine | undefined;
}

/** The caps on HTTP work from the configuration (README, "Limits"). */
export function httpLimitsOf(cfg: Config): HttpLimits {
  return {
    fieldLimits: fieldLimitsOf(cfg),
    maxBatchEvents: cfg.CXPULSE_MAX_BATCH_EVENTS,
    requestTimeoutMs: cfg.CXPULSE_REQUEST_TIMEOUT_MS,
    rateLimitMax: cfg.CXPULSE_RATE_LIMIT_MAX,
    rateLimitWindowMs: cfg.CXPULSE_RATE_LIMIT_WINDOW_MS,
    feedMaxClients: cfg.CXPULSE_FEED_MAX_CLIENTS,
  };
}

/** The engine's HTTP app (API, feed, pages, reports, models), not yet listening. */
export function buildEngineApp(cfg: Config, d: HttpDeps): Promise<FastifyInstance> {
  return buildApp({
    log: d.log,
    metrics: d.metrics,
    bus: d.bus,
    feed: d.feed,
    jwtSecret: jwtSecretOf(cfg),
    jwtClaims: { issuer: cfg.CXPULSE_JWT_ISSUER, audience: cfg.CXPULSE_JWT_AUDIENCE },
    maxTextBytes: cfg.CXPULSE_MAX_TEXT_BYTES,
    maxBodyBytes: cfg.CXPULSE_MAX_BODY_BYTES,
    limits: httpLimitsOf(cfg),
    // With an ops port, /healthz, /readyz and /metrics move there (buildOpsApp).
    ops: cfg.CXPULSE_OPS_PORT === undefined,
    backend: activeBackend,
    reports: { client: clickHouseClientOf(d.store), db: cfg.CLICKHOUSE_DB, distributed: cfg.CXPULSE_CLICKHOUSE_CLUSTER !== undefined },
    models: modelRoutes(d.models.registry, d.metrics, d.log),
    erase: d.erase,
    ...(d.actions ? { actions: d.actions } : {}),
    readiness: () => readiness(d),
    notReady: () => notReady(d),
  });
}

/** The second listener of CXPULSE_OPS_PORT: /healthz, /readyz and /metrics only; undefined without it. */
export async function buildOpsApp(cfg: Config, d: HttpDeps): Promise<FastifyInstance | undefined> {
  if (cfg.CXPULSE_OPS_PORT === undefined) return undefined;
  const app = Fastify({ loggerInstance: d.log as FastifyBaseLogger, ...requestTimeoutOptions(cfg.CXPULSE_REQUEST_TIMEOUT_MS), logController: new LogController({ disableRequestLogging: true }) });
  await opsApp(app, { metrics: d.metrics, backend: activeBackend, readiness: () => readiness(d) });
  return app;
}

/** /readyz: ready when the bus is connected, the store answers and the pipeline runs. */
async function readiness(d: HttpDeps): Promise<Readiness> {
  const busStatus = d.bus.status();
  const storeOk = await d.store.ping();
  const failure = d.pipeline.error();
  const checks = {
    bus: { ok: busStatus.connected, detail: busStatus.connected ? d.bus.description : busStatus.description },
    store: { ok: storeOk, detail: d.store.description },
    model: { ok: true, detail: d.models.registry.version },
    pipeline: { ok: failure === undefined, detail: failure?.message ?? 'running' },
  };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

function notReady(d: HttpDeps): string | undefined {
  return whyNotReady(d.bus, d.pipeline);
}

/** Why events would not be processed now: the pipeline stopped, or the bus (or its consumer) is away. */
export function whyNotReady(bus: Pick<EventBus, 'status'>, pipeline: Pick<RunningPipeline, 'error'>): string | undefined {
  const failure = pipeline.error();
  if (failure) return failure.message;
  const status = bus.status();
  return status.connected ? undefined : `bus not ready: ${status.description}`;
}

/** Listens on HOST:`port` (default PORT); returns the base URL (a wildcard host is reported as 127.0.0.1). */
export async function listen(app: FastifyInstance, cfg: Config, log: Logger, port = cfg.PORT, what = 'cxpulse'): Promise<string> {
  const address = await app.listen({ port, host: cfg.HOST });
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  log.info({ url, authenticated: cfg.CXPULSE_JWT_SECRET !== undefined }, `${what} listening on ${url}`);
  return url;
}
