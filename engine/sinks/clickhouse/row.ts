/**
 * ScoredEvent / BusinessEvent -> JSONEachRow row, shaped by the columns the table really has (it may have
 * been created by an older server than the one now running).
 *
 * Every value is sanitised so that one odd event cannot fail its whole batch forever
 * (a failed write is retried and never acked): 18.16 rejects a lone UTF-16 surrogate
 * escape and fractional epoch seconds, and NaN would serialise as JSON null.
 */
import { HEAD_ENTRIES, type BusinessEvent, type ScoredEvent } from '../../event/types.ts';
import type { Alert } from '../../event/advice.ts';
import type { ActionRecommendation } from '../../event/actions.ts';
import { MAX_META_BYTES } from '../../event/validate.ts';
import { TS_AHEAD_S, TS_BEHIND_S } from './tables.ts';

export interface TableShape {
  /** Column name -> ClickHouse type, as in system.columns. */
  types: ReadonlyMap<string, string>;
}

export type Row = Record<string, string | number | string[] | null>;

/** The DateTime range (UInt32 seconds); DateTime64(3) covers it too. */
const MAX_EPOCH_MS = 4_294_967_295_000;
const MAX_UINT32 = 4_294_967_295;
// The engine refuses larger `meta` at validation (engine/event); the store keeps the same cap as
// a last guard, because a row must stay bounded or one blob fails its batch on every retry.
export { MAX_META_BYTES };

export function toRow(ev: ScoredEvent, shape: TableShape, writeTimeMs: number): Row {
  const tsMs = clampEpochMs(ev.tsMs);
  const full: Row = {
    event_id: text(ev.id),
    channel: text(ev.channel),
    conversation_id: text(ev.conversationId),
    customer_id: text(ev.customerId),
    author: text(ev.author),
    agent_id: text(ev.agentId ?? ''),
    subject: text(ev.subject ?? ''),
    ts: dateTime(tsMs, shape.types.get('ts')),
    ts_ms: tsMs % 1000,
    lang: text(ev.lang),
    lang_confidence: finite(ev.langConfidence),
    sentiment_label: text(ev.sentiment.label),
    sentiment_score: finite(ev.sentiment.score),
    sentiment_confidence: finite(ev.sentiment.confidence),
    conversation_turns: Math.min(MAX_UINT32, Math.max(0, Math.trunc(finite(ev.conversation.turns)))),
    sentiment_trend: finite(ev.conversation.trend),
    model_version: text(ev.modelVersion),
    text: text(ev.text),
    meta: metaJson(ev.meta),
    ...headColumns(ev),
    polite_negative: ev.signals?.politeNegative === true ? 1 : 0,
    implicit_complaint: text(ev.signals?.implicitComplaint?.kind ?? ''),
    ts_off_clock: tsOffClock(ev.tsMs, ev.receivedAtMs),
    churn_probability: ev.churn && Number.isFinite(ev.churn.probability) ? ev.churn.probability : null,
    churn_band: text(ev.churn?.band ?? ''),
    latency_ms: finite(ev.latencyMs),
    // The store sets 1 when the event is already stored (store.ts markRedelivered).
    redelivered: 0,
    ...writeColumns(ev.receivedAtMs, shape, writeTimeMs),
  };
  return onlyExisting(full, shape, 'scored');
}

/** One column per head (engine/event/heads.ts): the label ('' when absent) or the labels ([]). */
function headColumns(ev: ScoredEvent): Row {
  const row: Row = {};
  for (const { name, kind, column } of HEAD_ENTRIES) {
    const score = ev[name] as { label?: unknown; labels?: unknown } | undefined;
    row[column] = kind === 'multi'
      ? (Array.isArray(score?.labels) ? score.labels.map((l) => text(l as string)) : [])
      : text(typeof score?.label === 'string' ? score.label : '');
  }
  return row;
}

