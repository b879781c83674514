import { BUSINESS_EVENT_TYPES, parseTimestamp, type BusinessEventType } from '../../engine/event/index.ts';
import {
  inputError,
  optNumber,
  optObject,
  optString,
  reqId,
  reqNumber,
  reqOneOf,
  reqString,
  type CrmEvent,
} from '../shared/index.ts';

/** Fields common to every type. */
const COMMON = ['id', 'type', 'customerId', 'ts', 'meta'] as const;

/**
 * Per type: the fields it may carry (read into `meta`) and how each is checked. Numbers are
 * numbers in JSON; the CSV reader converts the cells of {@link NUMERIC_FIELDS} first.
 */
const TYPE_FIELDS: Record<BusinessEventType, Record<string, (o: Record<string, unknown>, f: string) => unknown>> = {
  payment_late: {
    daysLate: (o, f) => reqNumber(o, f, f, { min: 0 }),
    amount: (o, f) => optNumber(o, f, f, { min: 0 }),
    currency: (o, f) => optCurrency(o, f),
    invoiceId: (o, f) => optString(o, f),
  },
  order_placed: {
    orderId: (o, f) => optString(o, f),
    amount: (o, f) => optNumber(o, f, f, { min: 0 }),
    currency: (o, f) => optCurrency(o, f),
  },
  usage_drop: {
    dropPct: (o, f) => reqNumber(o, f, f, { min: 0, max: 100 }),
    metric: (o, f) => optString(o, f),
    periodDays: (o, f) => optNumber(o, f, f, { min: 1, integer: true }),
  },
  plan_change: {
    fromPlan: (o, f) => reqString(o, f),
    toPlan: (o, f) => reqString(o, f),
    direction: (o, f) => (o[f] === undefined ? undefined : reqOneOf(o, f, ['upgrade', 'downgrade'] as const)),
  },
  cancellation: {
    reason: (o, f) => optString(o, f),
    effectiveAt: (o, f) => optTimestamp(o, f),
  },
};

export const NUMERIC_FIELDS: ReadonlySet<string> = new Set(['daysLate', 'amount', 'dropPct', 'periodDays']);

function optCurrency(o: Record<string, unknown>, f: string): string | undefined {
  const v = optString(o, f);
  if (v !== undefined && !/^[A-Z]{3}$/.test(v)) throw inputError('CX_ERR_INVALID_VALUE', `field '${f}' must be an ISO 4217 code such as SEK, NOK, DKK or EUR`, f);
  return v;
}

function optTimestamp(o: Record<string, unknown>, f: string): number | undefined {
  if (o[f] === undefined || o[f] === null) return undefined;
  const ms = parseTimestamp(o[f]);
  if (ms === undefined) throw inputError('CX_ERR_INVALID_TIMESTAMP', `field '${f}' is not ISO-8601 or epoch milliseconds`, f);
  return ms;
}

/**
 * A business event as a source system sends it (flat: `id`, `type`, `customerId`, `ts`, the
 * type's own fields, optional `meta`) to the `cx.events.crm` contract. Unknown fields are refused
 * by name, since a typo (`dayslate`) would otherwise silently drop the signal. The event id is
 * `crm:<type>:<id>`: billing's invoice 42 and the shop's order 42 stay two events.
 */
export function toCrmEvent(o: Record<string, unknown>): CrmEvent {
  const type = reqOneOf(o, 'type', BUSINESS_EVENT_TYPES);
  const fields = TYPE_FIELDS[type];
  for (const k of Object.keys(o)) {
    if (!(COMMON as readonly string[]).includes(k) && !(k in fields)) {
      throw inputError('CX_ERR_INVALID_VALUE', `unknown field '${k}' for a ${type} event (allowed: ${[...COMMON, ...Object.keys(fields)].join(', ')})`, k);
    }
  }
  const sourceId = reqId(o, 'id');
  const customerId = reqId(o, 'customerId');
  if (o.ts === undefined || o.ts === null) throw inputError('CX_ERR_MISSING_FIELD', "missing required field 'ts'", 'ts');
  if (typeof o.ts !== 'string' && typeof o.ts !== 'number') throw inputError('CX_ERR_WRONG_TYPE', "field 'ts' must be an ISO-8601 string or epoch milliseconds", 'ts');
  if (parseTimestamp(o.ts) === undefined) {
    throw inputError('CX_ERR_INVALID_TIMESTAMP', `field 'ts' (${JSON.stringify(o.ts).slice(0, 40)}) is not ISO-8601 or epoch milliseconds between 2000 and 2100`, 'ts');
  }
  const meta: Record<string, unknown> = { ...optObject(o, 'meta'), sourceId };
  for (const [f, read] of Object.entries(fields)) {
    const v = read(o, f);
    if (v !== undefined) meta[f] = v;
  }
  return { id: `crm:${type}:${sourceId}`, channel: 'crm', customerId, type, ts: o.ts, meta };
}
