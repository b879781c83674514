import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.ts';
import { createMetrics, type Logger, type Metrics } from '../observability/index.ts';
import type { EventBus } from '../bus/index.ts';
import type { ScoreStore } from '../sinks/types.ts';
import { createFeedHub, feedHubOptions, type FeedHub } from '../feed/index.ts';
import { pipelineHooks } from '../pipeline/index.ts';
import type { ModelRegistry } from '../model/registry.ts';
import type { ScoringPool } from '../model/pool.ts';
import type { ConnectorDefinition } from '../connector/index.ts';
import { connectBus, connectStore } from './connect.ts';
import { startConnectors } from './connectors.ts';
import { startChurn } from './churn.ts';
import { createEngineAdvice, loadAdviceRules } from './advice.ts';
import { openModels, watchModels } from './models.ts';
import { runPipeline } from './pipeline.ts';
import { startTimers } from './timers.ts';
import { buildEngineApp, listen } from './http.ts';
import { drainAndClose } from './stop.ts';

export { DRAIN_TIMEOUT_MS } from './stop.ts';
export { LAG_POLL_MS } from './timers.ts';

export interface Engine {
  app: FastifyInstance;
  /** Base URL the HTTP server listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  bus: EventBus;
  store: ScoreStore;
  /** The active sentiment model and its hot-reload / shadow candidate. */
  models: ModelRegistry;
  /** The scoring worker threads (CXPULSE_WORKERS); absent when scoring runs on the main thread. */
  workers?: ScoringPool;
  metrics: Metrics;
  feed: FeedHub;
  /** Graceful stop: no new messages, in-flight work drained and acked, then connections closed. */
  stop(): Promise<void>;
}

export interface EngineOptions {
  /** Connectors to serve (the composition root passes connectors/index.ts CONNECTORS); none when absent. */
  connectors?: readonly ConnectorDefinition[];
}

/** Starts the engine: the wiring only; each part is built in its own module of engine/runtime. */
export async function startEngine(cfg: Config, log: Logger, opts: EngineOptions = {}): Promise<Engine> {
  const metrics = createMetrics();
  // Rules and reply templates first: a bad file stops the start before anything connects.
  const adviceRules = loadAdviceRules(cfg);
  const models = await openModels(cfg, metrics, log);
  const bus = await connectBus(cfg, log);
  const store = await connectStore(cfg, log);
  await bus.init();
  await store.init();
  log.info({ bus: bus.description, store: store.description }, 'bus and store ready');
  const churn = await startChurn(cfg, bus, log, metrics.registry);
  const feed = createFeedHub({ onClients: (n) => metrics.feedClients.set(n), onDropped: (n) => metrics.feedDropped.inc(n) }, feedHubOptions(cfg));
  const { cues, alerting, alerts } = createEngineAdvice(cfg, adviceRules, { bus, store, feed, metrics, log });
  const hooks = pipelineHooks({ metrics, log, alerting });
  const pipeline = runPipeline(cfg, bus, { model: models.registry, ...(models.pool ? { workers: models.pool } : {}), store, feed, cues, alerts, hooks, ...churn.deps }, log);
  const stopTimers = startTimers({ bus, metrics, alerting, alerts, alertTickMs: cfg.CXPULSE_ALERT_TICK_MS });
  const app = await buildEngineApp(cfg, { log, metrics, bus, store, feed, models, pipeline });
  const connectors = await startConnectors({ app, bus, cfg, log, registry: metrics.registry, definitions: opts.connectors ?? [] });

  const stopWatch = watchModels(cfg, models, metrics, log);
  const url = await listen(app, cfg, log);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('stopping: draining in-flight events');
      stopTimers();
      stopWatch?.();
      await connectors.stop();
      await drainAndClose({ log, bus, pipeline, alerts, feed, app, store, churn, models: models.registry });
      await models.pool?.close();
    })());

  return { app, url, bus, store, models: models.registry, ...(models.pool ? { workers: models.pool } : {}), metrics, feed, stop };
}
