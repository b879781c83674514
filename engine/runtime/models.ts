import type { Config } from '../config/index.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import { DEFAULT_MODEL_DIR, initBackend } from '../model/index.ts';
import { ModelRegistry, watchModelDir } from '../model/registry.ts';
import type { AppDeps } from '../http/index.ts';

export interface EngineModels {
  /** The TensorFlow.js backend in use. */
  backend: string;
  /** The active sentiment model and its hot-reload / shadow candidate. */
  registry: ModelRegistry;
  dir: string;
}

/** Picks the TF.js backend and loads the text model, with metrics and a log line for every swap. */
export async function openModels(cfg: Config, metrics: Metrics, log: Logger): Promise<EngineModels> {
  const backend = await initBackend(cfg.CXPULSE_TF_BACKEND);
  metrics.tfBackend.set({ backend }, 1);
  const dir = cfg.CXPULSE_MODEL_DIR ?? DEFAULT_MODEL_DIR;
  const registry = await ModelRegistry.open(dir, {
    onSwap: (active, previous) => {
      metrics.modelInfo.reset();
      metrics.modelInfo.set({ version: active }, 1);
      log.info({ model: active, previous }, `model ${active} active (was ${previous})`);
    },
    onShadowResult: (agree) => metrics.shadowAgreement.inc({ result: agree ? 'agree' : 'disagree' }),
    onShadowError: (err) => log.warn({ err }, 'shadow model failed on a batch; the active model is unaffected'),
  }, { negativeBias: cfg.CXPULSE_SENTIMENT_NEGATIVE_BIAS });
  metrics.modelInfo.set({ version: registry.version }, 1);
  log.info({ backend, model: registry.version }, `model ${registry.version} loaded on TensorFlow.js backend '${backend}'`);
  return { backend, registry, dir };
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
