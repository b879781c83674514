/**
 * ScoreStore on ClickHouse over HTTP (@clickhouse/client). Works against Debian's 18.16
 * (CI) and current releases (docker-compose); see schema.ts for what is gated and
 * migrate.ts for how init() brings older tables up to date.
 *
 * The client is created without a database and every statement names `db.table`: the
 * client sends `database=` on each request, which fails before init() has created it.
 */
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ClickHouseClient, Logger } from '@clickhouse/client';
import { RowsRejectedError, type ScoreStore } from '../types.ts';
import { capabilitiesFor, parseServerVersion } from './capabilities.ts';
import { assertIdentifier, redactUrl } from './config.ts';
import type { ClickHouseStoreOptions, SinkLog } from './config.ts';
import { ensureSchema, loadShape } from './migrate.ts';
import type { SchemaContext } from './migrate.ts';
import { errorCode, message, selectRows, selectString, sqlString } from './query.ts';
import { parseActionDetails } from '../actionDetails.ts';
import { openAlerts, parseAlertDetails } from '../alertDetails.ts';
import { toActionRow, toAlertRow, toBusinessRow, toRow } from './row.ts';
import type { Row, TableShape } from './row.ts';
import { ACTIONS, ALERTS, BUSINESS_EVENTS, SCORED_EVENTS } from './tables.ts';
import { eraseCustomerRows, logErasure } from './erase.ts';
import type { TableDef } from './tables.ts';
import { startRetentionSweeps } from './retention.ts';
import { DISTRIBUTED_SUFFIX, ensureDistributed } from './distributed.ts';

export { errorCode } from './query.ts';

export type ClickHouseStore = ScoreStore & { readonly serverVersion: string; readonly client: ClickHouseClient };

const PING_TIMEOUT_MS = 2_000;
/** ClickHouse error codes for UNKNOWN_TABLE and UNKNOWN_DATABASE. */
const MISSING_CODES = new Set(['60', '81']);
/**
 * Codes with which ClickHouse refuses the data of an insert rather than the insert itself: the
 * same rows fail again however often they are sent (parse errors, a value the column cannot
 * hold, an unknown field). Numbers from ClickHouse's src/Common/ErrorCodes.cpp; the same on 18.16
 * and current releases.
 */
const ROW_REJECTED_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '32', // ATTEMPT_TO_READ_AFTER_EOF
  '33', // CANNOT_READ_ALL_DATA
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '130', // CANNOT_READ_ARRAY_FROM_TEXT
  '131', // TOO_LARGE_STRING_SIZE
  '321', // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  '349', // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  '469', // VIOLATED_CONSTRAINT
]);
/** Code 252 with this message: one insert spans too many partitions; smaller inserts do not (other 252s are "merges behind", a transient state). */
const TOO_MANY_PARTITIONS = /partitions for (a )?single insert block/i;

type ToRow<E> = (ev: E, shape: TableShape, writeTimeMs: number) => Row;

