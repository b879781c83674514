import { BUSINESS_EVENT_TYPES } from '../../engine/event/index.ts';
import { eventError, parseTimestamp, validateEvent, type EventError } from '../../engine/event/index.ts';
import type { ConnectorEvent, CrmEvent } from './types.ts';

/** The engine's list (engine/event/types.ts): one source of truth for what `cx.events.crm` carries. */
export const CRM_EVENT_TYPES = BUSINESS_EVENT_TYPES satisfies readonly CrmEvent['type'][];

/** The subject channel a connector event is published on (`cx.events.<channel>`). */
export const CRM_CHANNEL = 'crm';

export type ContractCheck = { ok: true } | { ok: false; error: EventError };

const MAX_ID_LENGTH = 256;

export function isCrmEvent(e: ConnectorEvent | CrmEvent): e is CrmEvent {
  return (e as { channel: string }).channel === CRM_CHANNEL;
}

/**
 * Checks an event against the contract the engine enforces (the engine's own validator for
 * messages; the CRM contract for business events), so a connector refuses at the source what the
 * engine would only dead-letter later, and can answer the sender with the reason.
 */
export function checkContract(e: ConnectorEvent | CrmEvent, maxTextBytes: number): ContractCheck {
  if (isCrmEvent(e)) return checkCrmEvent(e);
  const r = validateEvent(e, { maxTextBytes });
  return r.ok ? { ok: true } : { ok: false, error: r.error };
}

const fail = (code: EventError['code'], message: string, field?: string): ContractCheck => ({ ok: false, error: eventError(code, message, field) });

/** The `cx.events.crm` contract: id, customerId, type from {@link CRM_EVENT_TYPES}, ts, optional meta object. */
export function checkCrmEvent(raw: unknown): ContractCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('CX_ERR_NOT_AN_OBJECT', 'a CRM event must be a JSON object');
  const o = raw as Record<string, unknown>;
  for (const f of ['id', 'customerId', 'type'] as const) {
    const v = o[f];
    if (v === undefined || v === null) return fail('CX_ERR_MISSING_FIELD', `missing required field '${f}'`, f);
    if (typeof v !== 'string') return fail('CX_ERR_WRONG_TYPE', `field '${f}' must be a string`, f);
    if (v.trim() === '') return fail('CX_ERR_INVALID_VALUE', `field '${f}' must not be empty`, f);
    if (v.length > MAX_ID_LENGTH) return fail('CX_ERR_INVALID_VALUE', `field '${f}' is longer than ${MAX_ID_LENGTH} characters`, f);
  }
  if (o.channel !== CRM_CHANNEL) return fail('CX_ERR_INVALID_VALUE', `field 'channel' of a CRM event must be '${CRM_CHANNEL}'`, 'channel');
  if (!(CRM_EVENT_TYPES as readonly string[]).includes(o.type as string)) {
    return fail('CX_ERR_INVALID_VALUE', `field 'type' must be one of ${CRM_EVENT_TYPES.join(', ')}`, 'type');
  }
  if (o.ts === undefined || o.ts === null) return fail('CX_ERR_MISSING_FIELD', "missing required field 'ts'", 'ts');
  if (parseTimestamp(o.ts) === undefined) {
    return fail('CX_ERR_INVALID_TIMESTAMP', `field 'ts' (${JSON.stringify(o.ts).slice(0, 40)}) is not ISO-8601 or epoch milliseconds between 2000 and 2100`, 'ts');
  }
  if (o.meta !== undefined && (typeof o.meta !== 'object' || o.meta === null || Array.isArray(o.meta))) {
    return fail('CX_ERR_WRONG_TYPE', "field 'meta' must be an object", 'meta');
  }
  return { ok: true };
}
