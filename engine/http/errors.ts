import { EVENT_ERRORS, type EventError, type EventErrorCode } from '../event/errors.ts';

/** An HTTP refusal carrying a catalogued code; the error handler turns it into `{error:{...}}`. */
export class HttpEventError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: EventErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: readonly (EventError & { index: number })[],
  ) {
    super(message);
    this.statusCode = EVENT_ERRORS[code].status;
  }
}

/** Fastify's own codes for the errors a client can cause, mapped to ours. */
export const FASTIFY_CODES: Record<string, EventErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'CX_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CX_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CX_ERR_INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'CX_ERR_INVALID_JSON',
};
