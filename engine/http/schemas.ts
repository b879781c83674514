/**
 * TypeBox schemas the routes share: the error answers (from the catalog, engine/event/errors.ts),
 * string choices, bearer tokens, and the event contract as documentation for POST /v1/events.
 * They serve three readers: fastify (validation and fast serialization), TypeScript (through the
 * type provider) and the OpenAPI document at /docs.
 */
import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';
import { AUTHORS, CHANNELS } from '../event/types.ts';

export { errorBody, errorResponses, INTERNAL_ERROR } from '../event/errors.ts';

/** A string that must be one of `values` (the document shows it as one enum: docs.ts). */
export function oneOf<const T extends readonly string[]>(values: T, description?: string): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(values.map((v) => Type.Literal(v)), description === undefined ? {} : { description });
}

/**
 * A response that is not JSON (an HTML page, Prometheus text, Markdown). fastify sends strings
 * as they are, so these only document the media type.
 */
export function textResponse(description: string, ...mediaTypes: string[]) {
  return { description, content: Object.fromEntries(mediaTypes.map((m) => [m, { schema: Type.String() }])) };
}

/** A bearer JWT (CXPULSE_JWT_SECRET), in the header or as `?token=`; named in docs.ts. */
export const BEARER: { [scheme: string]: string[] }[] = [{ bearerJwt: [] }, {}];

export const TokenQuery = Type.String({ description: 'the bearer JWT, for browsers (which cannot set headers on a WebSocket or a link)' });

/** The event contract (README, "The event"). Documentation only: engine/event/validate.ts decides. */
export const EventSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 256, description: 'unique and stable: the idempotency key' }),
    channel: oneOf(CHANNELS),
    conversationId: Type.String({ minLength: 1, maxLength: 256 }),
    customerId: Type.String({ minLength: 1, maxLength: 256 }),
    author: oneOf(AUTHORS),
    text: Type.String({ minLength: 1, description: 'at most CXPULSE_MAX_TEXT_BYTES bytes of UTF-8' }),
    ts: Type.Union([Type.String({ description: 'ISO-8601' }), Type.Number({ description: 'epoch milliseconds' })], { description: 'between 2000 and 2100' }),
    agentId: Type.Optional(Type.String({ maxLength: 256 })),
    lang: Type.Optional(Type.String({ maxLength: 256, description: 'ISO 639-1; detected when absent' })),
    subject: Type.Optional(Type.String({ description: 'e-mail subject' })),
    meta: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'at most 16 KiB as JSON' })),
  },
  { description: 'one event (SPEC, "The event")' },
);
