/**
 * TypeBox schemas the routes share: the error answers (from the catalog, engine/event/errors.ts),
 * string choices, bearer tokens, and the event contract as documentation for POST /v1/events.
 * They serve three readers: fastify (validation and fast serialization), TypeScript (through the
 * type provider) and the OpenAPI document at /docs.
 */
import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';
import { AUTHORS, CHANNELS } from '../event/types.ts';
import { MAX_LANG_LENGTH, MAX_META_DEPTH } from '../event/validate.ts';
import { DEFAULT_MAX_ID_LENGTH, DEFAULT_MAX_META_BYTES, DEFAULT_MAX_META_KEY_LENGTH, DEFAULT_MAX_SUBJECT_LENGTH } from '../config/index.ts';

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
    id: Type.String({ minLength: 1, maxLength: DEFAULT_MAX_ID_LENGTH, description: 'unique and stable: the idempotency key; ids at most CXPULSE_MAX_ID_LENGTH characters' }),
    channel: oneOf(CHANNELS),
    conversationId: Type.String({ minLength: 1, maxLength: DEFAULT_MAX_ID_LENGTH }),
    customerId: Type.String({ minLength: 1, maxLength: DEFAULT_MAX_ID_LENGTH }),
    author: oneOf(AUTHORS),
    text: Type.String({ minLength: 1, description: 'at most CXPULSE_MAX_TEXT_BYTES bytes of UTF-8' }),
    ts: Type.Union([Type.String({ description: 'ISO-8601' }), Type.Number({ description: 'epoch milliseconds' })], { description: 'between 2000 and 2100' }),
    agentId: Type.Optional(Type.String({ maxLength: DEFAULT_MAX_ID_LENGTH, description: "routes the conversation to this agent's feed: trusted because only ingest and admin tokens may publish" })),
    lang: Type.Optional(Type.String({ maxLength: MAX_LANG_LENGTH, pattern: '^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$', description: 'a language tag (ISO 639-1 code, optionally with region: sv, sv-SE); detected when absent' })),
    subject: Type.Optional(Type.String({ maxLength: DEFAULT_MAX_SUBJECT_LENGTH, description: 'e-mail subject; at most CXPULSE_MAX_SUBJECT_LENGTH characters' })),
    meta: Type.Optional(
      Type.Record(Type.String({ maxLength: DEFAULT_MAX_META_KEY_LENGTH }), Type.Unknown(), {
        description: `at most CXPULSE_MAX_META_BYTES (default ${DEFAULT_MAX_META_BYTES}) as JSON, keys of at most CXPULSE_MAX_META_KEY_LENGTH characters, string values of at most CXPULSE_MAX_META_VALUE_LENGTH, nested at most ${MAX_META_DEPTH} deep`,
      }),
    ),
  },
  { description: 'one event (SPEC, "The event")' },
);
