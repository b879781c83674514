import { validateBusinessEvent, validateEvent, type EventError, type ValidateOptions } from '../event/index.ts';
import type { ConnectorEvent, CrmEvent } from './types.ts';

/** The subject channel a business event is published on (`cx.events.crm`). */
export const CRM_CHANNEL = 'crm';

export type ContractCheck = { ok: true } | { ok: false; error: EventError };

export function isCrmEvent(e: ConnectorEvent | CrmEvent): e is CrmEvent {
  return (e as { channel: string }).channel === CRM_CHANNEL;
}

/**
 * Checks an event with the engine's own validators (engine/event/validate.ts), so a connector
 * refuses at the source what the engine would only dead-letter later, and can answer the sender
 * with the reason.
 */
export function checkContract(e: ConnectorEvent | CrmEvent, limits: number | ValidateOptions): ContractCheck {
  const opts: ValidateOptions = typeof limits === 'number' ? { maxTextBytes: limits } : limits;
  const r = isCrmEvent(e) ? validateBusinessEvent(e, opts) : validateEvent(e, opts);
  return r.ok ? { ok: true } : { ok: false, error: r.error };
}
