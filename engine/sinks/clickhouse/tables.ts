/**
 * The tables the store owns, as data: schema.ts turns a {@link TableDef} into DDL for the
 * running server's capabilities.
 */
import { HEAD_ENTRIES, type HeadDef } from '../../event/types.ts';
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
   * Ends with the event's identity, so every copy of one event lands on the same key and
   * ReplacingMergeTree folds them; a column before it must be the same on every copy.
   */
  orderBy: string;
  /** PARTITION BY of a new table (an existing table keeps the key it was made with). */
  partitionBy: string;
  /**
   * The `view`'s SELECT when it is not the plain FINAL copy of the table (alerts: the latest
   * state per alert). Gets the table's columns as they exist.
   */
  viewSelect?: (db: string, columns: readonly string[]) => string;
}

const str = (): string => 'String';
const dict = (c: Capabilities): string => (c.lowCardinality ? 'LowCardinality(String)' : 'String');
const time = (c: Capabilities): string => (c.dateTime64 ? "DateTime64(3, 'UTC')" : "DateTime('UTC')");
// Millisecond part of `ts` where DateTime64 is missing.
const tsMs = (c: Capabilities): string | null => (c.dateTime64 ? null : 'UInt16');

/** A head's column (engine/event/heads.ts): the label of a single-label head, the labels of a multi-label one. */
function headColumn(h: HeadDef): ColumnDef {
  return { name: h.column, type: h.kind === 'multi' ? () => 'Array(String)' : dict, added: true };
}

/** How far a client's `ts` may lie ahead of / behind the receive time before it is off the engine's clock (seconds). */
export const TS_AHEAD_S = 24 * 3600;
export const TS_BEHIND_S = 366 * 24 * 3600;

/**
 * 1 when the event's `ts` lies outside the window the partition is clamped to (more than a day ahead of the
 * receive time or more than 366 days behind): the time is stored as given but not trusted; time-sliced
 * queries can leave such rows out or use `received_at` for them.
 */
const TS_OFF_CLOCK: ColumnDef = { name: 'ts_off_clock', type: () => 'UInt8', added: true };

/**
 * Events are partitioned by month of their time as the client gave it, clamped into a window
 * around the engine's receive time (a year back, a day ahead): a client's `ts` can be any year
 * (1970, 2099), and one insert must touch a bounded number of partitions (current ClickHouse
 * refuses more than 100 per insert; every partition costs files and merges). The clamp keeps the
 * partition of every ordinary event what `ts` says, so copies of a redelivered event still meet in
 * one partition and fold; `ts` itself is stored as given. Runs on 18.16 (DateTime) and current
 * releases (DateTime64: `toDateTime`).
 */
export const CLAMPED_TS_PARTITION =
  `toYYYYMM(greatest(least(toDateTime(ts), toDateTime(received_at) + ${TS_AHEAD_S}), toDateTime(received_at) - ${TS_BEHIND_S}))`;
/** What releases before the clamp used: a far-off `ts` makes a partition of its own. */
export const LEGACY_TS_PARTITION = 'toYYYYMM(ts)';

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
  // Customer first: the customer drill-down (one customer's messages, trend and churn over days)
  // reads a few granules instead of scanning every row in the range. Then the event's identity;
  // every copy of an event carries the same (pseudonymous) customer id, so copies still fold.
  // Tables made before this keep (channel, event_id); the store's lookups follow the key in place.
  orderBy: '(customer_id, channel, event_id)',
  partitionBy: CLAMPED_TS_PARTITION,
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
    // The text model's heads, the polite-but-negative signal and the churn model: '' / [] / 0 /
    // NULL when the loaded models do not produce them, which is also what rows written before read.
    ...HEAD_ENTRIES.map(headColumn),
    { name: 'polite_negative', type: () => 'UInt8', added: true },
    // The implicit complaint's kind (repeated_contact, waiting, unresolved), '' when none.
    { name: 'implicit_complaint', type: dict, added: true },
    // Nullable: "no churn model" must not read as "no risk" in an average.
    { name: 'churn_probability', type: () => 'Nullable(Float32)', added: true },
    { name: 'churn_band', type: dict, added: true },
    { name: 'latency_ms', type: () => 'Float32' },
    TS_OFF_CLOCK,
    // 1 when the store found this event id already stored (a JetStream redelivery): the rollups
    // (rollups.ts) skip such rows so that each event counts once.
    { name: 'redelivered', type: () => 'UInt8', added: true },
    ...WRITE_COLUMNS,
  ],
};

/** One row per business (CRM) event; the churn model builds customer state from these. */
export const BUSINESS_EVENTS: TableDef = {
  name: 'business_events',
  view: 'business_events_latest',
  // customer_id first: the churn model reads one customer's history at a time.
  orderBy: '(customer_id, event_id)',
  partitionBy: CLAMPED_TS_PARTITION,
  columns: [
    { name: 'event_id', type: str },
    { name: 'customer_id', type: str },
    { name: 'type', type: dict },
    { name: 'ts', type: time },
    { name: 'ts_ms', type: tsMs },
    { name: 'meta', type: str },
    TS_OFF_CLOCK,
    ...WRITE_COLUMNS,
  ],
};

