import { AUTHORS, BUSINESS_EVENT_TYPES, CHANNELS, type BusinessEvent, type Channel, type CxEvent } from './types.ts';
import { eventError, type EventError } from './errors.ts';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../util/index.ts';
import {
  DEFAULT_MAX_ID_LENGTH,
  DEFAULT_MAX_META_BYTES,
  DEFAULT_MAX_META_KEY_LENGTH,
  DEFAULT_MAX_META_VALUE_LENGTH,
  DEFAULT_MAX_SUBJECT_LENGTH,
  type Config,
} from '../config/index.ts';

export type Validation = { ok: true; event: CxEvent } | { ok: false; error: EventError };
export type BusinessValidation = { ok: true; business: Omit<BusinessEvent, 'receivedAtMs'> } | { ok: false; error: EventError };

/** Largest `meta` accepted by default, as JSON: it is stored with every row, so it must stay bounded. */
export const MAX_META_BYTES = DEFAULT_MAX_META_BYTES;

/**
 * Caps on the fields of one event besides `text`, so the work one event causes (redaction,
 * storage, the feed, a dashboard's variables) stays bounded. Each is a setting (CXPULSE_MAX_*).
 */
export interface FieldLimits {
  /** `id`, `conversationId`, `customerId`, `agentId`, and a business event's `type`. */
  maxIdLength: number;
  maxSubjectLength: number;
  maxMetaBytes: number;
  maxMetaKeyLength: number;
  /** A string value anywhere in `meta`. */
  maxMetaValueLength: number;
}

export const DEFAULT_FIELD_LIMITS: FieldLimits = {
  maxIdLength: DEFAULT_MAX_ID_LENGTH,
  maxSubjectLength: DEFAULT_MAX_SUBJECT_LENGTH,
  maxMetaBytes: DEFAULT_MAX_META_BYTES,
  maxMetaKeyLength: DEFAULT_MAX_META_KEY_LENGTH,
  maxMetaValueLength: DEFAULT_MAX_META_VALUE_LENGTH,
};

/** The longest language code taken (BCP 47 suggests supporting tags up to 35 characters, RFC 5646 4.4.1). */
export const MAX_LANG_LENGTH = 35;
/** A language tag: `en`, `sv-SE`, `zh-Hant-TW`, `nb_NO`; letters, digits, `-` and `_` only, so it is safe in a query or a dashboard variable. */
const LANG_TAG = /^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$/;
/** Nesting in `meta` beyond this is refused: it is a flat bag of attributes, and deep nesting only costs. */
export const MAX_META_DEPTH = 8;

/** Options of every check: the text cap and, where not given, the default field caps. */
export interface ValidateOptions extends Partial<FieldLimits> {
  maxTextBytes: number;
}

/** The field caps from the validated environment (CXPULSE_MAX_*). */
export function fieldLimitsOf(cfg: Config): FieldLimits {
  return {
    maxIdLength: cfg.CXPULSE_MAX_ID_LENGTH,
    maxSubjectLength: cfg.CXPULSE_MAX_SUBJECT_LENGTH,
    maxMetaBytes: cfg.CXPULSE_MAX_META_BYTES,
    maxMetaKeyLength: cfg.CXPULSE_MAX_META_KEY_LENGTH,
    maxMetaValueLength: cfg.CXPULSE_MAX_META_VALUE_LENGTH,
  };
}

/** Timestamps outside these years are almost surely unit mistakes (seconds for ms, µs for ms). */
const MIN_TS_MS = Date.UTC(2000, 0, 1);
const MAX_TS_MS = Date.UTC(2100, 0, 1);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const fail = (...a: Parameters<typeof eventError>): Validation => ({ ok: false, error: eventError(...a) });

const tooLong = (field: string, length: number, limit: number, setting: string): Validation =>
  fail('CX_ERR_FIELD_TOO_LARGE', `field '${field}' is ${length} characters; the limit is ${limit} (${setting})`, field);

/** The cap of each string field (text has its own, in bytes); lang is checked as a tag. */
function maxLengthOf(field: string, limits: FieldLimits): { limit: number; setting: string } | undefined {
  if (field === 'text' || field === 'lang') return undefined;
  if (field === 'subject') return { limit: limits.maxSubjectLength, setting: 'CXPULSE_MAX_SUBJECT_LENGTH' };
  return { limit: limits.maxIdLength, setting: 'CXPULSE_MAX_ID_LENGTH' };
}

