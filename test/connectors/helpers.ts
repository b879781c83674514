import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { buildApp } from '../../engine/http/index.ts';
import { createMemoryBus, type DeadLetter, type EventBus } from '../../engine/bus/index.ts';
import { createFeedHub } from '../../engine/feed/index.ts';
import { createLogger, createMetrics } from '../../engine/observability/index.ts';
import { loadConfig } from '../../engine/config/index.ts';
import { CONNECTOR_EVENTS_METRIC, runConnectors, selectConnectors } from '../../engine/connector/index.ts';
import { CONNECTORS } from '../../connectors/index.ts';

export function fixture(path: string): Buffer {
  return readFileSync(new URL(`../fixtures/connectors/${path}`, import.meta.url));
}

export function fixtureJson(path: string): Record<string, unknown> {
  return JSON.parse(fixture(path).toString('utf8')) as Record<string, unknown>;
}

export interface Published {
  channel: string;
  msgId: string;
  event: Record<string, unknown> & { meta?: Record<string, unknown> };
}

/** An in-process bus that remembers what was published (once per id, as JetStream dedup would). */
export function recordingBus(): { bus: Pick<EventBus, 'publishEvent' | 'deadLetter'>; published: Published[]; deadLetters: readonly DeadLetter[] } {
  const memory = createMemoryBus();
  const published: Published[] = [];
  return {
    published,
    deadLetters: memory.deadLetters,
    bus: {
      async publishEvent(channel, data, msgId) {
        const r = await memory.publishEvent(channel, data, msgId);
        if (!r.duplicate) published.push({ channel, msgId, event: JSON.parse(Buffer.from(data).toString('utf8')) });
        return r;
      },
      deadLetter: (e) => memory.deadLetter(e),
    },
  };
}

export async function counter(registry: Registry, connector: string, outcome: string): Promise<number> {
  const m = registry.getSingleMetric(CONNECTOR_EVENTS_METRIC);
  if (!m) return 0;
  const { values } = await m.get();
  return values.find((v) => v.labels.connector === connector && v.labels.outcome === outcome)?.value ?? 0;
}

/**
 * The engine's real HTTP app (error handler, WebSocket plugin) with the connectors served the way
 * `cxpulse start` serves them (the registry, selected and configured from `env`).
 */
export async function connectorApp(env: Record<string, string> = {}, maxTextBytes = 4096) {
  const rec = recordingBus();
  const metrics = createMetrics();
  const log = createLogger('silent');
  const app: FastifyInstance = await buildApp({
    log,
    metrics,
    bus: rec.bus,
    feed: createFeedHub(),
    maxTextBytes,
    maxBodyBytes: 1 << 20,
    backend: () => 'cpu',
    readiness: async () => ({ ready: true, checks: {} }),
  });
  const cfg = loadConfig({ ...env, CXPULSE_MAX_TEXT_BYTES: String(maxTextBytes) });
  const running = await runConnectors({ app, bus: rec.bus, registry: metrics.registry, log, maxTextBytes, selected: selectConnectors(cfg, CONNECTORS) });
  app.addHook('onClose', () => running.stop());
  await app.ready();
  return { app, ...rec, registry: metrics.registry, count: (connector: string, outcome: string) => counter(metrics.registry, connector, outcome) };
}
