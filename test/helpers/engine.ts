import { createClient, type ClickHouseClient } from '@clickhouse/client';
import WebSocket from 'ws';
import { loadConfig, type Config } from '../../engine/config/index.ts';
import { createLogger } from '../../engine/observability/index.ts';
import { startEngine, type Engine, type EngineOptions } from '../../engine/runtime/index.ts';
import { CONNECTORS } from '../../connectors/index.ts';
import type { ScoredEvent } from '../../engine/event/index.ts';

export const CLICKHOUSE_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';

/** A unique ClickHouse database per test file, dropped by `drop()`. */
export function testDatabase(prefix: string): { name: string; client: ClickHouseClient; drop(): Promise<void> } {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const client = createClient({ url: CLICKHOUSE_URL });
  return {
    name,
    client,
    async drop() {
      await client.command({ query: `DROP DATABASE IF EXISTS ${name}` });
      await client.close();
    },
  };
}

export async function queryNumber(client: ClickHouseClient, query: string): Promise<number> {
  const rs = await client.query({ query, format: 'JSONEachRow' });
  const rows = (await rs.json()) as Record<string, unknown>[];
  return Number(Object.values(rows[0] ?? {})[0]);
}

export function engineConfig(env: Record<string, string>): Config {
  // Scoring on the main thread unless a test asks for workers: a worker thread per test engine would load the model
  // again on a shared 2-core machine. test/integration/reload.test.ts and test/build/dist.test.ts run with workers.
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', CXPULSE_ACK_WAIT_MS: '2000', CXPULSE_WORKERS: '0', ...env });
}

/** An engine as `cxpulse start` runs it, with the shipped connectors. */
export async function startTestEngine(env: Record<string, string>, opts: Omit<EngineOptions, 'connectors'> = {}): Promise<Engine> {
  const cfg = engineConfig(env);
  return startEngine(cfg, createLogger(cfg.LOG_LEVEL), { ...opts, connectors: CONNECTORS });
}

/** Collects `score` messages from the engine's WebSocket feed; `token` is sent as a bearer token when given. */
export async function openFeed(baseUrl: string, token?: string): Promise<{ events: ScoredEvent[]; close(): void; waitFor(n: number, timeoutMs: number): Promise<void> }> {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/feed`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  const events: ScoredEvent[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string; event?: ScoredEvent };
    if (m.type === 'score' && m.event) events.push(m.event);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    events,
    close: () => ws.close(),
    waitFor: (n, timeoutMs) => waitUntil(() => events.length >= n, timeoutMs, () => `feed has ${events.length} of ${n} events`),
  };
}

export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
