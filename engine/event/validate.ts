import { AUTHORS, BUSINESS_EVENT_TYPES, CHANNELS, type BusinessEvent, type Channel, type CxEvent } from './types.ts';
import { eventError, type EventError } from './errors.ts';

export type Validation = { ok: true; event: CxEvent } | { ok: false; error: EventError };
export type BusinessValidation = { ok: true; business: Omit<BusinessEvent, 'receivedAtMs'> } | { ok: false; error: EventError };

/** Largest `meta` accepted, as JSON: it is stored with every row, so it must stay bounded. */
export const MAX_META_BYTES = 16 * 1024;

export interface ValidateOptions {
  maxTextBytes: number;
}

/** Timestamps outside these years are almost surely unit mistakes (seconds for ms, µs for ms). */
const MIN_TS_MS = Date.UTC(2000, 0, 1);
const MAX_TS_MS = Date.UTC(2100, 0, 1);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_ID_LENGTH = 256;

const fail = (...a: Parameters<typeof eventError>): Validation => ({ ok: false, error: eventError(...a) });

function checkString(o: Record<string, unknown>, field: string, required: boolean): Validation | undefined {
  const v = o[field];
  if (v === undefined || v === null) {
    return required ? fail('CX_ERR_MISSING_FIELD', `missing required field '${field}'`, field) : undefined;
  }
  if (typeof v !== 'string') return fail('CX_ERR_WRONG_TYPE', `field '${field}' must be a string, got ${jsonType(v)}`, field);
  if (required && v.trim() === '' && field !== 'text') return fail('CX_ERR_INVALID_VALUE', `field '${field}' must not be empty`, field);
  if (field !== 'text' && field !== 'subject' && v.length > MAX_ID_LENGTH) {
    return fail('CX_ERR_INVALID_VALUE', `field '${field}' is longer than ${MAX_ID_LENGTH} characters`, field);
  }
  return undefined;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Epoch ms from an ISO-8601 string or an epoch-ms number; undefined when neither or implausible. */
export function parseTimestamp(ts: unknown): number | undefined {
  let ms: number;
  if (typeof ts === 'number') ms = ts;
  else if (typeof ts === 'string' && ISO_8601.test(ts.trim())) ms = Date.parse(ts.trim());
  else if (typeof ts === 'string' && /^\d{12,14}$/.test(ts.trim())) ms = Number(ts.trim());
  else return undefined;
  if (!Number.isFinite(ms) || ms < MIN_TS_MS || ms >= MAX_TS_MS) return undefined;
  return Math.trunc(ms);
}

/**
 * Checks one decoded JSON value against the event contract (SPEC, "The event") and returns the
 * normalised event or the first error, naming the field.
 */
export function validateEvent(raw: unknown, opts: ValidateOptions): Validation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('CX_ERR_NOT_AN_OBJECT', `an event must be a JSON object, got ${jsonType(raw)}`);
  }
  const o = raw as Record<string, unknown>;
  if (o.channel === 'crm' || (o.type !== undefined && o.text === undefined)) {
    return fail('CX_ERR_UNSUPPORTED_EVENT', "business (CRM) events (with field 'type') go to cx.events.crm or POST /v1/connectors/crm, not here", 'type');
  }
  for (const f of ['id', 'channel', 'conversationId', 'customerId', 'author', 'text'] as const) {
    const bad = checkString(o, f, true);
    if (bad) return bad;
  }
  for (const f of ['agentId', 'lang', 'subject'] as const) {
    const bad = checkString(o, f, false);
    if (bad) return bad;
  }
  const channel = o.channel as string;
  if (!(CHANNELS as readonly string[]).includes(channel)) {
    return fail('CX_ERR_UNKNOWN_CHANNEL', `unknown channel '${channel.slice(0, 40)}': expected one of ${CHANNELS.join(', ')}`, 'channel');
  }
  const author = o.author as string;
  if (!(AUTHORS as readonly string[]).includes(author)) {
    return fail('CX_ERR_INVALID_VALUE', `field 'author' must be one of ${AUTHORS.join(', ')}`, 'author');
  }
  const text = o.text as string;
  if (text.trim() === '') return fail('CX_ERR_EMPTY_TEXT', "field 'text' is empty", 'text');
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > opts.maxTextBytes) {
    return fail('CX_ERR_TEXT_TOO_LARGE', `field 'text' is ${bytes} bytes; the limit is ${opts.maxTextBytes}`, 'text');
  }
  if (o.ts === undefined || o.ts === null) return fail('CX_ERR_MISSING_FIELD', "missing required field 'ts'", 'ts');
  if (typeof o.ts !== 'string' && typeof o.ts !== 'number') {
    return fail('CX_ERR_WRONG_TYPE', `field 'ts' must be an ISO-8601 string or epoch milliseconds, got ${jsonType(o.ts)}`, 'ts');
  }
  const tsMs = parseTimestamp(o.ts);
  if (tsMs === undefined) {
    return fail('CX_ERR_INVALID_TIMESTAMP', `field 'ts' (${JSON.stringify(o.ts).slice(0, 40)}) is not ISO-8601 or epoch milliseconds between 2000 and 2100`, 'ts');
  }
  const badMeta = checkMeta(o.meta);
  if (badMeta) return badMeta;
  const event: CxEvent = {
    id: o.id as string,
    channel: channel as Channel,
    conversationId: o.conversationId as string,
    customerId: o.customerId as string,
    author: author as CxEvent['author'],
    text,
    tsMs,
  };
  if (typeof o.agentId === 'string') event.agentId = o.agentId;
  if (typeof o.lang === 'string' && o.lang !== '') event.lang = o.lang.toLowerCase();
  if (typeof o.subject === 'string') event.subject = o.subject;
  if (o.meta !== undefined) event.meta = o.meta as Record<string, unknown>;
  return { ok: true, event };
}

