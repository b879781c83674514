import type { FastifyInstance } from 'fastify';
import { lastValueFrom, defaultIfEmpty, tap } from 'rxjs';
import type { Config } from '../config/index.ts';
import { createMetrics, type Logger, type Metrics } from '../observability/index.ts';
import { SCORES_SUBJECT_PREFIX, type EventBus } from '../bus/index.ts';
import type { ScoreStore } from '../sinks/types.ts';
import { createFeedHub, feedHubOptions, jwtSecretOf, type FeedHub } from '../feed/index.ts';
import { buildApp } from '../http/index.ts';
import { fromBus, scoringPipeline } from '../pipeline/index.ts';
import { activeBackend, DEFAULT_MODEL_DIR, detectLanguage, initBackend } from '../model/index.ts';
import { ModelRegistry, watchModelDir } from '../model/registry.ts';
import { clickHouseClientOf, connectBus, connectStore } from './connect.ts';
import { ALERTS_SUBJECT, createAdvice, createAlerting, createCueEngine, loadCueRules, loadReplyTemplates, type Advice, type Alerting } from '../cues/index.ts';
import type { ConnectorDefinition } from '../connector/index.ts';
import { startConnectors } from './connectors.ts';
import { startChurn } from './churn.ts';

export const LAG_POLL_MS = 5000;
export const DRAIN_TIMEOUT_MS = 15_000;
/** Alerts are re-tested on every delivered batch and on this timer, so an incident resolves even when traffic stops. */
export const ALERT_TICK_MS = 30_000; // default of CXPULSE_ALERT_TICK_MS

export interface Engine {
  app: FastifyInstance;
  /** Base URL the HTTP server listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  bus: EventBus;
  store: ScoreStore;
  /** The active sentiment model and its hot-reload / shadow candidate. */
  models: ModelRegistry;
  metrics: Metrics;
  feed: FeedHub;
  /** Graceful stop: no new messages, in-flight work drained and acked, then connections closed. */
  stop(): Promise<void>;
}

export interface EngineOptions {
  /** Connectors to serve (the composition root passes connectors/index.ts CONNECTORS); none when absent. */
  connectors?: readonly ConnectorDefinition[];
}

