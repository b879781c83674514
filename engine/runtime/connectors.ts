import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { EventBus } from '../bus/index.ts';
import type { Config } from '../config/index.ts';
import { runConnectors, selectConnectors, type ConnectorDefinition } from '../connector/index.ts';
import type { Logger } from '../observability/index.ts';
import { fieldLimitsOf } from '../event/index.ts';

export interface StartConnectorsOptions {
  app: FastifyInstance;
  bus: Pick<EventBus, 'publishEvent' | 'deadLetter'>;
  cfg: Config;
  log: Logger;
  /** The engine's metrics registry: connector counters beside the engine's own. */
  registry: Registry;
  /** The registry of connectors the composition root passes in (connectors/index.ts CONNECTORS). */
  definitions: readonly ConnectorDefinition[];
}

/**
 * Connectors served by the engine's process share its bus and its metrics: the enabled ones
 * (CXPULSE_CONNECTORS, and configured) get their routes on the engine's app and their sources
 * started. The engine never imports connectors/: the definitions are handed in.
 */
export async function startConnectors(o: StartConnectorsOptions): Promise<{ stop(): Promise<void> }> {
  const selected = selectConnectors(o.cfg, o.definitions);
  const running = await runConnectors({ app: o.app, bus: o.bus, registry: o.registry, log: o.log, maxTextBytes: o.cfg.CXPULSE_MAX_TEXT_BYTES, fieldLimits: fieldLimitsOf(o.cfg), selected });
  if (selected.length > 0) o.log.info({ connectors: selected.map((s) => s.definition.name) }, `connectors: ${selected.map((s) => s.definition.name).join(', ')}`);
  return { stop: () => running.stop() };
}