export function toBusinessRow(ev: BusinessEvent, shape: TableShape, writeTimeMs: number): Row {
  const tsMs = clampEpochMs(ev.tsMs);
  const full: Row = {
    event_id: text(ev.id),
    customer_id: text(ev.customerId),
    type: text(ev.type),
    ts: dateTime(tsMs, shape.types.get('ts')),
    ts_ms: tsMs % 1000,
    meta: metaJson(ev.meta),
    ts_off_clock: tsOffClock(ev.tsMs, ev.receivedAtMs),
    ...writeColumns(ev.receivedAtMs, shape, writeTimeMs),
  };
  return onlyExisting(full, shape, 'business');
}

/** One alert state -> a row of `alerts`; the kind-specific figures go to value / baseline / n (see tables.ts). */
export function toAlertRow(a: Alert, shape: TableShape, writeTimeMs: number): Row {
  const stateMs = clampEpochMs(a.tsMs);
  const figures =
    a.kind === 'negative_share'
      ? { value: a.share, baseline: a.baselineShare, n: a.n }
      : a.kind === 'waiting_too_long'
        ? { value: a.waitedMinutes, baseline: a.thresholdMinutes, n: 0 }
        : { value: a.value, baseline: a.baseline, n: a.n };
  const full: Row = {
    alert_id: text(a.alertId),
    kind: text(a.kind),
    status: text(a.status),
    ts: dateTime(stateMs, shape.types.get('ts')),
    ts_ms: stateMs % 1000,
    state_ms: stateMs,
    opened_at: dateTime(clampEpochMs(a.openedAtMs), shape.types.get('opened_at')),
    channel: text('channel' in a ? a.channel : ''),
    conversation_id: text(a.kind === 'waiting_too_long' ? a.conversationId : ''),
    customer_id: text(a.kind === 'waiting_too_long' ? a.customerId : ''),
    agent_id: text(a.kind === 'waiting_too_long' ? (a.agentId ?? '') : ''),
    value: finite(figures.value),
    baseline: finite(figures.baseline),
    n: Math.min(MAX_UINT32, Math.max(0, Math.trunc(finite(figures.n)))),
    text: text(a.text),
    detail: text(JSON.stringify(a)),
    ...writeColumns(a.tsMs, shape, writeTimeMs),
  };
  return onlyExisting(full, shape, 'alert');
}

/** One action state -> a row of `actions` (tables.ts). */
export function toActionRow(a: ActionRecommendation, shape: TableShape, writeTimeMs: number): Row {
  const tsMs = clampEpochMs(a.tsMs);
  const full: Row = {
    action_id: text(a.actionId),
    action: text(a.action),
    customer_id: text(a.customerId),
    segment: text(a.segment),
    owner: text(a.owner ?? ''),
    team: text(a.team ?? ''),
    status: text(a.status),
    critical: a.critical ? 1 : 0,
    held_out: a.heldOut ? 1 : 0,
    chosen_by: text(a.chosenBy),
    priority: finite(a.priority),
    churn_probability: a.churnProbability !== undefined && Number.isFinite(a.churnProbability) ? a.churnProbability : null,
    reason: text(a.reason),
    reason_lang: text(a.reasonLang),
    explanation: text(a.explanation),
    explanation_lang: text(a.explanationLang),
    evidence: text(JSON.stringify(a.evidence)),
    due: dateTime(clampEpochMs(a.dueMs), shape.types.get('due')),
    timing: text(a.timing),
    tz: text(a.tz),
    trigger_id: text(a.triggerId),
    ts: dateTime(tsMs, shape.types.get('ts')),
    ts_ms: tsMs % 1000,
    state_ms: clampEpochMs(a.stateMs),
    outcome: text(a.outcome ?? ''),
    outcome_by: text(a.outcomeBy ?? ''),
    note: text(a.note ?? ''),
    churned_after: a.churnedAfter ? 1 : 0,
    detail: text(JSON.stringify(a)),
    ...writeColumns(a.stateMs, shape, writeTimeMs),
  };
  return onlyExisting(full, shape, 'action');
}

