/**
 * Erasure of one customer on ClickHouse: every table of the database with a `customer_id` column
 * (so tables added later are covered too) loses that customer's rows through a mutation
 * (`ALTER TABLE ... DELETE`, which 18.16 has), and the call waits until ClickHouse has applied it.
 * The erasure log is a table of its own, made on first use. The per-customer rollup is one of those
 * tables; the minute rollup (no customer column) gets the customer's counts subtracted.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { ErasedPlace, ErasureLogEntry } from '../../event/erasure.ts';
import { selectRows, sqlString, tablesWithColumn } from './query.ts';
import { BY_MINUTE, subtractCustomersSql } from './rollups.ts';

/** How long one erasure waits for ClickHouse to apply its mutations. */
export const MUTATION_TIMEOUT_MS = 120_000;
export const ERASURES_TABLE = 'erasures';


export async function waitForMutations(client: ClickHouseClient, db: string, table: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    const [row] = await selectRows<{ n: string | number }>(client, `SELECT count() AS n FROM system.mutations WHERE database = ${sqlString(db)} AND table = ${sqlString(table)} AND is_done = 0`);
    if (Number(row?.n ?? 0) === 0) return;
    if (Date.now() > until) throw new Error(`ClickHouse has not applied the mutations on ${db}.${table} after ${timeoutMs} ms (see system.mutations)`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

export async function eraseCustomerRows(client: ClickHouseClient, db: string, ids: readonly string[], timeoutMs = MUTATION_TIMEOUT_MS): Promise<ErasedPlace[]> {
  if (ids.length === 0) return [];
  const where = `customer_id IN (${ids.map(sqlString).join(', ')})`;
  const out: ErasedPlace[] = [];
  // The minute rollup has no customer column: take the customer's counts out of it first, while
  // their events still exist (rollups.ts).
  const [rollup] = await selectRows<{ n: string | number }>(client, `SELECT count() AS n FROM system.tables WHERE database = ${sqlString(db)} AND name = ${sqlString(BY_MINUTE)}`);
  if (Number(rollup?.n ?? 0) > 0) await client.command({ query: subtractCustomersSql(db, where) });
  for (const table of await tablesWithColumn(client, db, 'customer_id')) {
    const name = `${db}.${table}`;
    const [before] = await selectRows<{ n: string | number }>(client, `SELECT count() AS n FROM ${name} WHERE ${where}`);
    const removed = Number(before?.n ?? 0);
    if (removed > 0) {
      await client.command({ query: `ALTER TABLE ${name} DELETE WHERE ${where}` });
      await waitForMutations(client, db, table, timeoutMs);
    }
    out.push({ place: 'clickhouse', what: name, removed });
  }
  return out;
}

export async function logErasure(client: ClickHouseClient, db: string, entry: ErasureLogEntry): Promise<void> {
  await client.command({ query: `CREATE TABLE IF NOT EXISTS ${db}.${ERASURES_TABLE} (id_hash String, erased_at DateTime('UTC'), erased_at_ms UInt64) ENGINE = MergeTree ORDER BY erased_at_ms` });
  await client.insert({ table: `${db}.${ERASURES_TABLE}`, values: [{ id_hash: entry.idHash, erased_at: Math.floor(entry.erasedAtMs / 1000), erased_at_ms: entry.erasedAtMs }], format: 'JSONEachRow' });
}
