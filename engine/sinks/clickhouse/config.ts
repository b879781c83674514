/** Options of the ClickHouse store and how they are read from the environment. */

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
  /**
   * Drop rows this many days after their event time (a TTL; ClickHouse 19.6+ only).
   * Undefined: read `CLICKHOUSE_RETENTION_DAYS`, so the setting works however the store is wired.
   */
  retentionDays?: number;
  log?: SinkLog;
}

export const DEFAULT_CLICKHOUSE_URL = 'http://127.0.0.1:8123';
export const DEFAULT_CLICKHOUSE_DATABASE = 'cxpulse';

/**
 * Reads CLICKHOUSE_URL, CLICKHOUSE_DB, CLICKHOUSE_USER, CLICKHOUSE_PASSWORD and
 * CLICKHOUSE_RETENTION_DAYS. Throws on a malformed value rather than guessing.
 */
export function clickHouseOptionsFromEnv(
  env: Record<string, string | undefined> = process.env,
): ClickHouseStoreOptions {
  const opts: ClickHouseStoreOptions = {
    url: nonEmpty(env.CLICKHOUSE_URL) ?? DEFAULT_CLICKHOUSE_URL,
    database: nonEmpty(env.CLICKHOUSE_DB) ?? DEFAULT_CLICKHOUSE_DATABASE,
  };
  const username = nonEmpty(env.CLICKHOUSE_USER);
  if (username !== undefined) opts.username = username;
  // An empty password is a legitimate value (the stock `default` user has none).
  if (env.CLICKHOUSE_PASSWORD !== undefined) opts.password = env.CLICKHOUSE_PASSWORD;
  const days = parseRetentionDays(env.CLICKHOUSE_RETENTION_DAYS);
  if (days !== undefined) opts.retentionDays = days;
  return opts;
}

/** `undefined`/empty means "keep forever"; anything else must be a positive integer. */
export function parseRetentionDays(raw: string | undefined): number | undefined {
  const s = nonEmpty(raw);
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 36_500) {
    throw new Error(`CLICKHOUSE_RETENTION_DAYS must be a whole number of days (1..36500), got "${s}"`);
  }
  return Number(s);
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
