/**
 * ScoredEvent -> JSONEachRow row, shaped by the columns the table really has (it may have
 * been created by an older server than the one now running).
 *
 * Every value is sanitised so that one odd event cannot fail its whole batch forever
 * (a failed write is retried and never acked): 18.16 rejects a lone UTF-16 surrogate
 * escape and fractional epoch seconds, and NaN would serialise as JSON null.
 */
import type { ScoredEvent } from '../../event/types.ts';

export interface TableShape {
  /** Column name -> ClickHouse type, as in system.columns. */
  types: ReadonlyMap<string, string>;
}

export type Row = Record<string, string | number>;

/** The DateTime range (UInt32 seconds); DateTime64(3) covers it too. */
const MAX_EPOCH_MS = 4_294_967_295_000;
const MAX_UINT32 = 4_294_967_295;

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
    latency_ms: finite(ev.latencyMs),
    received_at: dateTime(clampEpochMs(ev.receivedAtMs), shape.types.get('received_at')),
    // Sent although the column has DEFAULT now(): 18.16's JSONEachRow fills an omitted
    // field with the type's zero (0000-00-00 00:00:00), not with its DEFAULT.
    inserted_at: dateTime(clampEpochMs(writeTimeMs), shape.types.get('inserted_at')),
    version: Math.max(0, Math.trunc(writeTimeMs)),
  };
  // Only columns the table has: JSONEachRow rejects unknown keys by default.
  const row: Row = {};
  for (const [k, v] of Object.entries(full)) if (shape.types.has(k)) row[k] = v;
  return row;
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
  return typeof s === 'string' ? s.replace(LONE_SURROGATE, '\uFFFD') : '';
}