export async function startEngine(cfg: Config, log: Logger, opts: EngineOptions = {}): Promise<Engine> {
  const metrics = createMetrics();
  // Rules and reply templates first: a bad file stops the start before anything connects.
  const cueRules = loadCueRules(cfg.CXPULSE_CUES_FILE);
  const replies = loadReplyTemplates(cfg.CXPULSE_REPLIES_FILE);
  const backend = await initBackend(cfg.CXPULSE_TF_BACKEND);
  metrics.tfBackend.set({ backend }, 1);
  const modelDir = cfg.CXPULSE_MODEL_DIR ?? DEFAULT_MODEL_DIR;
  const scorer = await ModelRegistry.open(modelDir, {
    onSwap: (active, previous) => {
      metrics.modelInfo.reset();
      metrics.modelInfo.set({ version: active }, 1);
      log.info({ model: active, previous }, `model ${active} active (was ${previous})`);
    },
    onShadowResult: (agree) => metrics.shadowAgreement.inc({ result: agree ? 'agree' : 'disagree' }),
    onShadowError: (err) => log.warn({ err }, 'shadow model failed on a batch; the active model is unaffected'),
  });
  metrics.modelInfo.set({ version: scorer.version }, 1);
  log.info({ backend, model: scorer.version }, `model ${scorer.version} loaded on TensorFlow.js backend '${backend}'`);

  const bus = await connectBus(cfg, log);
  const store = await connectStore(cfg, log);
  await bus.init();
  await store.init();
  log.info({ bus: bus.description, store: store.description }, 'bus and store ready');
  const churn = await startChurn(cfg, bus, log, metrics.registry);

  const enc = new TextEncoder();
  const feed = createFeedHub({ onClients: (n) => metrics.feedClients.set(n), onDropped: (n) => metrics.feedDropped.inc(n) }, feedHubOptions(cfg));
  const alerting = createAlerting(cueRules.alerts);
  const advice = createEngineAdvice({ log, metrics, bus, store, feed, alerting, cues: createCueEngine(cueRules, { agentLang: cfg.CXPULSE_AGENT_LANG, replies }) });
  const source = fromBus(bus, cfg.CXPULSE_MAX_IN_FLIGHT, (n) => metrics.inFlight.set(n));
  const channelOfSubject = (s: string) => s.split('.')[2] ?? 'unknown';
  const done = lastValueFrom(
    source.pipe(
      // Counts every message taken from the bus, valid or not.
      tap((env) => metrics.eventsIn.inc({ channel: channelOfSubject(env.subject) })),
      scoringPipeline({
        maxTextBytes: cfg.CXPULSE_MAX_TEXT_BYTES,
        batchSize: cfg.CXPULSE_BATCH_SIZE,
        batchLingerMs: cfg.CXPULSE_BATCH_LINGER_MS,
        model: scorer,
        detectLanguage,
        countRedaction: (kind, n) => metrics.redactions.inc({ kind }, n),
        dlq: {
          deadLetter: (entry) => bus.deadLetter(entry),
          onDeadLettered: (entry) => {
            alerting.deadLettered(Date.now());
            metrics.eventsFailed.inc({ channel: channelOfSubject(entry.subject), error_type: entry.error.code });
            log.warn({ code: entry.error.code, field: entry.error.field, subject: entry.subject }, `dead-lettered: ${entry.error.message}`);
          },
        },
        scoreHooks: {
          onBatch: (n) => metrics.batchSize.observe({ stage: 'score' }, n),
          onFailed: async (item, error) => {
            log.error({ err: error, id: item.event.id }, 'model failed on an event; dead-lettering it');
            metrics.eventsFailed.inc({ channel: item.event.channel, error_type: 'CX_ERR_SCORING_FAILED' });
            alerting.deadLettered(Date.now());
            const entry = {
              error: { code: 'CX_ERR_SCORING_FAILED' as const, message: `model failed: ${error.message}` },
              subject: item.env.subject,
              payload: Buffer.from(item.env.data).toString('utf8'),
              receivedAtMs: item.env.receivedAtMs,
              deliveryCount: item.env.deliveryCount,
            };
            await bus.deadLetter(entry).then(item.env.ack, () => item.env.nak(1000));
          },
        },
        store,
        ...churn.deps,
        business: {
          onStored: (rows) => metrics.eventsOut.inc({ channel: 'crm' }, rows.length),
          onRetry: (err, attempt) => {
            metrics.sinkRetries.inc();
            log.warn({ err, attempt }, `business event write failed; retry ${attempt}`);
          },
          onGaveUp: (err, n) => log.error({ err, events: n }, 'store unavailable; business events returned to the bus for redelivery'),
        },
        sink: {
          batchSize: cfg.CXPULSE_SINK_BATCH_SIZE,
          lingerMs: cfg.CXPULSE_SINK_LINGER_MS,
          onRetry: (err, attempt) => {
            metrics.sinkRetries.inc();
            log.warn({ err, attempt }, `store write failed; retry ${attempt}`);
          },
          onGaveUp: (err, n) => log.error({ err, events: n }, 'store unavailable; batch returned to the bus for redelivery'),
          onDelivered: (item, row, ackedAtMs) => {
            metrics.eventsOut.inc({ channel: row.channel });
            metrics.latency.observe({ channel: row.channel }, (ackedAtMs - item.env.receivedAtMs) / 1000);
            alerting.latency(ackedAtMs - item.env.receivedAtMs, ackedAtMs);
          },
          publish: (rows) => {
            metrics.batchSize.observe({ stage: 'sink' }, rows.length);
            feed.broadcast(rows);
            for (const r of rows) void bus.publish(`${SCORES_SUBJECT_PREFIX}${r.channel}`, enc.encode(JSON.stringify(r))).catch(() => undefined);
            advice.delivered(rows, Date.now());
          },
        },
      }),
      defaultIfEmpty([]),
    ),
  );
  let pipelineError: Error | undefined;
  done.catch((e: Error) => {
    pipelineError = e;
    log.fatal({ err: e }, 'scoring pipeline stopped');
  });

  const lagTimer = setInterval(() => {
    void bus.lag().then((n) => n !== undefined && metrics.consumerLag.set(n));
  }, LAG_POLL_MS).unref();
  const alertTimer = setInterval(() => {
    advice.tick(Date.now());
    metrics.waitingConversations.set(alerting.waiting);
  }, cfg.CXPULSE_ALERT_TICK_MS).unref();

  const app = await buildApp({
    log,
    metrics,
    bus,
    feed,
    jwtSecret: jwtSecretOf(cfg),
    maxTextBytes: cfg.CXPULSE_MAX_TEXT_BYTES,
    maxBodyBytes: cfg.CXPULSE_MAX_BODY_BYTES,
    backend: activeBackend,
    reports: { client: clickHouseClientOf(store), db: cfg.CLICKHOUSE_DB },
    models: {
      status: () => scorer.status(),
      get shadowVersion() {
        return scorer.shadowVersion;
      },
      dropShadow: () => scorer.dropShadow(),
      promote: () => scorer.promote(),
      reload: (opts) =>
        scorer.reload(opts).then(
          (r) => (metrics.modelReloads.inc({ result: 'ok' }), r),
          (e: Error) => {
            metrics.modelReloads.inc({ result: 'refused' });
            log.warn({ err: e }, `model reload refused: ${e.message}`);
            throw e;
          },
        ),
    },
    readiness: async () => {
      const busStatus = bus.status();
      const storeOk = await store.ping();
      const checks = {
        bus: { ok: busStatus.connected, detail: bus.description },
        store: { ok: storeOk, detail: store.description },
        model: { ok: true, detail: scorer.version },
        pipeline: { ok: pipelineError === undefined, detail: pipelineError?.message ?? 'running' },
      };
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
  });
  const connectors = await startConnectors({ app, bus, cfg, log, registry: metrics.registry, definitions: opts.connectors ?? [] });

  const stopWatch =
    cfg.CXPULSE_MODEL_WATCH === '1'
      ? watchModelDir(scorer, modelDir, (err) => {
          metrics.modelReloads.inc({ result: err ? 'refused' : 'ok' });
          if (err) log.warn({ err }, `model watch: reload refused, keeping ${scorer.version}: ${err.message}`);
        })
      : undefined;

  const address = await app.listen({ port: cfg.PORT, host: cfg.HOST });
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  log.info({ url }, `cxpulse listening on ${url}`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info('stopping: draining in-flight events');
      clearInterval(lagTimer);
      clearInterval(alertTimer);
      stopWatch?.();
      await connectors.stop();
      await bus.stop();
      const drained = await Promise.race([done.then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), DRAIN_TIMEOUT_MS).unref())]);
      if (!drained) log.warn(`drain did not finish in ${DRAIN_TIMEOUT_MS} ms; unacked events will be redelivered`);
      await advice.flush();
      feed.closeAll(1001, 'engine shutting down');
      await app.close();
      await store.close();
      await churn.stop();
      await bus.close();
      scorer.close();
      log.info('stopped');
    })());

  return { app, url, bus, store, models: scorer, metrics, feed, stop };
}