function writeColumns(receivedAtMs: number, shape: TableShape, writeTimeMs: number): Row {
  return {
    received_at: dateTime(clampEpochMs(receivedAtMs), shape.types.get('received_at')),
    // Sent although the column has DEFAULT now(): 18.16's JSONEachRow fills an omitted
    // field with the type's zero (0000-00-00 00:00:00), not with its DEFAULT.
    inserted_at: dateTime(clampEpochMs(writeTimeMs), shape.types.get('inserted_at')),
    version: Math.max(0, Math.trunc(writeTimeMs)),
  };
}

/** Per table shape and row kind: whether the table has every column we build (the usual case: the row is sent as built). */
type RowKind = 'scored' | 'business' | 'alert' | 'action';
const hasAll = new WeakMap<TableShape, Map<RowKind, boolean>>();

/** Only columns the table has: JSONEachRow rejects unknown keys by default. */
function onlyExisting(full: Row, shape: TableShape, kind: RowKind): Row {
  // Every row of a kind has the same keys (the builders above), so the answer for one row holds for all.
  let known = hasAll.get(shape);
  if (known === undefined) hasAll.set(shape, (known = new Map()));
  let all = known.get(kind);
  if (all === undefined) known.set(kind, (all = Object.keys(full).every((k) => shape.types.has(k))));
  if (all) return full;
  const row: Row = {};
  for (const [k, v] of Object.entries(full)) if (shape.types.has(k)) row[k] = v;
  return row;
}

/**
 * `meta` as JSON text: '' when absent, a small marker when over {@link MAX_META_BYTES}.
 * Lone surrogates (in keys or values) become U+FFFD like every other string we store;
 * meta that JSON cannot express (cycles, BigInt) gets a marker rather than failing the batch.
 */
export function metaJson(meta: Record<string, unknown> | undefined): string {
  // == null: meta arrives from JSON, where null is as good as absent.
  if (meta == null) return '';
  let json: string | undefined;
  try {
    json = JSON.stringify(meta, cleanJson);
  } catch {
    return '{"_unserializable":true}';
  }
  if (json === undefined) return '';
  const bytes = Buffer.byteLength(json, 'utf8');
  return bytes > MAX_META_BYTES ? JSON.stringify({ _truncated: true, bytes }) : json;
}

function cleanJson(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return text(value);
  if (typeof value === 'bigint') return value.toString();
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // A replacer cannot rename keys, so rebuild the object only when a key needs it.
    const keys = Object.keys(value);
    if (keys.some((k) => text(k) !== k)) {
      return Object.fromEntries(keys.map((k) => [text(k), (value as Record<string, unknown>)[k]]));
    }
  }
  return value;
}

/**
 * DateTime64 takes 'YYYY-MM-DD hh:mm:ss.sss', read in the column's own time zone (UTC).
 * DateTime takes integer epoch seconds, which is zone-free; 18.16 rejects fractions there.
 */
export function dateTime(epochMs: number, type: string | undefined): string | number {
  if (type !== undefined && /DateTime64/.test(type)) {
    return new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '');
  }
  return Math.floor(epochMs / 1000);
}

/** Out-of-range event times would be stored as garbage (18.16 wraps negatives), so clamp. */
/** 1 when `tsMs` is more than TS_AHEAD_S ahead of or TS_BEHIND_S behind the receive time (tables.ts). */
export function tsOffClock(tsMs: number, receivedAtMs: number): 0 | 1 {
  const aheadS = (tsMs - receivedAtMs) / 1000;
  return aheadS > TS_AHEAD_S || aheadS < -TS_BEHIND_S ? 1 : 0;
}

export function clampEpochMs(ms: number): number {
  if (!Number.isFinite(ms)) return 0;
  return Math.min(MAX_EPOCH_MS, Math.max(0, Math.trunc(ms)));
}

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** JSON.stringify escapes a lone surrogate as \udXXX, which 18.16 refuses; use U+FFFD. */
export function text(s: string | undefined): string {
  if (typeof s !== 'string') return '';
  // The simple scan first: most strings have no surrogate at all.
  return SURROGATE.test(s) ? s.replace(LONE_SURROGATE, '\uFFFD') : s;
}
const SURROGATE = /[\uD800-\uDFFF]/;
