import { CONNECTORS } from '../connectors/index.ts';
import { loadConfig } from '../engine/config/index.ts';
import { createLogger } from '../engine/observability/index.ts';
import { startEngine } from '../engine/runtime/index.ts';

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
}
