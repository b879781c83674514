/**
 * ClickHouse sink: `createClickHouseStore(opts)` then `init()`. Exact counts after
 * redelivery read `FINAL` or the `*_latest` views (`scored_events_latest`,
 * `business_events_latest`).
 */
import { ACTIONS, BUSINESS_EVENTS, SCORED_EVENTS } from './tables.ts';

export { createClickHouseStore } from './store.ts';
export type { ClickHouseStore } from './store.ts';
export {
  clickHouseOptionsFromEnv,
  parseRetentionDays,
  DEFAULT_CLICKHOUSE_DATABASE,
  DEFAULT_CLICKHOUSE_URL,
} from './config.ts';
export type { ClickHouseStoreOptions, SinkLog } from './config.ts';
export { LONG_QUERY_SETTINGS } from './config.ts';
export { capabilitiesFor, parseServerVersion } from './capabilities.ts';
export type { Capabilities, ServerVersion } from './capabilities.ts';
export { MAX_META_BYTES } from './row.ts';

export const SCORED_EVENTS_TABLE = SCORED_EVENTS.name;
export const SCORED_EVENTS_LATEST_VIEW = SCORED_EVENTS.view;
export const BUSINESS_EVENTS_TABLE = BUSINESS_EVENTS.name;
export const BUSINESS_EVENTS_LATEST_VIEW = BUSINESS_EVENTS.view;
export const ACTIONS_TABLE = ACTIONS.name;
export { BY_MINUTE as SCORED_EVENTS_BY_MINUTE, BY_CUSTOMER_DAY as SCORED_EVENTS_BY_CUSTOMER_DAY, ROLLUPS } from './rollups.ts';
export const ACTIONS_LATEST_VIEW = ACTIONS.view;
export { DISTRIBUTED_SUFFIX, createDistributedSql, distributedSources } from './distributed.ts';
