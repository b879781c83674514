import { EVENT_ERRORS, eventError, type EventError, type EventErrorCode } from '../../engine/event/index.ts';

/**
 * Connector refusals use the engine's catalog (engine/event/errors.ts), which holds the codes
 * only a connector gives too (bad signature, bad encoding, missing speaker ...).
 */
export type ConnectorError = EventError;

export function connectorError(code: EventErrorCode, message: string, field?: string): ConnectorError {
  return eventError(code, message, field);
}

/** HTTP status for a catalogued code. */
export function statusOf(code: EventErrorCode): number {
  return EVENT_ERRORS[code].status;
}

export { BusUnavailableError } from '../../engine/connector/index.ts';
