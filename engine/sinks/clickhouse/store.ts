/**
 * ScoreStore on ClickHouse over HTTP (@clickhouse/client). Works against Debian's 18.16
 * (CI) and current releases (docker-compose); see schema.ts for what is gated.
 *
 * The client is created without a database and every statement names `db.table`: the
 * client sends `database=` on each request, which fails before init() has created it.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ClickHouseClient, Logger } from '@clickhouse/client';
import type { ScoredEvent } from '../../event/types.ts';
import type { ScoreStore } from '../types.ts';
import { assertIdentifier, parseRetentionDays, redactUrl } from './config.ts';
import type { ClickHouseStoreOptions, SinkLog } from './config.ts';
import { toRow } from './row.ts';
import type { TableShape } from './row.ts';
import {
  capabilitiesFor,
  createDatabaseSql,
  createLatestViewSql,
  createTableSql,
  describeColumnsSql,
  engineFullSql,
  parseServerVersion,
  planTtl,
  TABLE,
} from './schema.ts';

export type ClickHouseStore = ScoreStore & { readonly serverVersion: string; readonly client: ClickHouseClient };

const PING_TIMEOUT_MS = 2_000;
/** ClickHouse error codes for UNKNOWN_TABLE and UNKNOWN_DATABASE. */
const MISSING_CODES = new Set(['60', '81']);

/** Connects and reads the server version; throws when ClickHouse is not reachable. */
export async function createClickHouseStore(opts: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  const db = assertIdentifier(opts.database);
  const retentionDays = opts.retentionDays ?? parseRetentionDays(process.env.CLICKHOUSE_RETENTION_DAYS);
  const log: SinkLog = opts.log ?? { info() {}, warn() {} };
  const client = createClient({
    url: opts.url,
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    application: 'cxpulse',
    request_timeout: 30_000,
    // No clickhouse_settings: 18.16 rejects settings it does not know, and we need none
    // (no async_insert: the engine batches).
    log: { LoggerClass: forwardingLogger(log), level: ClickHouseLogLevel.WARN },
  });

  let serverVersion: string;
  try {
    serverVersion = await selectString(client, 'SELECT version() AS v');
  } catch (err) {
    await client.close().catch(() => undefined);
    throw new Error(`ClickHouse at ${redactUrl(opts.url)} is not reachable: ${message(err)}`, { cause: err });
  }
  const caps = capabilitiesFor(parseServerVersion(serverVersion));
  const description = `clickhouse ${serverVersion} ${redactUrl(opts.url)}/${db}`;
  let shape: TableShape | undefined;

  async function loadShape(): Promise<TableShape> {
    const res = await client.query({ query: describeColumnsSql(db), format: 'JSONEachRow' });
    const cols = await res.json<{ name: string; type: string }>();
    return { types: new Map(cols.map((c) => [c.name, c.type])) };
  }

  async function init(): Promise<void> {
    await client.command({ query: createDatabaseSql(db) });
    await client.command({ query: createTableSql(db, caps, retentionDays) });
    shape = await loadShape();
    await client.command({ query: createLatestViewSql(db, [...shape.types.keys()]) });
    await applyRetention();
    log.info({ store: description, capabilities: caps, retentionDays: retentionDays ?? null }, 'clickhouse store ready');
  }

  async function applyRetention(): Promise<void> {
    const engineFull = await selectString(client, engineFullSql(db));
    const plan = planTtl(db, caps, engineFull, retentionDays);
    if (plan.kind === 'modify') {
      await client.command({ query: plan.sql });
      log.info({ retentionDays, sql: plan.sql }, 'clickhouse retention applied');
    } else if (plan.kind === 'unsupported') {
      log.warn({ retentionDays, serverVersion }, 'CLICKHOUSE_RETENTION_DAYS ignored: this ClickHouse has no TTL (19.6+)');
    } else if (plan.kind === 'keep-existing') {
      log.info({ engineFull }, 'scored_events has a TTL and no retention is configured; leaving it');
    }
  }

  async function insert(rows: readonly ScoredEvent[]): Promise<void> {
    shape ??= await loadShape();
    if (shape.types.size === 0) throw new Error(`${db}.${TABLE} does not exist`);
    const s = shape;
    const now = Date.now();
    await client.insert({ table: `${db}.${TABLE}`, values: rows.map((r) => toRow(r, s, now)), format: 'JSONEachRow' });
  }

  return {
    description,
    serverVersion,
    client,
    init,
    async write(rows) {
      if (rows.length === 0) return;
      try {
        await insert(rows);
      } catch (err) {
        if (!isMissingTable(err)) throw writeError(rows.length, err);
        // The table vanished under us (server volume wiped, DB dropped): recreate it once
        // rather than fail every retry until someone restarts the engine.
        log.warn({ err: message(err) }, 'scored_events missing; re-running init');
        shape = undefined;
        try {
          await init();
          await insert(rows);
        } catch (again) {
          throw writeError(rows.length, again);
        }
      }
    },
    async ping() {
      try {
        // A SELECT (not /ping) so that bad credentials also count as not ready.
        const res = await client.ping({ select: true, abort_signal: AbortSignal.timeout(PING_TIMEOUT_MS) });
        return res.success;
      } catch {
        return false;
      }
    },
    async close() {
      await client.close();
    },
  };
}

async function selectString(client: ClickHouseClient, query: string): Promise<string> {
  const res = await client.query({ query, format: 'JSONEachRow' });
  const rows = await res.json<Record<string, unknown>>();
  const first = rows[0];
  const value = first === undefined ? '' : Object.values(first)[0];
  return typeof value === 'string' ? value : String(value ?? '');
}

/**
 * The server's error code. The client only fills `code` when the message ends in a
 * `(TYPE_NAME)` marker, which 18.16 does not send ("Code: 60, e.displayText() = ..."),
 * so fall back to the message.
 */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return code;
  return /\bCode: (\d+)/.exec(message(err))?.[1];
}

function isMissingTable(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && MISSING_CODES.has(code);
}

function writeError(n: number, err: unknown): Error {
  return new Error(`clickhouse insert of ${n} rows failed: ${message(err)}`, { cause: err });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Passes the client's warnings (config problems) to our logger. Its per-request errors are
 * dropped: they reach the caller as a thrown error or ping() === false, and logging them
 * here too would double every line during an outage.
 */
function forwardingLogger(log: SinkLog): new () => Logger {
  return class implements Logger {
    trace(): void {}
    debug(): void {}
    info(): void {}
    warn(p: { module: string; message: string; args?: Record<string, unknown>; err?: Error }): void {
      log.warn({ module: p.module, args: p.args, err: p.err?.message }, `@clickhouse/client: ${p.message}`);
    }
    error(): void {}
  };
}
