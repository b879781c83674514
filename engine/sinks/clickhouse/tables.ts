/**
 * The tables the store owns, as data: schema.ts turns a {@link TableDef} into DDL for the
 * running server's capabilities.
 */
import type { Capabilities } from './capabilities.ts';

export interface ColumnDef {
  name: string;
  /** SQL type for these capabilities, or null when the column is absent. */
  type: (c: Capabilities) => string | null;
  default?: string;
  /**
   * Added after the table first shipped: init ALTERs it onto tables created earlier
   * (dev setups keep their volume across upgrades).
   */
  added?: true;
}

export interface TableDef {
  name: string;
  /** The deduplicated (FINAL) view over the table. */
  view: string;
  columns: readonly ColumnDef[];
  /**
   * Event identity only, so every copy of one event lands on the same key and
   * ReplacingMergeTree folds them.
   */
  orderBy: string;
}

const str = (): string => 'String';
const dict = (c: Capabilities): string => (c.lowCardinality ? 'LowCardinality(String)' : 'String');
const time = (c: Capabilities): string => (c.dateTime64 ? "DateTime64(3, 'UTC')" : "DateTime('UTC')");
// Millisecond part of `ts` where DateTime64 is missing.
const tsMs = (c: Capabilities): string | null => (c.dateTime64 ? null : 'UInt16');

/** Columns every table ends with: when the engine saw the event and when it wrote it. */
const WRITE_COLUMNS: readonly ColumnDef[] = [
  { name: 'received_at', type: time },
  { name: 'inserted_at', type: () => "DateTime('UTC')", default: 'now()' },
  // Write time in epoch ms: the newest copy of a redelivered event wins in FINAL.
  { name: 'version', type: () => 'UInt64' },
];

/** One row per scored event. Optional strings are '' rather than Nullable (cheaper, simpler SQL). */
export const SCORED_EVENTS: TableDef = {
  name: 'scored_events',
  view: 'scored_events_latest',
  orderBy: '(channel, event_id)',
  columns: [
    { name: 'event_id', type: str },
    { name: 'channel', type: dict },
    { name: 'conversation_id', type: str },
    { name: 'customer_id', type: str },
    { name: 'author', type: dict },
    { name: 'agent_id', type: str },
    { name: 'subject', type: str },
    { name: 'ts', type: time },
    { name: 'ts_ms', type: tsMs },
    { name: 'lang', type: dict },
    { name: 'lang_confidence', type: () => 'Float32' },
    { name: 'sentiment_label', type: dict },
    { name: 'sentiment_score', type: () => 'Float32' },
    { name: 'sentiment_confidence', type: () => 'Float32' },
    { name: 'conversation_turns', type: () => 'UInt32' },
    { name: 'sentiment_trend', type: () => 'Float32' },
    { name: 'model_version', type: dict },
    { name: 'text', type: str },
    // The source's metadata as JSON text, '' when absent (see row.ts for the size cap).
    { name: 'meta', type: str, added: true },
    { name: 'latency_ms', type: () => 'Float32' },
    ...WRITE_COLUMNS,
  ],
};

/** One row per business (CRM) event; the churn model builds customer state from these. */
export const BUSINESS_EVENTS: TableDef = {
  name: 'business_events',
  view: 'business_events_latest',
  // customer_id first: the churn model reads one customer's history at a time.
  orderBy: '(customer_id, event_id)',
  columns: [
    { name: 'event_id', type: str },
    { name: 'customer_id', type: str },
    { name: 'type', type: dict },
    { name: 'ts', type: time },
    { name: 'ts_ms', type: tsMs },
    { name: 'meta', type: str },
    ...WRITE_COLUMNS,
  ],
};

export const TABLES: readonly TableDef[] = [SCORED_EVENTS, BUSINESS_EVENTS];