function checkMeta(meta: unknown): { ok: false; error: EventError } | undefined {
  if (meta === undefined) return undefined;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    return { ok: false, error: eventError('CX_ERR_WRONG_TYPE', `field 'meta' must be an object, got ${jsonType(meta)}`, 'meta') };
  }
  const bytes = Buffer.byteLength(JSON.stringify(meta), 'utf8');
  if (bytes > MAX_META_BYTES) {
    return { ok: false, error: eventError('CX_ERR_INVALID_VALUE', `field 'meta' is ${bytes} bytes as JSON; the limit is ${MAX_META_BYTES}`, 'meta') };
  }
  return undefined;
}

/**
 * Checks a business (CRM) event's envelope: id, customerId, type (one of
 * {@link BUSINESS_EVENT_TYPES}), ts, meta (an object of at most {@link MAX_META_BYTES}). The one
 * check for `cx.events.crm`: the engine runs it on every message taken from the bus, and the
 * connectors run it before publishing, so a connector refuses exactly what the engine would
 * dead-letter. The subject names the channel, so `channel` is not checked. The type-specific
 * fields were checked by the CRM connector that published it; the engine only stores them.
 */
export function validateBusinessEvent(raw: unknown): BusinessValidation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: eventError('CX_ERR_NOT_AN_OBJECT', `an event must be a JSON object, got ${jsonType(raw)}`) };
  }
  const o = raw as Record<string, unknown>;
  for (const f of ['id', 'customerId', 'type'] as const) {
    const bad = checkString(o, f, true);
    if (bad) return bad as BusinessValidation;
  }
  const type = o.type as string;
  if (!(BUSINESS_EVENT_TYPES as readonly string[]).includes(type)) {
    return { ok: false, error: eventError('CX_ERR_INVALID_VALUE', `field 'type' must be one of ${BUSINESS_EVENT_TYPES.join(', ')}`, 'type') };
  }
  if (o.ts === undefined || o.ts === null) return { ok: false, error: eventError('CX_ERR_MISSING_FIELD', "missing required field 'ts'", 'ts') };
  const tsMs = parseTimestamp(o.ts);
  if (tsMs === undefined) {
    return { ok: false, error: eventError('CX_ERR_INVALID_TIMESTAMP', `field 'ts' (${JSON.stringify(o.ts).slice(0, 40)}) is not ISO-8601 or epoch milliseconds between 2000 and 2100`, 'ts') };
  }
  const badMeta = checkMeta(o.meta);
  if (badMeta) return badMeta;
  const business: Omit<BusinessEvent, 'receivedAtMs'> = { id: o.id as string, customerId: o.customerId as string, type: type as BusinessEvent['type'], tsMs };
  if (o.meta !== undefined) business.meta = o.meta as Record<string, unknown>;
  return { ok: true, business };
}

function parseJson(data: Uint8Array): { ok: true; raw: unknown } | { ok: false; error: EventError } {
  try {
    return { ok: true, raw: JSON.parse(Buffer.from(data).toString('utf8')) };
  } catch (e) {
    return { ok: false, error: eventError('CX_ERR_INVALID_JSON', `message is not valid JSON: ${(e as Error).message}`) };
  }
}

/** Decodes bytes from the bus and validates them: never throws. */
export function decodeEvent(data: Uint8Array, opts: ValidateOptions): Validation {
  const parsed = parseJson(data);
  return parsed.ok ? validateEvent(parsed.raw, opts) : parsed;
}

/** The same for `cx.events.crm`. */
export function decodeBusinessEvent(data: Uint8Array): BusinessValidation {
  const parsed = parseJson(data);
  return parsed.ok ? validateBusinessEvent(parsed.raw) : parsed;
}