interface AdviceDeps {
  log: Logger;
  metrics: Metrics;
  bus: EventBus;
  store: ScoreStore;
  feed: FeedHub;
  alerting: Alerting;
  cues: ReturnType<typeof createCueEngine>;
}

/** Cues to the feed; alerts to the feed, NATS cx.alerts and the store, with metrics and a log line each. */
function createEngineAdvice(d: AdviceDeps): Advice {
  const enc = new TextEncoder();
  return createAdvice(d.cues, d.alerting, {
    broadcastCue: (id, agentId, cue) => d.feed.broadcastCue(id, agentId, cue),
    broadcastAlert: (a) => d.feed.broadcastAlert(a),
    publishAlert: (a) => d.bus.publish(ALERTS_SUBJECT, enc.encode(JSON.stringify(a))),
    writeAlerts: (list) => d.store.writeAlerts(list),
    onCue: (c) => d.metrics.cues.inc({ kind: c.kind }),
    onAlert: (a) => {
      d.metrics.alerts.inc({ kind: a.kind, status: a.status });
      d.metrics.alertsOpen.set(d.alerting.open().length);
      d.metrics.waitingConversations.set(d.alerting.waiting);
      d.log.info({ alertId: a.alertId, kind: a.kind, status: a.status }, `alert ${a.status}: ${a.text}`);
    },
    onAlertWriteFailed: (err, list) => {
      d.metrics.alertWriteFailures.inc(list.length);
      d.log.warn({ err, alerts: list.length }, 'store could not write alert states; they went to the feed and cx.alerts only');
    },
  });
}
