import { Type, type TObject, type TProperties } from '@sinclair/typebox';

/**
 * JSON schemas of the connector routes' answers (TypeBox), so they appear in the OpenAPI document
 * at /docs. Connector routes read their bodies as raw bytes (signatures, encodings), so a body is
 * described in words, not validated by fastify; what a connector checks is in its refusal codes.
 */

/** A refusal: a code from the error catalog (engine/event/errors.ts) and the reason in words. */
export const ConnectorErrorSchema = Type.Object(
  {
    code: Type.String({ description: 'CX_ERR_* code from the error catalog' }),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'the field at fault, as a path' })),
  },
  { additionalProperties: true },
);

export const ErrorReplySchema = Type.Object({ error: ConnectorErrorSchema });

/** The refusals every raw-body connector route may answer (body, encoding, size, media type, bus). */
export const REFUSALS = {
  400: { ...ErrorReplySchema, description: 'refused (also dead-lettered): the error names the field' },
  401: { ...ErrorReplySchema, description: 'CX_ERR_UNAUTHORIZED: CXPULSE_JWT_SECRET is set and the request has no valid bearer token' },
  403: { ...ErrorReplySchema, description: "CX_ERR_FORBIDDEN: the token's role may not publish (ingest or admin only)" },
  413: { ...ErrorReplySchema, description: 'body, text, a field or the batch over its limit' },
  429: { ...ErrorReplySchema, description: 'CX_ERR_RATE_LIMITED: too many requests from this token or address; retry after the time given' },
  415: { ...ErrorReplySchema, description: 'unsupported content type' },
  500: { ...ErrorReplySchema, description: 'internal error: no details here, see the connector log' },
  503: { ...ErrorReplySchema, description: 'the event bus did not confirm; nothing was taken, resend (ids make that safe)' },
} as const;

export const CONNECTOR_TAGS = ['connectors'];

/** The schema of a connector route: its tag, summary, body in words, answers by status. */
export function connectorRouteSchema<R extends Record<number, TObject<TProperties> | object>>(o: {
  summary: string;
  description: string;
  consumes?: string[];
  querystring?: TObject;
  response: R;
}) {
  return { tags: CONNECTOR_TAGS, ...o };
}
