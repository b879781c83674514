/** Options of the ClickHouse store and how they are read from the settings (engine/config). */
import { readSetting, type Env } from '../../config/index.ts';

export interface SinkLog {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

export interface ClickHouseStoreOptions {
  /** HTTP endpoint, e.g. `http://127.0.0.1:8123`. */
  url: string;
  /** Database that holds `scored_events`; created by `init()` when absent. */
  database: string;
  username?: string;
  password?: string;
  /** Drop rows this many days after their event time (a TTL; ClickHouse 19.6+ only). Undefined: keep forever. */
  retentionDays?: number | undefined;
  /** CXPULSE_CLICKHOUSE_CLUSTER: also make the `<table>_all` Distributed tables over this cluster (distributed.ts); readers use them. */
  cluster?: string | undefined;
  log?: SinkLog;
}

export const DEFAULT_CLICKHOUSE_URL = 'http://127.0.0.1:8123';

/**
 * Client settings for queries that may run longer than a proxy's idle timeout (reports, bench
 * fills and drops): ClickHouse sends progress headers every 10 s so the connection is not idle.
 * Both settings exist on 18.16 and current releases; without them @clickhouse/client warns at
 * start for a request_timeout above 60 s.
 */
export const LONG_QUERY_SETTINGS = { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' } as const;
export const DEFAULT_CLICKHOUSE_DATABASE = 'cxpulse';

/**
 * Reads CLICKHOUSE_URL, CLICKHOUSE_DB, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD and
 * CLICKHOUSE_RETENTION_DAYS through their schema entries. Throws on a malformed value rather
 * than guessing.
 */
export function clickHouseOptionsFromEnv(env?: Env): ClickHouseStoreOptions {
  const opts: ClickHouseStoreOptions = {
    url: nonEmpty(readSetting('CLICKHOUSE_URL', env)) ?? DEFAULT_CLICKHOUSE_URL,
    database: nonEmpty(readSetting('CLICKHOUSE_DB', env)) ?? DEFAULT_CLICKHOUSE_DATABASE,
  };
  const username = nonEmpty(readSetting('CLICKHOUSE_USER', env));
  if (username !== undefined) opts.username = username;
  // Empty counts as unset, as everywhere in the settings: the client sends '' then, which is the
  // stock `default` user's password.
  const password = readSetting('CLICKHOUSE_PASSWORD', env);
  if (password !== undefined) opts.password = password;
  const days = readSetting('CLICKHOUSE_RETENTION_DAYS', env);
  if (days !== undefined) opts.retentionDays = days;
  const cluster = readSetting('CXPULSE_CLICKHOUSE_CLUSTER', env);
  if (cluster !== undefined) opts.cluster = cluster;
  return opts;
}

/** `undefined`/blank means "keep forever"; anything else must be a whole number of days (the setting's schema). */
export function parseRetentionDays(raw: string | undefined): number | undefined {
  return readSetting('CLICKHOUSE_RETENTION_DAYS', { CLICKHOUSE_RETENTION_DAYS: raw?.trim() });
}

/**
 * Database names are spliced into DDL (18.16 has no query parameters), so only plain
 * identifiers are accepted.
 */
export function assertIdentifier(name: string, what = 'database name'): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new Error(`invalid ClickHouse ${what} "${name}": use letters, digits and _ only`);
  }
  return name;
}

/** The URL without credentials or query, for logs and `description`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}