/** Connects and reads the server version; throws when ClickHouse is not reachable. */
export async function createClickHouseStore(opts: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  const db = assertIdentifier(opts.database);
  const retentionDays = opts.retentionDays;
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
  const ctx: SchemaContext = { client, db, caps, retentionDays, serverVersion, log };
  /** Columns per table as they exist, so rows match tables made by older servers/releases. */
  let shapes = new Map<string, TableShape>();
  /** Whether scored_events is sorted by customer first (made by this release) or by (channel, event_id) (before it). */
  let customerKeyed: boolean | undefined;
  /** scored_events inserts running now. */
  const scoredInserts = new Set<Promise<void>>();

  let stopSweeps: (() => void) | undefined;
  /** Events whose insert failed here (they may have landed anyway): looked up when written again. */
  const uncertain = new Set<string>();

  async function init(): Promise<void> {
    customerKeyed = undefined;
    shapes = await ensureSchema(ctx);
    if (opts.cluster !== undefined) await ensureDistributed(client, db, opts.cluster, log);
    // Without TTL (18.16) the retention is a scheduled delete keyed on receive time.
    if (retentionDays !== undefined && !caps.ttl && !stopSweeps) stopSweeps = startRetentionSweeps({ client, db, days: retentionDays, log });
    log.info({ store: description, capabilities: caps, retentionDays: retentionDays ?? null }, 'clickhouse store ready');
  }

  async function insert<E>(t: TableDef, rows: readonly E[], map: ToRow<E>): Promise<void> {
    if (t !== SCORED_EVENTS) return insertRows(t, rows, map);
    // Inserts may run side by side (CXPULSE_SINK_CONCURRENCY): a batch with rows to look up first
    // lets the inserts that started before it finish, so that a copy of an event in one of them
    // is found. Registered before the first await (even a shape lookup), so a later batch always
    // sees this one.
    const earlier = [...scoredInserts];
    let finished!: () => void;
    const mine = new Promise<void>((r) => (finished = r));
    scoredInserts.add(mine);
    try {
      await insertRows(t, rows, map, earlier);
    } finally {
      scoredInserts.delete(mine);
      finished();
    }
  }

  /** `earlier`: the scored_events inserts that started before this one (scored_events only). */
  async function insertRows<E>(t: TableDef, rows: readonly E[], map: ToRow<E>, earlier?: readonly Promise<void>[]): Promise<void> {
    let shape = shapes.get(t.name);
    if (shape === undefined || shape.types.size === 0) {
      // write() before init(): use the table as it is. Not cached when absent, so a
      // later init() is not shadowed by an empty shape.
      shape = await loadShape(client, db, t.name);
      if (shape.types.size === 0) throw new MissingTableError(`${db}.${t.name} does not exist`);
      shapes.set(t.name, shape);
    }
    const s = shape;
    const now = Date.now();
    const values = rows.map((r) => map(r, s, now));
    if (earlier === undefined || !s.types.has('redelivered')) {
      await client.insert({ table: `${db}.${t.name}`, values, format: 'JSONEachRow' });
      return;
    }
    const redelivered = rows.map((r) => (r as { redelivered?: unknown }).redelivered === true);
    try {
      if (redelivered.includes(true) || values.some((v) => uncertain.has(keyOf(v)))) await Promise.allSettled(earlier);
      await markRedelivered(values, redelivered);
      await client.insert({ table: `${db}.${t.name}`, values, format: 'JSONEachRow' });
    } catch (err) {
      // The rows may have landed although the call failed (a timeout): a retry looks them up.
      for (const v of values) remember(uncertain, keyOf(v));
      throw err;
    }
    for (const v of values) uncertain.delete(keyOf(v));
  }

  /**
   * Sets `redelivered = 1` on rows whose event is already stored (or comes earlier in the same
   * batch), so that the rollups' views count each event once (rollups.ts). A lookup by primary key
   * costs a granule read per event on a big table (seconds for 500 events at 10 million rows here),
   * so only events that may be stored are looked up: those the pipeline marks as JetStream
   * redeliveries (`redelivered: true` on the event, for a delivery count above 1) and those whose
   * earlier insert from this process failed.
   */
  async function markRedelivered(values: Row[], redelivered: readonly boolean[]): Promise<void> {
    const seen = new Set<string>();
    const maybe = values.filter((v, i) => redelivered[i] === true || uncertain.has(keyOf(v)));
    // The lookup names the table's own key, so that it reads a few granules, not every row.
    if (maybe.length > 0) customerKeyed ??= await sortedByCustomer(client, db);
    const tuple = customerKeyed ? '(customer_id, channel, event_id)' : '(channel, event_id)';
    const keys = [...new Set(maybe.map((v) => `(${customerKeyed ? `${sqlString(String(v.customer_id))}, ` : ''}${sqlString(String(v.channel))}, ${sqlString(String(v.event_id))})`))];
    // Statements stay under the server's max_query_size (256 KiB by default).
    for (const chunk of chunksOf(keys, LOOKUP_CHARS)) {
      const stored = await selectRows<{ c: string; e: string }>(client, `SELECT toString(channel) AS c, event_id AS e FROM ${db}.${SCORED_EVENTS.name} WHERE ${tuple} IN (${chunk.join(', ')}) GROUP BY c, e`);
      for (const r of stored) seen.add(`${r.c}\u0000${r.e}`);
    }
    for (const v of values) {
      const key = keyOf(v);
      if (seen.has(key)) v.redelivered = 1;
      else seen.add(key);
    }
  }

  async function write<E>(t: TableDef, rows: readonly E[], map: ToRow<E>): Promise<void> {
    if (rows.length === 0) return;
    try {
      await insert(t, rows, map);
    } catch (err) {
      if (!isMissingTable(err)) throw writeError(t, rows.length, err);
      // The table vanished under us (server volume wiped, DB dropped): recreate it once
      // rather than fail every retry until someone restarts the engine.
      log.warn({ table: t.name, err: message(err) }, `${t.name} missing; re-running init`);
      shapes = new Map();
      try {
        await init();
        await insert(t, rows, map);
      } catch (again) {
        throw writeError(t, rows.length, again);
      }
    }
  }

  return {
    description,
    serverVersion,
    client,
    init,
    write: (rows) => write(SCORED_EVENTS, rows, toRow),
    writeBusinessEvents: (rows) => write(BUSINESS_EVENTS, rows, toBusinessRow),
    writeAlerts: (rows) => write(ALERTS, rows, toAlertRow),
    eraseCustomer: (ids) => eraseCustomerRows(client, db, ids),
    logErasure: (entry) => logErasure(client, db, entry),
    writeActions: (rows) => write(ACTIONS, rows, toActionRow),
    async readShareCounts(sinceMs) {
      // uniqExact: a redelivered event may still sit twice in the unmerged parts; no FINAL needed.
      // With a cluster, the Distributed table reads every shard (every instance's events).
      const from = `${db}.${SCORED_EVENTS.name}${opts.cluster !== undefined ? DISTRIBUTED_SUFFIX : ''}`;
      const rows = await selectRows<{ channel: string; minute: string | number; n: string | number; neg: string | number }>(client, `SELECT toString(channel) AS channel, intDiv(toUInt32(toDateTime(received_at)), 60) AS minute,
  uniqExact(event_id) AS n, uniqExactIf(event_id, sentiment_label = 'negative') AS neg
FROM ${from} WHERE author = 'customer' AND received_at >= toDateTime(${Math.max(0, Math.floor(sinceMs / 1000))})
GROUP BY channel, minute`);
      return rows.map((r) => ({ channel: r.channel, minute: Number(r.minute), n: Number(r.n), neg: Number(r.neg) }));
    },
    async readOpenAlerts() {
      const from = `${db}.${ALERTS.view}${opts.cluster !== undefined ? DISTRIBUTED_SUFFIX : ''}`;
      const rows = await selectRows<{ detail: string }>(client, `SELECT detail FROM ${from} WHERE status != 'resolved'`);
      return openAlerts(parseAlertDetails(rows.map((r) => r.detail)));
    },
    async readActions(sinceMs) {
      const rows = await selectRows<{ detail: string }>(client, `SELECT detail FROM ${db}.${ACTIONS.view} WHERE state_ms >= ${Math.max(0, Math.trunc(sinceMs))}`);
      return parseActionDetails(rows.map((r) => r.detail));
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
      stopSweeps?.();
      await client.close();
    },
  };
}

