import { CONNECTORS } from '../connectors/index.ts';
import { loadConfig } from '../engine/config/index.ts';
import { createLogger, type Logger } from '../engine/observability/index.ts';
import { startEngine, type Engine } from '../engine/runtime/index.ts';

export async function runStart(o: { port?: number }): Promise<void> {
  const cfg = loadConfig();
  if (o.port !== undefined) cfg.PORT = o.port;
  const log = createLogger(cfg.LOG_LEVEL);
  const engine = await startEngine(cfg, log, { connectors: CONNECTORS });
  let signals = 0;
  const onSignal = (sig: string) => {
    if (++signals > 1) {
      log.warn(`${sig} again: exiting without draining`);
      process.exit(130);
    }
    log.info(`${sig} received`);
    void engine.stop().then(() => process.exit(0), (e: unknown) => {
      log.error({ err: e }, 'error while stopping');
      process.exit(1);
    });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  exitWhenStuck(engine, cfg.CXPULSE_EXIT_AFTER_FAILURE_MS, log);
}

/** How long a stop may take before the process exits anyway, once it has decided to exit. */
const STOP_GRACE_MS = 10_000;

/**
 * Exits with status 1 once events have not been processable for `afterMs` (the pipeline stopped on
 * its own, or the bus or its consumer is away), so the supervisor restarts the engine, which then
 * reconnects and recreates its consumer; /readyz says 503 meanwhile. 0 disables it.
 */
function exitWhenStuck(engine: Pick<Engine, 'notReady' | 'stop'>, afterMs: number, log: Logger): void {
  if (afterMs === 0) return;
  let since: number | undefined;
  const timer = setInterval(() => {
    const reason = engine.notReady();
    if (reason === undefined) { since = undefined; return; }
    since ??= Date.now();
    if (Date.now() - since < afterMs) return;
    clearInterval(timer);
    log.fatal({ reason, afterMs }, `events not processable for ${afterMs} ms (${reason}): exiting with status 1 so the supervisor restarts the engine`);
    const stopped = engine.stop().catch((e: unknown) => log.error({ err: e }, 'error while stopping'));
    void Promise.race([stopped, new Promise((r) => setTimeout(r, STOP_GRACE_MS).unref())]).then(() => process.exit(1));
  }, Math.min(1000, afterMs));
  timer.unref();
}
