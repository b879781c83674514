import { PSEUDONYM_PATTERN, type Pseudonymizer } from './pseudonym.ts';
import { redactPii, type RedactOptions } from './redact.ts';

/** Fields of an event that carry structure, not free text: kept as they are in a redacted copy. */
const STRUCTURAL_KEYS = new Set(['id', 'channel', 'conversationId', 'author', 'agentId', 'ts', 'lang', 'type']);
/** Deepest nesting walked; deeper values are replaced (input is bounded by the validators, this is a guard). */
const MAX_DEPTH = 32;

export interface StructuredRedactOptions extends RedactOptions {
  /** Applied to every `customerId` string. */
  pseudonymize?: Pseudonymizer;
  /** `meta` keys kept; others are dropped. Undefined: every key, values redacted. */
  metaAllow?: ReadonlySet<string>;
}

/**
 * A copy of a JSON value with personal data removed from every string in it: `customerId`
 * pseudonymised, structural fields (ids, channel, timestamps) kept, every other string redacted.
 * Keys are kept (they are the sender's field names, not data).
 */
export function redactJson(value: unknown, o: StructuredRedactOptions = {}, depth = 0, key?: string): unknown {
  if (depth > MAX_DEPTH) return '[redacted]';
  if (typeof value === 'string') {
    if (key === 'customerId') return o.pseudonymize ? o.pseudonymize(value) : value;
    if (key !== undefined && STRUCTURAL_KEYS.has(key)) return value;
    return redactPii(value, o).text;
  }
  if (Array.isArray(value)) return value.map((v) => redactJson(v, o, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'meta' && depth <= 1 && v !== null && typeof v === 'object' && !Array.isArray(v)) out[k] = redactMeta(v as Record<string, unknown>, o);
      else out[k] = redactJson(v, o, depth + 1, k);
    }
    return out;
  }
  return value;
}

/**
 * An event's `meta` as kept: only the allowed keys when an allow-list is set, and every string in
 * the values redacted (meta reaches ClickHouse and the feed like the text does).
 */
export function redactMeta(meta: Record<string, unknown>, o: StructuredRedactOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (o.metaAllow && !o.metaAllow.has(k)) continue;
    // Values are free-form, so even a key named like a structural field is redacted inside meta.
    out[k] = typeof v === 'string' ? redactPii(v, o).text : redactJson(v, o, 2);
  }
  return out;
}

/**
 * A payload as text (a DLQ entry's original message) with personal data removed: JSON is
 * redacted field by field (see redactJson); anything else (invalid or cut JSON, CSV, mail) as a
 * whole with the text redaction, which also catches an e-mail address used as a customer id.
 */
export function redactPayload(payload: string, o: StructuredRedactOptions = {}): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return redactPii(payload, o).text;
  }
  return JSON.stringify(redactJson(parsed, o));
}

/** Whether an id looks like a pseudonym this engine made (it may still be one a source sent as is). */
export const isPseudonym = (id: string): boolean => PSEUDONYM_PATTERN.test(id);
