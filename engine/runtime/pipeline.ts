import { defaultIfEmpty, lastValueFrom } from 'rxjs';
import type { Config } from '../config/index.ts';
import type { EventBus } from '../bus/index.ts';
import type { Logger } from '../observability/index.ts';
import { detectLanguage } from '../model/index.ts';
import { privacySettings } from './privacy.ts';
import { fieldLimitsOf } from '../event/index.ts';
import { deadLetterUndeliverable, fromBus, scoringPipeline, type PipelineDeps } from '../pipeline/index.ts';

export interface RunningPipeline {
  /** Settles when the bus stops delivering and every taken message is settled (graceful stop). */
  done: Promise<void>;
  /** Why the pipeline stopped on its own, if it did (for /readyz and the ingest's 503). */
  error(): Error | undefined;
  /** A graceful stop begins: a wait for a store that is down ends (its batch goes back to the bus), and the end of the stream is no failure. */
  stopping(): void;
}

type Parts = Omit<PipelineDeps, 'feedMode' | 'maxTextBytes' | 'fieldLimits' | 'redactNames' | 'privacy' | 'batchSize' | 'batchLingerMs' | 'detectLanguage' | 'sink' | 'bus'>;

/** Longest wait between store attempts while it is down: under the ack wait, so the held messages are marked in progress in time. */
const HOLD_MAX_DELAY_MS = 5000;

/** Subscribes the scoring pipeline to the bus, with the batch sizes and limits from the config. */
export function runPipeline(cfg: Config, bus: EventBus, parts: Parts, log: Logger): RunningPipeline {
  const source = fromBus(bus, cfg.CXPULSE_MAX_IN_FLIGHT, parts.hooks?.onInFlight);
  const stop = new AbortController();
  const pipeline = scoringPipeline({
    ...parts,
    bus,
    detectLanguage,
    maxTextBytes: cfg.CXPULSE_MAX_TEXT_BYTES,
    fieldLimits: fieldLimitsOf(cfg),
    feedMode: cfg.CXPULSE_FEED_MODE,
    redactNames: cfg.CXPULSE_REDACT_NAMES_ADDRESSES === 'on',
    privacy: privacySettings(cfg, log).redact,
    batchSize: cfg.CXPULSE_BATCH_SIZE,
    batchLingerMs: cfg.CXPULSE_BATCH_LINGER_MS,
    sink: {
      batchSize: cfg.CXPULSE_SINK_BATCH_SIZE,
      lingerMs: cfg.CXPULSE_SINK_LINGER_MS,
      concurrency: cfg.CXPULSE_SINK_CONCURRENCY,
      holdMaxDelayMs: Math.min(HOLD_MAX_DELAY_MS, Math.floor(cfg.CXPULSE_ACK_WAIT_MS / 2)),
      signal: stop.signal,
    },
  });
  let failure: Error | undefined;
  const fail = (e: Error) => {
    failure = e;
    log.fatal({ err: e }, 'scoring pipeline stopped');
  };
  const done = lastValueFrom(source.pipe(pipeline, defaultIfEmpty([]))).then(
    () => {
      // The bus ended its stream without being asked to: nothing is consumed any more.
      if (!stop.signal.aborted) fail(new Error('the bus stopped delivering messages'));
    },
    (e: Error) => fail(e),
  );
  const onDeadLettered = parts.hooks?.onDeadLettered;
  void deadLetterUndeliverable(bus, { deadLetter: (entry) => bus.deadLetter(entry), ...(onDeadLettered ? { onDeadLettered } : {}) }, (entry, err) =>
    log.error({ err, busId: entry.busId, subject: entry.subject }, 'a message the bus gave up on could not be dead-lettered; it stays in the stream'),
  ).catch((err: unknown) => log.error({ err }, 'watching for undeliverable messages failed'));
  return { done, error: () => failure, stopping: () => stop.abort() };
}
