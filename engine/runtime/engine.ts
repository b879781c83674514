import type { FastifyInstance } from 'fastify';
import { scaleOf, type Config } from '../config/index.ts';
import { createMetrics, type Logger, type Metrics } from '../observability/index.ts';
import type { EventBus } from '../bus/index.ts';
import type { ScoreStore } from '../sinks/types.ts';
import { createFeedHub, feedHubOptions, type FeedHub } from '../feed/index.ts';
import { relayAcrossInstances } from './feedRelay.ts';
import { createConversationStates, pipelineHooks } from '../pipeline/index.ts';
import type { ModelRegistry } from '../model/registry.ts';
import type { ScoringPool } from '../model/pool.ts';
import type { ConnectorDefinition } from '../connector/index.ts';
import { connectBus, connectStore } from './connect.ts';
import { startConnectors } from './connectors.ts';
import { startChurn } from './churn.ts';
import { adoptOpenAlerts, createEngineAdvice, loadAdviceRules, restoreShareCounts } from './advice.ts';
import { loadActions, startActions } from './actions.ts';
import { openModels, watchModels } from './models.ts';
import { runPipeline } from './pipeline.ts';
import { startTimers } from './timers.ts';
import { buildEngineApp, buildOpsApp, listen, whyNotReady } from './http.ts';
import { assertExposureAllowed } from '../access/index.ts';
import { drainAndClose } from './stop.ts';
import { customerEraser, type EraseCustomer } from './erase.ts';
import { announcer, listenForErasures } from './eraseAcross.ts';
import type { ActionEngine } from '../actions/index.ts';
import { privacySettings } from './privacy.ts';

export { DRAIN_TIMEOUT_MS } from './stop.ts';
export { LAG_POLL_MS } from './timers.ts';

export interface Engine {
  app: FastifyInstance;
  /** Base URL the HTTP server listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Base URL of the ops listener (CXPULSE_OPS_PORT), when there is one. */
  opsUrl?: string;
  bus: EventBus;
  store: ScoreStore;
  /** The active sentiment model and its hot-reload / shadow candidate. */
  models: ModelRegistry;
  /** The scoring worker threads (CXPULSE_WORKERS); absent when scoring runs on the main thread. */
  workers?: ScoringPool;
  metrics: Metrics;
  feed: FeedHub;
  /** Erasure of one customer from everything this engine keeps (DELETE /v1/customers/:id). */
  erase: EraseCustomer;
  /** Why events would not be processed now (the pipeline stopped on its own, or the bus or its consumer is away); undefined when ready. */
  notReady(): string | undefined;
  /** Graceful stop: no new messages, in-flight work drained and acked, then connections closed. */
  stop(): Promise<void>;
}

export interface EngineOptions {
  /** Connectors to serve (the composition root passes connectors/index.ts CONNECTORS); none when absent. */
  connectors?: readonly ConnectorDefinition[];
  /**
   * The engine clock of receive times and alert windows (default: the wall clock). A test that
   * compares runs drives it: `onAdvance` gets the alert re-test, to call when the time moves.
   */
  clock?: EngineClock;
}

export interface EngineClock {
  now(): number;
  onAdvance(retest: (nowMs: number) => void): void;
}

