import { Type } from '@sinclair/typebox';

/**
 * The catalog of input errors. Every rejection the engine gives (HTTP 4xx body, DLQ entry,
 * metric label `error_type`) carries one of these codes; the README lists each of them.
 */
export const EVENT_ERRORS = {
  CX_ERR_INVALID_JSON: { status: 400, summary: 'the body or message is not valid JSON' },
  CX_ERR_NOT_AN_OBJECT: { status: 400, summary: 'an event must be a JSON object' },
  CX_ERR_MISSING_FIELD: { status: 400, summary: 'a required field is absent' },
  CX_ERR_WRONG_TYPE: { status: 400, summary: 'a field has the wrong JSON type' },
  CX_ERR_UNKNOWN_CHANNEL: { status: 400, summary: 'channel is not chat, email or call' },
  CX_ERR_INVALID_VALUE: { status: 400, summary: 'a field has a value outside its allowed set or format' },
  CX_ERR_EMPTY_TEXT: { status: 400, summary: 'text is empty or only whitespace' },
  CX_ERR_TEXT_TOO_LARGE: { status: 413, summary: 'text is over the size limit (CXPULSE_MAX_TEXT_BYTES)' },
  CX_ERR_FIELD_TOO_LARGE: { status: 413, summary: 'a field other than text is over its limit (CXPULSE_MAX_ID_LENGTH, _SUBJECT_LENGTH, _META_*; lang at most 35 characters)' },
  CX_ERR_BATCH_TOO_LARGE: { status: 413, summary: 'a request holds more events than CXPULSE_MAX_BATCH_EVENTS' },
  CX_ERR_INVALID_TIMESTAMP: { status: 400, summary: 'ts is neither ISO-8601 nor epoch milliseconds in a plausible range' },
  CX_ERR_BODY_TOO_LARGE: { status: 413, summary: 'the request body is over CXPULSE_MAX_BODY_BYTES' },
  CX_ERR_EMPTY_BATCH: { status: 400, summary: 'an array of events must hold at least one event' },
  CX_ERR_UNSUPPORTED_EVENT: { status: 400, summary: 'a business (CRM) event (field type) on a text route: send it to cx.events.crm or POST /v1/connectors/crm' },
  CX_ERR_SCORING_FAILED: { status: 500, summary: 'the model could not score this event' },
  CX_ERR_ROW_REJECTED: { status: 500, summary: 'the store refused this row (the entry carries its error); the rows written with it were stored' },
  CX_ERR_MAX_DELIVERIES: { status: 500, summary: 'the message failed on every one of its CXPULSE_MAX_DELIVER deliveries; the entry carries its history' },
  CX_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'the body must be application/json' },
  CX_ERR_BUS_UNAVAILABLE: { status: 503, summary: 'the event could not be published; nothing was accepted, retry later' },
  CX_ERR_NOT_READY: { status: 503, summary: 'the engine is not processing events (its pipeline stopped); nothing was accepted, retry after Retry-After seconds' },
  // Refusals only a connector gives (the source, not the event, is at fault).
  CX_ERR_BAD_SIGNATURE: { status: 401, summary: 'the webhook signature is missing, malformed, stale or does not match the configured secret' },
  CX_ERR_FORBIDDEN: { status: 403, summary: 'the token is valid but its role may not use this endpoint' },
  CX_ERR_RATE_LIMITED: { status: 429, summary: 'too many requests from this token or address (CXPULSE_RATE_LIMIT_MAX per CXPULSE_RATE_LIMIT_WINDOW_MS); retry after the time given' },
  CX_ERR_TOO_MANY_CONNECTIONS: { status: 503, summary: 'the WebSocket connection cap is reached (CXPULSE_FEED_MAX_CLIENTS, CXPULSE_CHAT_WS_MAX_CONNECTIONS); retry later' },
  CX_ERR_UNAUTHORIZED: { status: 401, summary: 'the request lacks the token this endpoint is configured to require' },
  CX_ERR_BAD_ENCODING: { status: 400, summary: 'the payload is not valid UTF-8 (or UTF-16 with a byte-order mark)' },
  CX_ERR_MISSING_SPEAKER: { status: 400, summary: 'a transcript turn has no speaker, or its speaker cannot be mapped to customer or agent' },
  CX_ERR_UNSUPPORTED_PAYLOAD: { status: 400, summary: "the payload is JSON but matches none of the connector's documented shapes" },
  CX_ERR_NO_TEXT_PART: { status: 400, summary: 'a mail or message has no text a customer wrote (no text part, or empty after quotes were stripped)' },
  CX_ERR_MODEL_INVALID: { status: 422, summary: 'the candidate model folder failed to load or validate; the active model is unchanged' },
  CX_ERR_NO_SHADOW_MODEL: { status: 409, summary: 'there is no shadow model to promote' },
  CX_ERR_REPORTS_UNAVAILABLE: { status: 503, summary: 'reports read ClickHouse; this engine runs on the embedded file store' },
  CX_ERR_NOT_FOUND: { status: 404, summary: 'no such page, asset or action' },
  CX_ERR_ACTION_CLOSED: { status: 409, summary: 'the action already has an outcome, expired, or was held out (never offered)' },
  // Our fault, not the input's: the answer never carries the details, the engine log does.
  CX_ERR_INTERNAL: { status: 500, summary: 'the engine failed on this request; the details are in its log' },
} as const;

export type EventErrorCode = keyof typeof EVENT_ERRORS;

/** A rejected input: machine-readable code, the field at fault (if one), and a sentence for humans. */
export interface EventError {
  code: EventErrorCode;
  field?: string;
  message: string;
}

export function eventError(code: EventErrorCode, message: string, field?: string): EventError {
  return field === undefined ? { code, message } : { code, field, message };
}

// The shape of every refusal, as a schema: routes declare it for documentation and serialization.

const errorDetail = {
  code: Type.String({ description: 'a code of the error catalog (README, "Errors")', examples: ['CX_ERR_MISSING_FIELD'] }),
  field: Type.Optional(Type.String({ description: 'the field at fault, when there is one' })),
  message: Type.String({ description: 'what went wrong, in a sentence' }),
};

/** The body of every refusal: `{"error":{"code","field"?,"message","events"?}}`. */
export function errorBody(description: string) {
  return Type.Object(
    {
      error: Type.Object({
        ...errorDetail,
        events: Type.Optional(Type.Array(Type.Object({ index: Type.Integer({ minimum: 0 }), ...errorDetail }), { description: 'an array of events: every invalid one, by index' })),
      }),
    },
    { description },
  );
}

type ErrorStatus = (typeof EVENT_ERRORS)[EventErrorCode]['status'];

/** Answered by every route when something fails on our side; the details stay in the engine log. */
export const INTERNAL_ERROR = { code: 'CX_ERR_INTERNAL', message: 'internal error; see the engine log' } as const;

/**
 * The error answers of a route that may refuse with `codes`, grouped by their HTTP status, plus
 * the 500 every route may give. The description names the codes, so the document says which.
 */
export function errorResponses(...codes: EventErrorCode[]): Partial<Record<ErrorStatus, ReturnType<typeof errorBody>>> {
  const byStatus = new Map<number, EventErrorCode[]>();
  for (const code of [...codes, 'CX_ERR_INTERNAL' as const]) {
    const status = EVENT_ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, errorBody(list.map((c) => `${c}: ${EVENT_ERRORS[c].summary}`).join('; '))]));
}

