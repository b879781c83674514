/**
 * ClickHouse sink: `createClickHouseStore(opts)` then `init()`. Exact counts after
 * redelivery read `scored_events FINAL` or the `scored_events_latest` view.
 */
export { createClickHouseStore } from './store.ts';
export type { ClickHouseStore } from './store.ts';
export {
  clickHouseOptionsFromEnv,
  parseRetentionDays,
  DEFAULT_CLICKHOUSE_DATABASE,
  DEFAULT_CLICKHOUSE_URL,
} from './config.ts';
export type { ClickHouseStoreOptions, SinkLog } from './config.ts';
export {
  TABLE as SCORED_EVENTS_TABLE,
  LATEST_VIEW as SCORED_EVENTS_LATEST_VIEW,
  capabilitiesFor,
  parseServerVersion,
} from './schema.ts';
export type { Capabilities, ServerVersion } from './schema.ts';
