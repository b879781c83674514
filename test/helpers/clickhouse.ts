/**
 * A ClickHouse store on a database of the test's own (real server: CLICKHOUSE_URL or
 * 127.0.0.1:8123), made before the file's tests and dropped after them.
 */
import { afterAll, beforeAll } from 'vitest';
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouseStore, type ClickHouseStore, type ClickHouseStoreOptions } from '../../engine/sinks/clickhouse/index.ts';

export const CH_URL = process.env.CLICKHOUSE_URL ?? 'http://127.0.0.1:8123';

/** Registers the hooks; call the returned function inside a test for the store. `opts`: more store options (e.g. a cluster). */
export function useTempStore(db: string, opts: Partial<ClickHouseStoreOptions> = {}): () => ClickHouseStore {
  let store: ClickHouseStore | undefined;
  beforeAll(async () => {
    store = await createClickHouseStore({ url: CH_URL, database: db, ...opts });
    await store.init();
  });
  afterAll(async () => {
    if (store) await dropTestDatabase(store.client, db);
    await store?.close();
  });
  return () => {
    if (!store) throw new Error(`the store of ${db} is not open yet (use it inside a test)`);
    return store;
  };
}

/**
 * Drops a test's database once ClickHouse has finished the mutations on it (an erasure's or a
 * retention sweep's ALTER ... DELETE): 18.16 fails a DROP that races a running mutation ("File not
 * found: .../tmp_mutation_N.txt"). Retries the DROP a few times for the same reason.
 */
export async function dropTestDatabase(client: ClickHouseClient, db: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const res = await client.query({ query: `SELECT count() AS n FROM system.mutations WHERE database = '${db}' AND is_done = 0`, format: 'JSONEachRow' });
    const [row] = await res.json<{ n: string | number }>();
    if (Number(row?.n ?? 0) === 0 || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
}