/** At most this many events are remembered as uncertain (the oldest are forgotten first). */
const MAX_UNCERTAIN = 200_000;

/** Whether the table's sorting key starts with customer_id (system.tables.sorting_key exists on 18.16 and current releases). */
async function sortedByCustomer(client: ClickHouseClient, db: string): Promise<boolean> {
  const [t] = await selectRows<{ k: string }>(client, `SELECT sorting_key AS k FROM system.tables WHERE database = ${sqlString(db)} AND name = ${sqlString(SCORED_EVENTS.name)}`);
  return /^\(?\s*customer_id\s*,/.test(t?.k ?? '');
}

const keyOf = (v: Row): string => `${String(v.channel)}\u0000${String(v.event_id)}`;

function remember(set: Set<string>, key: string): void {
  set.delete(key);
  set.add(key);
  if (set.size > MAX_UNCERTAIN) set.delete(set.values().next().value as string);
}

/** Characters of key tuples per redelivery lookup (see markRedelivered). */
const LOOKUP_CHARS = 100_000;

/** Consecutive groups of `items` whose lengths add up to at most `max` characters (at least one item each). */
export function chunksOf(items: readonly string[], max: number): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let size = 0;
  for (const it of items) {
    if (cur.length > 0 && size + it.length + 2 > max) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(it);
    size += it.length + 2;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

class MissingTableError extends Error {}

function isMissingTable(err: unknown): boolean {
  if (err instanceof MissingTableError) return true;
  const code = errorCode(err);
  return code !== undefined && MISSING_CODES.has(code);
}

/** A refusal of the rows (see ROW_REJECTED_CODES) becomes a RowsRejectedError, which the pipeline answers by splitting the batch. */
function writeError(t: TableDef, n: number, err: unknown): Error {
  const text = `clickhouse insert of ${n} rows into ${t.name} failed: ${message(err)}`;
  const code = errorCode(err);
  if ((code !== undefined && ROW_REJECTED_CODES.has(code)) || TOO_MANY_PARTITIONS.test(message(err))) return new RowsRejectedError(text, { cause: err });
  return new Error(text, { cause: err });
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