/** Starts the engine: the wiring only; each part is built in its own module of engine/runtime. */
export async function startEngine(cfg: Config, log: Logger, opts: EngineOptions = {}): Promise<Engine> {
  // Fail closed, before anything connects: no open engine beyond loopback unless told so.
  assertExposureAllowed({ host: cfg.HOST, jwtSecret: cfg.CXPULSE_JWT_SECRET, allowOpen: cfg.CXPULSE_ALLOW_OPEN === '1' });
  const metrics = createMetrics();
  // Rules and reply templates first: a bad file stops the start before anything connects.
  const adviceRules = loadAdviceRules(cfg);
  const actionCatalog = loadActions(cfg);
  const models = await openModels(cfg, metrics, log);
  const now = opts.clock ? () => opts.clock!.now() : Date.now;
  // A start that fails here (NATS or ClickHouse unreachable, a stream NATS refuses) closes what
  // it opened, so a caller that goes on (a test, a supervisor in the same process) keeps no
  // connections or worker threads.
  const opened: { close(): Promise<void> }[] = models.pool ? [models.pool] : [];
  let bus: Awaited<ReturnType<typeof connectBus>>;
  let store: Awaited<ReturnType<typeof connectStore>>;
  try {
    bus = await connectBus(cfg, log, opts.clock ? now : undefined);
    opened.push(bus);
    store = await connectStore(cfg, log);
    opened.push(store);
    await bus.init();
    await store.init();
  } catch (err) {
    for (const r of opened.reverse()) await r.close().catch(() => undefined);
    throw err;
  }
  log.info({ bus: bus.description, store: store.description }, 'bus and store ready');
  const churn = await startChurn(cfg, bus, log, metrics.registry);
  const feed = relayAcrossInstances(cfg, bus, createFeedHub({ onClients: (n) => metrics.feedClients.set(n), onDropped: (n) => metrics.feedDropped.inc(n) }, feedHubOptions(cfg)), log);
  const advice = createEngineAdvice(cfg, adviceRules, { bus, store, feed, metrics, log });
  const { cues, alerting } = advice;
  // Alerts are measured on the engine clock: rows' receive times and the evaluation time agree.
  const alerts = opts.clock ? { ...advice.alerts, delivered: (rows: Parameters<typeof advice.alerts.delivered>[0]) => advice.alerts.delivered(rows, now()) } : advice.alerts;
  opts.clock?.onAdvance((t) => alerts.tick(t));
  await restoreShareCounts(cfg, adviceRules.rules, store, alerting, now(), log);
  await adoptOpenAlerts(store, alerting, feed, log);
  const actions = await startActions(cfg, actionCatalog, churn, { store, feed, log, registry: metrics.registry });
  const hooks = pipelineHooks({ metrics, log, alerting });
  const conversations = createConversationStates();
  const pipeline = runPipeline(cfg, bus, { model: models.registry, ...(models.pool ? { workers: models.pool } : {}), store, feed, cues, alerts, hooks, conversations, ...churn.deps, ...actions.deps }, log);
  const privacy = privacySettings(cfg, log);
  const memory = [conversations, cues, alerting, advice.alerts, feed, ...(actions.engine ? [actions.engine] : [])];
  const settleMs = cfg.CXPULSE_BATCH_LINGER_MS + cfg.CXPULSE_SINK_LINGER_MS + 400;
  // Scale-out: the customer's owner (and every feed snapshot) is told of an erasure made here, and hears of the others'.
  const scale = scaleOf(cfg);
  const across = scale.instances > 1 && bus.subscribe ? { instance: scale.instance, subscribe: bus.subscribe.bind(bus) } : undefined;
  const stopErasures = across && listenForErasures({ subscribe: across.subscribe }, { instance: across.instance, memory, ...(churn.states ? { states: churn.states } : {}), pseudonymize: privacy.pseudonymize, logKey: privacy.logKey, log, settleMs });
  const erase = customerEraser({
    bus,
    store,
    ...(churn.states ? { states: churn.states } : {}),
    memory,
    pseudonymize: privacy.pseudonymize,
    logKey: privacy.logKey,
    log,
    settleMs,
    ...(across ? { announce: announcer(bus, across.instance, privacy.logKey) } : {}),
  });
  const stopTimers = startTimers({ bus, metrics, alerting, alerts, alertTickMs: cfg.CXPULSE_ALERT_TICK_MS, now });
  // The worklist holds pseudonyms: a filter by the id a source sent finds them too.
  const worklist = actions.engine && { ...actions.engine, list: (f?: Parameters<ActionEngine['list']>[0]) => actions.engine!.list(f?.customerId ? { ...f, customerId: privacy.pseudonymize(f.customerId) } : f) };
  const app = await buildEngineApp(cfg, { log, metrics, bus, store, feed, models, pipeline, erase, actions: worklist });
  const ops = await buildOpsApp(cfg, { log, metrics, bus, store, feed, models, pipeline, erase });
  const connectors = await startConnectors({ app, bus, cfg, log, registry: metrics.registry, definitions: opts.connectors ?? [] });

  const stopWatch = watchModels(cfg, models, metrics, log);
  const url = await listen(app, cfg, log);
  const opsUrl = ops ? await listen(ops, cfg, log, cfg.CXPULSE_OPS_PORT, 'cxpulse ops routes') : undefined;
  if (cfg.CXPULSE_JWT_SECRET === undefined && cfg.CXPULSE_ALLOW_OPEN === '1') log.warn({ host: cfg.HOST }, 'CXPULSE_ALLOW_OPEN=1 and no CXPULSE_JWT_SECRET: every route is open to anyone who can reach this address');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('stopping: draining in-flight events');
      stopTimers();
      stopErasures?.();
      stopWatch?.();
      await connectors.stop();
      await drainAndClose({ log, bus, pipeline, alerts, actions, feed, app, store, churn, models: models.registry });
      await models.pool?.close();
      await ops?.close();
    })());

  return { app, url, ...(opsUrl === undefined ? {} : { opsUrl }), bus, store, models: models.registry, ...(models.pool ? { workers: models.pool } : {}), metrics, feed, erase, notReady: () => whyNotReady(bus, pipeline), stop };
}
