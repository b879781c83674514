import { connect } from '@nats-io/transport-node';
import { Counter, type Registry } from 'prom-client';
import type { Config } from '../config/index.ts';
import { describeNatsServers, natsServersOf } from '../config/index.ts';
import type { EventBus } from '../bus/index.ts';
import type { Logger } from '../observability/index.ts';
import type { PipelineDeps } from '../pipeline/index.ts';
import { createCustomerTracker, createStateStore, DEFAULT_CHURN_MODEL_DIR, loadChurnScorer, openKvBackend, type ChurnScorer, type CustomerStateStore, type KvBackendOptions } from '../churn/index.ts';
import { withoutCredentials } from '../util/index.ts';

export interface ChurnRuntime {
  /** Spread into the pipeline's deps: `scoringPipeline({ ...deps, ...churn.deps })`. Empty when churn is off. */
  deps: Pick<PipelineDeps, 'churn'>;
  scorer?: ChurnScorer;
  states?: CustomerStateStore;
  /** Writes the states still pending and closes the KV connection; call after the pipeline drained. */
  stop(): Promise<void>;
}

function counter(registry: Registry | undefined, name: string, help: string, labelNames: string[] = []): Counter {
  const existing = registry?.getSingleMetric(name);
  if (existing) return existing as Counter;
  return new Counter({ name, help, labelNames, registers: registry ? [registry] : [] });
}

/** The customer-state bucket's replicas as configured (CXPULSE_NATS_REPLICAS), with a refused change logged. */
export function kvBackendOptions(cfg: Pick<Config, 'CXPULSE_NATS_REPLICAS'>, log: Logger): KvBackendOptions {
  return { ...(cfg.CXPULSE_NATS_REPLICAS === undefined ? {} : { replicas: cfg.CXPULSE_NATS_REPLICAS }), warn: (msg, fields) => log.warn(fields, msg) };
}

/**
 * Everything the pipeline's churn stage needs, from the config and the bus the engine chose:
 * the churn model (CXPULSE_CHURN_MODEL_DIR, default models/churn), customer states in a JetStream
 * KV bucket when the bus is NATS (own connection, same server) or in memory on the in-process bus,
 * and metrics. CXPULSE_CHURN=off returns no deps. A broken model folder stops the start with an
 * error naming the file, as the text model does.
 */
export async function startChurn(cfg: Config, bus: Pick<EventBus, 'kind'>, log: Logger, registry?: Registry): Promise<ChurnRuntime> {
  if (cfg.CXPULSE_CHURN === 'off') {
    log.info('churn model off (CXPULSE_CHURN=off): no customer state, no churn risk');
    return { deps: {}, stop: async () => undefined };
  }
  const dir = cfg.CXPULSE_CHURN_MODEL_DIR ?? DEFAULT_CHURN_MODEL_DIR;
  let scorer: ChurnScorer;
  try {
    scorer = await loadChurnScorer(dir);
  } catch (e) {
    throw new Error(`${(e as Error).message} (set CXPULSE_CHURN=off to run without the churn model)`);
  }
  const scored = counter(registry, 'cxpulse_churn_scored_total', 'Customer messages given a churn risk');
  const errors = counter(registry, 'cxpulse_churn_errors_total', 'Churn stage failures, by stage (score: the batch went on without churn; business: a CRM batch did not update states; state_write: a KV write will be retried)', ['stage']);
  const onFlushError = (err: Error, pending: number): void => {
    errors.inc({ stage: 'state_write' });
    log.warn({ err, pending }, 'customer state write failed; retrying at the next flush');
  };
  let backend;
  if (bus.kind === 'nats') {
    const servers = natsServersOf(cfg);
    // noAsyncTraces: without it nats.js builds two Error objects with stacks per KV put (one per
    // changed customer state), about 2 % of the main thread's time during a backlog drain.
    const nc = await connect({ servers, noRandomize: true, name: 'cxpulse-customer-state', maxReconnectAttempts: -1, reconnectTimeWait: 1000, noAsyncTraces: true });
    try {
      backend = await openKvBackend(nc, cfg.CXPULSE_CHURN_KV_BUCKET, kvBackendOptions(cfg, log));
    } catch (e) {
      await nc.close();
      throw new Error(`cannot open the customer-state KV bucket ${cfg.CXPULSE_CHURN_KV_BUCKET} on ${describeNatsServers(servers)}: ${withoutCredentials((e as Error).message)}`);
    }
  }
  const states = createStateStore(backend, { flushMs: cfg.CXPULSE_CHURN_FLUSH_MS, onFlushError });
  log.info({ model: scorer.version, states: states.description }, `churn model ${scorer.version} loaded; customer states in ${states.description}`);
  const churn: PipelineDeps['churn'] = {
    tracker: createCustomerTracker(states),
    scorer,
    onScored: (n) => scored.inc(n),
    onError: (err, stage) => {
      errors.inc({ stage });
      log.warn({ err, stage }, `churn stage failed (${stage}); events go on without churn risk`);
    },
  };
  let stopping: Promise<void> | undefined;
  return {
    deps: { churn },
    scorer,
    states,
    stop: () =>
      (stopping ??= (async () => {
        await states.close().catch((err: Error) => log.warn({ err }, 'customer states: final flush failed'));
        scorer.dispose();
      })()),
  };
}
