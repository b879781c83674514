import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { EVENT_ERRORS, type EventErrorCode } from '../../engine/event/index.ts';
import { BusUnavailableError, statusOf, type ConnectorError } from './errors.ts';

/**
 * Connector routes read the body as raw bytes: signatures are computed over the exact bytes the
 * sender signed, and the encoding is checked by us (decode.ts) rather than replaced silently.
 * Called inside the connector plugin, so the engine's own JSON parser elsewhere is untouched.
 */
export function acceptRawBodies(app: FastifyInstance, types: readonly string[] = ['application/json']): void {
  app.removeAllContentTypeParsers();
  for (const t of types) app.addContentTypeParser(t, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
}

/** The raw body as bytes (an empty body arrives as undefined). */
export function rawBody(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

export function sendError(reply: FastifyReply, error: ConnectorError): FastifyReply {
  return reply.code(statusOf(error.code)).send({ error });
}

/**
 * Runs a handler and answers a bus that stayed away with 503 `CX_ERR_BUS_UNAVAILABLE`: nothing
 * was (fully) taken, and the sender can resend because ids are stable.
 */
export async function answeringBusErrors(reply: FastifyReply, fn: () => Promise<FastifyReply>): Promise<FastifyReply> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof BusUnavailableError)) throw e;
    reply.log.error({ err: e }, 'connector could not reach the bus');
    return sendError(reply, { code: 'CX_ERR_BUS_UNAVAILABLE', message: `${EVENT_ERRORS.CX_ERR_BUS_UNAVAILABLE.summary}; resend (ids make a resend safe)` });
  }
}

/** Fastify's client-caused errors in our catalog's words (the engine app has the same mapping). */
const FASTIFY_CODES: Record<string, EventErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'CX_ERR_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CX_ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CX_ERR_INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'CX_ERR_INVALID_JSON',
};

/** Error handler for a standalone connector server (inside the engine, the engine's handler applies). */
export function connectorErrorHandler(err: FastifyError, reply: FastifyReply): FastifyReply {
  const mapped = FASTIFY_CODES[err.code];
  if (mapped) return reply.code(EVENT_ERRORS[mapped].status).send({ error: { code: mapped, message: `${EVENT_ERRORS[mapped].summary} (${err.message})` } });
  if (err.statusCode && err.statusCode < 500) return reply.code(err.statusCode).send({ error: { code: err.code ?? 'CX_ERR_BAD_REQUEST', message: err.message } });
  reply.log.error({ err }, 'request failed');
  return reply.code(500).send({ error: { code: 'CX_ERR_INTERNAL', message: 'internal error; see the connector log' } });
}