function checkString(o: Record<string, unknown>, field: string, required: boolean, limits: FieldLimits): Validation | undefined {
  const v = o[field];
  if (v === undefined || v === null) {
    return required ? fail('CX_ERR_MISSING_FIELD', `missing required field '${field}'`, field) : undefined;
  }
  if (typeof v !== 'string') return fail('CX_ERR_WRONG_TYPE', `field '${field}' must be a string, got ${jsonType(v)}`, field);
  if (required && v.trim() === '' && field !== 'text') return fail('CX_ERR_INVALID_VALUE', `field '${field}' must not be empty`, field);
  const cap = maxLengthOf(field, limits);
  if (cap && v.length > cap.limit) return tooLong(field, v.length, cap.limit, cap.setting);
  if (field === 'lang' && v !== '') {
    if (v.length > MAX_LANG_LENGTH) return tooLong(field, v.length, MAX_LANG_LENGTH, 'a language tag');
    if (!LANG_TAG.test(v)) return fail('CX_ERR_INVALID_VALUE', `field 'lang' must be a language tag such as 'en' or 'sv-SE' (letters, digits, '-')`, field);
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
  const limits: FieldLimits = { ...DEFAULT_FIELD_LIMITS, ...definedOnly(opts) };
  if (o.channel === 'crm' || (o.type !== undefined && o.text === undefined)) {
    return fail('CX_ERR_UNSUPPORTED_EVENT', "business (CRM) events (with field 'type') go to cx.events.crm or POST /v1/connectors/crm, not here", 'type');
  }
  for (const f of ['id', 'channel', 'conversationId', 'customerId', 'author', 'text'] as const) {
    const bad = checkString(o, f, true, limits);
    if (bad) return bad;
  }
  for (const f of ['agentId', 'lang', 'subject'] as const) {
    const bad = checkString(o, f, false, limits);
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
  const badMeta = checkMeta(o.meta, limits);
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

/** The options that are set: `{maxIdLength: undefined}` must not override a default. */
function definedOnly(opts: Partial<FieldLimits>): Partial<FieldLimits> {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as Partial<FieldLimits>;
}

function checkMeta(meta: unknown, limits: FieldLimits): { ok: false; error: EventError } | undefined {
  if (meta === undefined) return undefined;
  const refuse = (code: EventError['code'], message: string, field = 'meta') => ({ ok: false as const, error: eventError(code, message, field) });
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return refuse('CX_ERR_WRONG_TYPE', `field 'meta' must be an object, got ${jsonType(meta)}`);
  // Keys, values and depth first: an iterative walk, so a deeply nested value cannot overflow the stack.
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: meta, path: 'meta', depth: 1 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.length > limits.maxMetaValueLength) {
        return refuse('CX_ERR_FIELD_TOO_LARGE', `field '${path}' is ${value.length} characters; the limit for a value in meta is ${limits.maxMetaValueLength} (CXPULSE_MAX_META_VALUE_LENGTH)`, path);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_META_DEPTH) return refuse('CX_ERR_INVALID_VALUE', `field '${path}' nests deeper than ${MAX_META_DEPTH} levels`, path);
    for (const [k, v] of Object.entries(value)) {
      if (k.length > limits.maxMetaKeyLength) {
        return refuse('CX_ERR_FIELD_TOO_LARGE', `a key in '${path}' is ${k.length} characters; the limit is ${limits.maxMetaKeyLength} (CXPULSE_MAX_META_KEY_LENGTH)`, path);
      }
      stack.push({ value: v, path: `${path}.${k.slice(0, 40)}`, depth: depth + 1 });
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(meta), 'utf8');
  if (bytes > limits.maxMetaBytes) return refuse('CX_ERR_FIELD_TOO_LARGE', `field 'meta' is ${bytes} bytes as JSON; the limit is ${limits.maxMetaBytes} (CXPULSE_MAX_META_BYTES)`);
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
export function validateBusinessEvent(raw: unknown, fieldLimits: Partial<FieldLimits> = {}): BusinessValidation {
  const limits: FieldLimits = { ...DEFAULT_FIELD_LIMITS, ...definedOnly(fieldLimits) };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: eventError('CX_ERR_NOT_AN_OBJECT', `an event must be a JSON object, got ${jsonType(raw)}`) };
  }
  const o = raw as Record<string, unknown>;
  for (const f of ['id', 'customerId', 'type'] as const) {
    const bad = checkString(o, f, true, limits);
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
  const badMeta = checkMeta(o.meta, limits);
  if (badMeta) return badMeta;
  const business: Omit<BusinessEvent, 'receivedAtMs'> = { id: o.id as string, customerId: o.customerId as string, type: type as BusinessEvent['type'], tsMs };
  if (o.meta !== undefined) business.meta = o.meta as Record<string, unknown>;
  return { ok: true, business };
}

function parseJson(data: Uint8Array): { ok: true; raw: unknown } | { ok: false; error: EventError } {
  const text = Buffer.from(data).toString('utf8');
  const deep = jsonTooDeep(text);
  if (deep >= 0) return { ok: false, error: eventError('CX_ERR_INVALID_JSON', `message nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels (at character ${deep})`) };
  try {
    return { ok: true, raw: JSON.parse(text) };
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
export function decodeBusinessEvent(data: Uint8Array, fieldLimits: Partial<FieldLimits> = {}): BusinessValidation {
  const parsed = parseJson(data);
  return parsed.ok ? validateBusinessEvent(parsed.raw, fieldLimits) : parsed;
}
