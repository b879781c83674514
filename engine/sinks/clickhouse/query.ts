/** Small helpers over @clickhouse/client shared by the store and its schema upkeep. */
import type { ClickHouseClient } from '@clickhouse/client';

export async function selectRows<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  const res = await client.query({ query, format: 'JSONEachRow' });
  return res.json<T>();
}

/** The first column of the first row as a string; '' when there is no row. */
export async function selectString(client: ClickHouseClient, query: string): Promise<string> {
  const rows = await selectRows<Record<string, unknown>>(client, query);
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

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A ClickHouse string literal (18.16 has no query parameters). */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Tables (not views) of `db` that have `column`, in name order: so tables added later are covered too. */
export async function tablesWithColumn(client: ClickHouseClient, db: string, column: string): Promise<string[]> {
  const tables = await selectRows<{ name: string }>(client, `SELECT name FROM system.tables WHERE database = ${sqlString(db)} AND engine LIKE '%MergeTree'`);
  const withColumn = await selectRows<{ table: string }>(client, `SELECT table FROM system.columns WHERE database = ${sqlString(db)} AND name = ${sqlString(column)}`);
  const stored = new Set(tables.map((t) => t.name));
  return withColumn.map((c) => c.table).filter((t) => stored.has(t)).sort();
}