/**
 * Supervisor alerts: one row per state (open, each update, resolved), so the history of an
 * incident is kept. `ts` is when that state was evaluated. The same state written twice (an
 * engine retry) folds on (alert_id, state_ms, status). `alerts_latest` is the current state of
 * each alert (its newest row), e.g. open alerts:
 * `SELECT * FROM cxpulse.alerts_latest WHERE status != 'resolved'`.
 */
export const ALERTS: TableDef = {
  name: 'alerts',
  view: 'alerts_latest',
  orderBy: '(alert_id, state_ms, status)',
  // An alert state's ts is the engine's own clock: no clamp needed.
  partitionBy: LEGACY_TS_PARTITION,
  columns: [
    { name: 'alert_id', type: str },
    { name: 'kind', type: dict },
    { name: 'status', type: dict },
    { name: 'ts', type: time },
    { name: 'ts_ms', type: tsMs },
    // Epoch ms of the state: orders the states of one alert (ts may lack milliseconds on 18.16).
    { name: 'state_ms', type: () => 'UInt64' },
    { name: 'opened_at', type: time },
    // The kind's subject; '' where it has none (engine-wide spikes have no channel).
    { name: 'channel', type: dict },
    { name: 'conversation_id', type: str },
    { name: 'customer_id', type: str },
    { name: 'agent_id', type: str },
    // negative_share: share and baseline share; waiting_too_long: minutes waited and the limit;
    // dlq_spike: events/min and baseline; latency_spike: p95 ms and baseline.
    { name: 'value', type: () => 'Float64' },
    { name: 'baseline', type: () => 'Float64' },
    { name: 'n', type: () => 'UInt32' },
    { name: 'text', type: str },
    // The whole alert as sent on the feed and cx.alerts (JSON).
    { name: 'detail', type: str },
    ...WRITE_COLUMNS,
  ],
  // LIMIT BY and a subquery ORDER BY: both run on 18.16 (argMax over every column would too, but reads worse).
  viewSelect: (db, columns) => `SELECT ${columns.join(', ')}\nFROM (SELECT ${columns.join(', ')} FROM ${db}.alerts FINAL ORDER BY alert_id, state_ms DESC)\nLIMIT 1 BY alert_id`,
};

/**
 * Next best actions (engine/actions): one row per state of an action (recommended or held out,
 * then its outcome, expiry or a later churn join), like alerts. `actions_latest` is the current
 * state of each, e.g. the open worklist: `SELECT * FROM cxpulse.actions_latest WHERE status = 'open'`,
 * or uplift: churn of customers offered an action against the hold-out (`held_out = 1`).
 */
export const ACTIONS: TableDef = {
  name: 'actions',
  view: 'actions_latest',
  orderBy: '(action_id, state_ms, status)',
  // ts is the trigger's event time (a client's): clamped like the events'. Copies of one state
  // share received_at (the state's time), so they meet in one partition and fold.
  partitionBy: CLAMPED_TS_PARTITION,
  columns: [
    { name: 'action_id', type: str },
    { name: 'action', type: dict },
    { name: 'customer_id', type: str },
    { name: 'segment', type: str },
    { name: 'owner', type: str },
    { name: 'team', type: str },
    { name: 'status', type: dict },
    { name: 'critical', type: () => 'UInt8' },
    { name: 'held_out', type: () => 'UInt8' },
    { name: 'chosen_by', type: dict },
    { name: 'priority', type: () => 'Float32' },
    { name: 'churn_probability', type: () => 'Nullable(Float32)' },
    { name: 'reason', type: str },
    { name: 'reason_lang', type: dict },
    { name: 'explanation', type: str },
    { name: 'explanation_lang', type: dict },
    // The evidence list as JSON: [{"field","value","text"}].
    { name: 'evidence', type: str },
    { name: 'due', type: time },
    { name: 'timing', type: dict },
    { name: 'tz', type: str },
    { name: 'trigger_id', type: str },
    // Event time of the trigger: the partition key, like every table's `ts`.
    { name: 'ts', type: time },
    { name: 'ts_ms', type: tsMs },
    // Epoch ms of this state: orders the states of one action.
    { name: 'state_ms', type: () => 'UInt64' },
    { name: 'outcome', type: dict },
    { name: 'outcome_by', type: str },
    { name: 'note', type: str },
    { name: 'churned_after', type: () => 'UInt8' },
    // The whole action as sent on the feed (JSON): what the engine reads back at start.
    { name: 'detail', type: str },
    ...WRITE_COLUMNS,
  ],
  viewSelect: (db, columns) => `SELECT ${columns.join(', ')}\nFROM (SELECT ${columns.join(', ')} FROM ${db}.actions FINAL ORDER BY action_id, state_ms DESC)\nLIMIT 1 BY action_id`,
};

export const TABLES: readonly TableDef[] = [SCORED_EVENTS, BUSINESS_EVENTS, ALERTS, ACTIONS];
