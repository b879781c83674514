import { availableParallelism } from 'node:os';
import { scoringWorkers, type Config } from '../config/index.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import { DEFAULT_MODEL_DIR, initBackend } from '../model/index.ts';
import { ModelRegistry, watchModelDir } from '../model/registry.ts';
import { ScoringPool } from '../model/pool.ts';
import type { AppDeps } from '../http/index.ts';

export interface EngineModels {
  /** The TensorFlow.js backend in use. */
  backend: string;
  /** The active sentiment model and its hot-reload / shadow candidate. */
  registry: ModelRegistry;
  dir: string;
  /** Scoring worker threads (CXPULSE_WORKERS); absent: scoring on the main thread. */
  pool?: ScoringPool;
}

/** Longest wait at start for the workers' first model load; batches go to the main thread until a worker is ready anyway. */
const WORKERS_READY_TIMEOUT_MS = 60_000;

/** Picks the TF.js backend and loads the text model, with metrics and a log line for every swap. */
export async function openModels(cfg: Config, metrics: Metrics, log: Logger): Promise<EngineModels> {
  const backend = await initBackend(cfg.CXPULSE_TF_BACKEND);
  metrics.tfBackend.set({ backend }, 1);
  const dir = cfg.CXPULSE_MODEL_DIR ?? DEFAULT_MODEL_DIR;
  let pool: ScoringPool | undefined;
  const registry: ModelRegistry = await ModelRegistry.open(dir, {
    onSwap: (active, previous) => {
      metrics.modelInfo.reset();
      metrics.modelInfo.set({ version: active }, 1);
      log.info({ model: active, previous }, `model ${active} active (was ${previous})`);
      // The workers load the new folder; until one has, its batches are scored on the main thread.
      void pool?.load(registry.status().activeDir);
    },
    onShadowResult: (agree) => metrics.shadowAgreement.inc({ result: agree ? 'agree' : 'disagree' }),
    onShadowError: (err) => log.warn({ err }, 'shadow model failed on a batch; the active model is unaffected'),
  }, { negativeBias: cfg.CXPULSE_SENTIMENT_NEGATIVE_BIAS });
  metrics.modelInfo.set({ version: registry.version }, 1);
  log.info({ backend, model: registry.version }, `model ${registry.version} loaded on TensorFlow.js backend '${backend}'`);
  pool = await startWorkers(cfg, backend, registry, log);
  return { backend, registry, dir, ...(pool ? { pool } : {}) };
}

/** CXPULSE_WORKERS scoring threads loading the active model folder; waits (bounded) for their first load. */
async function startWorkers(cfg: Config, backend: string, registry: ModelRegistry, log: Logger): Promise<ScoringPool | undefined> {
  const size = scoringWorkers(cfg, availableParallelism());
  if (size === 0) return undefined;
  const pool = new ScoringPool({
    size,
    dir: registry.status().activeDir,
    backend,
    load: { negativeBias: cfg.CXPULSE_SENTIMENT_NEGATIVE_BIAS },
    onEvent: (e) => {
      if (e.kind === 'loaded') log.debug({ worker: e.worker, model: e.version }, `scoring worker ${e.worker} holds ${e.version}`);
      else if (e.kind === 'load-failed') log.warn({ worker: e.worker }, `scoring worker ${e.worker} could not load the model (${e.message}); its batches are scored on the main thread`);
      else log.error({ worker: e.worker }, `scoring worker ${e.worker} ${e.message}; restarting it in ${e.restartInMs} ms, scoring on the main thread meanwhile`);
    },
  });
  const timeout = new Promise<void>((r) => setTimeout(r, WORKERS_READY_TIMEOUT_MS).unref());
  await Promise.race([pool.ready(), timeout]);
  const ready = pool.versions().filter((v) => v === registry.version).length;
  log.info({ workers: size, ready }, `${ready} of ${size} scoring worker threads hold model ${registry.version}`);
  return pool;
}

/** The registry as the /v1/models routes use it: reloads counted, a refused one logged. */
export function modelRoutes(registry: ModelRegistry, metrics: Metrics, log: Logger): NonNullable<AppDeps['models']> {
  return {
    status: () => registry.status(),
    get shadowVersion() {
      return registry.shadowVersion;
    },
    dropShadow: () => registry.dropShadow(),
    promote: () => registry.promote(),
    reload: (opts) =>
      registry.reload(opts).then(
        (r) => (metrics.modelReloads.inc({ result: 'ok' }), r),
        (e: Error) => {
          metrics.modelReloads.inc({ result: 'refused' });
          log.warn({ err: e }, `model reload refused: ${e.message}`);
          throw e;
        },
      ),
  };
}

/** CXPULSE_MODEL_WATCH=1: reload when the model folder changes. Returns the function that stops watching. */
export function watchModels(cfg: Config, models: EngineModels, metrics: Metrics, log: Logger): (() => void) | undefined {
  if (cfg.CXPULSE_MODEL_WATCH !== '1') return undefined;
  return watchModelDir(models.registry, models.dir, (err) => {
    metrics.modelReloads.inc({ result: err ? 'refused' : 'ok' });
    if (err) log.warn({ err }, `model watch: reload refused, keeping ${models.registry.version}: ${err.message}`);
  });
}
