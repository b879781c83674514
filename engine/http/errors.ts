import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_ERRORS, type EventError, type EventErrorCode } from '../event/errors.ts';
import { INTERNAL_ERROR } from '../event/errors.ts';

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

/**
 * The app's error handler: catalogued refusals as they are, fastify's client errors in our codes,
 * and anything else as a bare 500 whose details go to the log only (a stack trace or a
 * ClickHouse message could name hosts, tables or customer data).
 */
export function answerError(err: FastifyError | HttpEventError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  // Our own refusals: their messages are written for the client (a 503 says to resend).
  if (err instanceof HttpEventError) {
    const error: Record<string, unknown> = { code: err.code, message: err.message };
    if (err.field) error.field = err.field;
    if (err.details) error.events = err.details;
    return reply.code(err.statusCode).send({ error });
  }
  const mapped = FASTIFY_CODES[err.code];
  if (mapped) {
    const status = EVENT_ERRORS[mapped].status;
    return reply.code(status).send({ error: { code: mapped, message: `${EVENT_ERRORS[mapped].summary} (${err.message})` } });
  }
  if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: { code: err.code ?? 'CX_ERR_BAD_REQUEST', message: err.message } });
  req.log.error({ err }, 'request failed');
  return reply.code(500).send({ error: INTERNAL_ERROR });
}
