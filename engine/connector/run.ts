import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { EventBus } from '../bus/index.ts';
import type { Logger } from '../observability/index.ts';
import type { FieldLimits } from '../event/index.ts';
import type { BackoffPolicy } from '../util/index.ts';
import { createConnectorPublisher, type MeteredPublisher } from './publisher.ts';
import type { SelectedConnector } from './select.ts';
import type { Connector } from './types.ts';

export interface RunConnectorsOptions {
  /** The server the routes go on; not yet listening (routes are registered before `listen`). */
  app: FastifyInstance;
  bus: Pick<EventBus, 'publishEvent' | 'deadLetter'>;
  /** Where the connector counters go (the engine's, or the standalone server's /metrics). */
  registry: Registry;
  log: Logger;
  maxTextBytes: number;
  /** Caps on the other fields of an event (CXPULSE_MAX_*); defaults where absent. */
  fieldLimits?: Partial<FieldLimits>;
  selected: readonly SelectedConnector[];
  /** Overrides the definitions' publish retry budget (tests). */
  retry?: Partial<BackoffPolicy>;
}

export interface RunningConnectors {
  connectors: readonly Connector[];
  /** Each connector's publisher, by name. */
  publishers: ReadonlyMap<string, MeteredPublisher>;
  /** Stops the background sources (routes go with the app's close). */
  stop(): Promise<void>;
}

/**
 * Creates each selected connector with its own publisher, registers its routes on the app and
 * starts its source: the one path of `cxpulse start` (engine/runtime/connectors.ts) and
 * `cxpulse connector <name>` (connectors/standalone.ts).
 */
export async function runConnectors(o: RunConnectorsOptions): Promise<RunningConnectors> {
  const publishers = new Map<string, MeteredPublisher>();
  const connectors = o.selected.map(({ definition, settings }) => {
    const publisher = createConnectorPublisher({
      connector: definition.name,
      bus: o.bus,
      registry: o.registry,
      maxTextBytes: o.maxTextBytes,
      fieldLimits: o.fieldLimits,
      retry: { ...definition.publishRetry, ...o.retry },
      log: o.log,
    });
    publishers.set(definition.name, publisher);
    return definition.create({ publisher, log: o.log, settings });
  });
  for (const c of connectors) if (c.routes) await o.app.register(c.routes);
  const started: Connector[] = [];
  const stop = async () => {
    // Sources stop in reverse order of starting, each letting its item in hand finish.
    for (const c of started.splice(0).reverse()) await c.stop?.();
  };
  try {
    for (const c of connectors) {
      await c.start?.();
      started.push(c);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { connectors, publishers, stop };
}
