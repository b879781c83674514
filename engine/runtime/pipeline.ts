import { defaultIfEmpty, lastValueFrom } from 'rxjs';
import type { Config } from '../config/index.ts';
import type { EventBus } from '../bus/index.ts';
import type { Logger } from '../observability/index.ts';
import { detectLanguage } from '../model/index.ts';
import { fromBus, scoringPipeline, type PipelineDeps } from '../pipeline/index.ts';

export interface RunningPipeline {
  /** Settles when the bus stops delivering and every taken message is settled (graceful stop). */
  done: Promise<void>;
  /** Why the pipeline stopped on its own, if it did (for /readyz). */
  error(): Error | undefined;
}

type Parts = Omit<PipelineDeps, 'maxTextBytes' | 'redactNames' | 'batchSize' | 'batchLingerMs' | 'detectLanguage' | 'sink' | 'bus'>;

/** Subscribes the scoring pipeline to the bus, with the batch sizes and limits from the config. */
export function runPipeline(cfg: Config, bus: EventBus, parts: Parts, log: Logger): RunningPipeline {
  const source = fromBus(bus, cfg.CXPULSE_MAX_IN_FLIGHT, parts.hooks?.onInFlight);
  const pipeline = scoringPipeline({
    ...parts,
    bus,
    detectLanguage,
    maxTextBytes: cfg.CXPULSE_MAX_TEXT_BYTES,
    redactNames: cfg.CXPULSE_REDACT_NAMES_ADDRESSES === 'on',
    batchSize: cfg.CXPULSE_BATCH_SIZE,
    batchLingerMs: cfg.CXPULSE_BATCH_LINGER_MS,
    sink: { batchSize: cfg.CXPULSE_SINK_BATCH_SIZE, lingerMs: cfg.CXPULSE_SINK_LINGER_MS },
  });
  let failure: Error | undefined;
  const done = lastValueFrom(source.pipe(pipeline, defaultIfEmpty([]))).then(
    () => undefined,
    (e: Error) => {
      failure = e;
      log.fatal({ err: e }, 'scoring pipeline stopped');
    },
  );
  return { done, error: () => failure };
}
