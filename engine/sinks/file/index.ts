/** Embedded JSONL store: the default sink when no ClickHouse is reachable. */
export { createFileStore, BUSINESS_FILE_NAME, FILE_NAME } from './store.ts';
export type { FileStore, FileStoreLog, FileStoreOptions } from './store.ts';
