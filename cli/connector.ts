import { Registry } from 'prom-client';
import { CONNECTORS, importCrmCsv, startConnector } from '../connectors/index.ts';
import { createNatsBus, type EventBus } from '../engine/bus/index.ts';
import { IN_PROCESS_NATS, describeNatsServers, loadConfig, natsServersOf, parseNatsServers, type Config } from '../engine/config/index.ts';
import { createConnectorPublisher } from '../engine/connector/index.ts';
import { createLogger, type Logger } from '../engine/observability/index.ts';
import { natsBusOptions } from '../engine/runtime/index.ts';

export interface ConnectorCliOptions {
  port?: number;
  host?: string;
  /** crm: import this CSV file and exit. */
  csv?: string;
  /** calls: watch this folder (overrides CXPULSE_CALLS_DIR). */
  dir?: string;
  /** NATS server or comma list of a cluster's servers (overrides NATS_URL). */
  nats?: string;
}

/** A file import has no sender waiting on an answer: it may wait out a longer outage than HTTP. */
const IMPORT_RETRY = { giveUpAfterMs: 5 * 60_000, maxDelayMs: 10_000 };

/**
 * A standalone connector publishes to NATS (`--nats`, else NATS_URL, else the local default);
 * there is no in-process fallback, since events published into a process of their own would
 * reach no engine. The stream is created if the engine has not done so yet.
 */
async function connectNats(cfg: Config, nats: string | undefined, log: Logger): Promise<EventBus> {
  if ((nats ?? cfg.NATS_URL) === IN_PROCESS_NATS) throw new Error('a standalone connector needs NATS: NATS_URL=memory only works inside `cxpulse start`');
  const servers = nats === undefined ? natsServersOf(cfg) : parseNatsServers(nats, '--nats');
  try {
    const bus = await createNatsBus(natsBusOptions(cfg, servers, log));
    await bus.init();
    return bus;
  } catch (e) {
    throw new Error(`cannot connect to NATS at ${describeNatsServers(servers)}: ${(e as Error).message}`);
  }
}

/** `cxpulse connector <name>`: run one connector on its own, or (crm --csv) import a file. */
export async function runConnector(name: string, o: ConnectorCliOptions): Promise<void> {
  const definition = CONNECTORS.find((d) => d.name === name);
  if (!definition) throw new Error(`unknown connector '${name}': expected one of ${CONNECTORS.map((d) => d.name).join(', ')}`);
  if (o.csv && name !== 'crm') throw new Error('--csv is for the crm connector');
  if (o.dir && name !== 'calls') throw new Error('--dir is for the calls connector');
  const cfg = loadConfig();
  if (o.dir) cfg.CXPULSE_CALLS_DIR = o.dir;
  const log = createLogger(cfg.LOG_LEVEL);
  const bus = await connectNats(cfg, o.nats, log);
  if (o.csv) return importCsv(o.csv, bus, log);

  let running: Awaited<ReturnType<typeof startConnector>>;
  try {
    running = await startConnector(definition, { bus, log, cfg, port: o.port, host: o.host });
  } catch (e) {
    await bus.close();
    throw e;
  }
  let stopping = false;
  const onSignal = (sig: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    log.info(`${sig} received: stopping connector ${name}`);
    void running
      .stop()
      .then(() => bus.close())
      .then(() => process.exit(0), (e: unknown) => {
        log.error({ err: e }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

/** `cxpulse connector crm --csv <file>`: publishes each row, reports each refused row by line, then exits. */
async function importCsv(file: string, bus: EventBus, log: Logger): Promise<void> {
  const publisher = createConnectorPublisher({ connector: 'crm', bus, registry: new Registry(), retry: IMPORT_RETRY, log });
  try {
    const r = await importCrmCsv(file, publisher);
    for (const { line, error } of r.rejected) process.stderr.write(`  line ${line}: ${error.code}${error.field ? ` (${error.field})` : ''}: ${error.message}\n`);
    process.stderr.write(`${file}: ${r.rows} rows, ${r.published} published, ${r.duplicates} already there, ${r.rejected.length} refused (in the DLQ)\n`);
    if (r.rejected.length > 0) process.exitCode = 1;
  } finally {
    await bus.close();
  }
}
