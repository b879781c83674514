import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import { DEFAULT_LOCAL_CLICKHOUSE_URL, DEFAULT_LOCAL_NATS_URL, IN_PROCESS_NATS, describeNatsServers, natsServersOf, redeliveryBackoffMs, scaleOf } from '../config/index.ts';
import { createMemoryBus, createNatsBus, type EventBus, type NatsBusOptions } from '../bus/index.ts';
import type { ScoreStore } from '../sinks/types.ts';
import { createClickHouseStore, type ClickHouseStore } from '../sinks/clickhouse/index.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { createFileStore } from '../sinks/file/index.ts';
import type { Logger } from '../observability/index.ts';
import { privacySettings } from './privacy.ts';
import { withoutCredentials } from '../util/index.ts';

/** How long start-up probes a local default before falling back to the embedded one. */
const PROBE_TIMEOUT_MS = 1500;

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(new URL('/ping', url), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * NATS_URL set: that server (or the first of its list that answers), and failing to reach every
 * one is an error (a configured system must not silently become a toy). Unset: the local default
 * if it answers, else the in-process bus.
 */
export async function connectBus(cfg: Config, log: Logger, now?: () => number): Promise<EventBus> {
  const natsOpts = (servers: readonly string[], timeout?: number) => ({ ...natsBusOptions(cfg, servers, log, timeout), ...(now ? { now } : {}) });
  const scale = scaleOf(cfg);
  const memory = () => {
    // Instances of one deployment share their work through NATS; an in-process bus per instance would split it blindly.
    if (scale.instances > 1) throw new Error(`CXPULSE_INSTANCES=${scale.instances} needs NATS: set NATS_URL to the server every instance uses (the in-process bus is one process's)`);
    if (cfg.CXPULSE_NATS_REPLICAS !== undefined) log.warn(`CXPULSE_NATS_REPLICAS=${cfg.CXPULSE_NATS_REPLICAS} is ignored: the engine uses the in-process bus, not NATS`);
    return createMemoryBus({ dlqDir: cfg.CXPULSE_DATA_DIR, maxDeliver: cfg.CXPULSE_MAX_DELIVER, backoffMs: redeliveryBackoffMs(cfg), sanitizeDeadLetter: privacySettings(cfg, log).sanitizeDeadLetter });
  };
  if (cfg.NATS_URL === IN_PROCESS_NATS) return memory();
  if (cfg.NATS_URL) {
    const servers = natsServersOf(cfg);
    try {
      return await createNatsBus(natsOpts(servers));
    } catch (e) {
      const which = servers.length > 1 ? `any of the ${servers.length} servers of NATS_URL (${describeNatsServers(servers)})` : `NATS at NATS_URL=${describeNatsServers(servers)}`;
      throw new Error(`cannot connect to ${which}: ${withoutCredentials((e as Error).message)}`);
    }
  }
  try {
    return await createNatsBus(natsOpts([DEFAULT_LOCAL_NATS_URL], PROBE_TIMEOUT_MS));
  } catch {
    log.warn(`no NATS at ${DEFAULT_LOCAL_NATS_URL} and NATS_URL unset: using the in-process bus (events are not durable across restarts)`);
    return memory();
  }
}

/** The NATS bus as configured: stream (retention, max age), DLQ (redacted, max age), durable consumer and its delivery limits. Every process that creates the consumer uses these, so they agree. */
export function natsBusOptions(cfg: Config, servers: readonly string[], log: Logger, connectTimeoutMs?: number): NatsBusOptions {
  return {
    servers,
    stream: cfg.CXPULSE_STREAM,
    consumer: cfg.CXPULSE_CONSUMER,
    partitions: cfg.CXPULSE_PARTITIONS,
    owned: scaleOf(cfg).owned,
    maxAckPending: cfg.CXPULSE_MAX_IN_FLIGHT,
    ackWaitMs: cfg.CXPULSE_ACK_WAIT_MS,
    maxDeliver: cfg.CXPULSE_MAX_DELIVER,
    backoffMs: redeliveryBackoffMs(cfg),
    retention: cfg.CXPULSE_EVENTS_RETENTION,
    eventsMaxAgeMs: cfg.CXPULSE_EVENTS_MAX_AGE_HOURS * 3_600_000,
    dlqMaxAgeMs: cfg.CXPULSE_DLQ_MAX_AGE_HOURS * 3_600_000,
    ...(cfg.CXPULSE_NATS_REPLICAS === undefined ? {} : { replicas: cfg.CXPULSE_NATS_REPLICAS }),
    sanitizeDeadLetter: privacySettings(cfg, log).sanitizeDeadLetter,
    log,
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
  };
}

/** Same rule as the bus: CLICKHOUSE_URL set means ClickHouse or an error; unset means local or embedded. */
export async function connectStore(cfg: Config, log: Logger): Promise<ScoreStore> {
  const fileStore = () => {
    if (cfg.CXPULSE_CLICKHOUSE_CLUSTER !== undefined) log.warn(`CXPULSE_CLICKHOUSE_CLUSTER=${cfg.CXPULSE_CLICKHOUSE_CLUSTER} is ignored: the engine uses the embedded file store, not ClickHouse`);
    return createFileStore({ dir: join(cfg.CXPULSE_DATA_DIR, 'store'), log });
  };
  const clickhouse = (url: string) =>
    createClickHouseStore({ url, database: cfg.CLICKHOUSE_DB, username: cfg.CLICKHOUSE_USER, password: cfg.CLICKHOUSE_PASSWORD, retentionDays: cfg.CLICKHOUSE_RETENTION_DAYS, cluster: cfg.CXPULSE_CLICKHOUSE_CLUSTER, log });
  if (cfg.CLICKHOUSE_URL === 'file') return fileStore();
  if (cfg.CLICKHOUSE_URL) {
    try {
      return await clickhouse(cfg.CLICKHOUSE_URL);
    } catch (e) {
      throw new Error(`cannot use ClickHouse at CLICKHOUSE_URL=${cfg.CLICKHOUSE_URL}: ${(e as Error).message}`);
    }
  }
  if (await answers(DEFAULT_LOCAL_CLICKHOUSE_URL)) return clickhouse(DEFAULT_LOCAL_CLICKHOUSE_URL);
  log.warn(`no ClickHouse at ${DEFAULT_LOCAL_CLICKHOUSE_URL} and CLICKHOUSE_URL unset: using the embedded file store in ${cfg.CXPULSE_DATA_DIR}/store`);
  return fileStore();
}

/** The ClickHouse client behind the store, for readers such as the reports; undefined on the embedded file store. */
export function clickHouseClientOf(store: ScoreStore): ClickHouseClient | undefined {
  return 'client' in store ? (store as ClickHouseStore).client : undefined;
}
