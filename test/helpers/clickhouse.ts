/**
 * A ClickHouse store on a database of the test's own (real server: CLICKHOUSE_URL or
 * 127.0.0.1:8123), made before the file's tests and dropped after them.
 */
import { afterAll, beforeAll } from 'vitest';
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
    await store?.client.command({ query: `DROP DATABASE IF EXISTS ${db}` });
    await store?.close();
  });
  return () => {
    if (!store) throw new Error(`the store of ${db} is not open yet (use it inside a test)`);
    return store;
  };
}
