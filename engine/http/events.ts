import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { EventBus } from '../bus/types.ts';
import { validateEvent, type FieldLimits, type Validation } from '../event/validate.ts';
import { INGEST_ACCESS, routeAccess } from '../access/index.ts';
import { DEFAULT_MAX_BATCH_EVENTS } from '../config/index.ts';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../util/index.ts';
import type { EventError } from '../event/errors.ts';
import type { Metrics } from '../observability/index.ts';
import { HttpEventError } from './errors.ts';
import { BEARER, errorResponses, EventSchema } from './schemas.ts';

export interface EventsRouteOptions {
  bus: Pick<EventBus, 'publishEvent'>;
  maxTextBytes: number;
  maxBodyBytes: number;
  /** Caps on the other fields (CXPULSE_MAX_*); defaults where absent. */
  fieldLimits?: Partial<FieldLimits>;
  /** Most events in one request (CXPULSE_MAX_BATCH_EVENTS). */
  maxBatchEvents?: number;
  metrics: Metrics;
  /** Why the engine is not processing events right now (its pipeline stopped), or undefined: then ingest answers 503. */
  notReady?(): string | undefined;
}

/** Retry-After of the 503 a stopped pipeline gives: long enough for a supervisor to restart the engine. */
export const NOT_READY_RETRY_AFTER_S = 10;

const Accepted = Type.Object({
  accepted: Type.Integer({ description: 'events taken (all of them: a batch is all or nothing)' }),
  duplicates: Type.Integer({ description: 'of those, ids the bus had seen before (a resend)' }),
  ids: Type.Array(Type.String(), { description: 'the event ids, in the order sent' }),
});

const schema = {
  summary: 'Publish one event or an array of events',
  description: 'All or nothing: if any event is invalid none is published, and the answer names each invalid one by index (`error.events`). A resend is harmless: the id is the idempotency key.',
  tags: ['events'],
  security: BEARER,
  body: Type.Union([EventSchema, Type.Array(EventSchema, { minItems: 1, description: 'at most CXPULSE_MAX_BATCH_EVENTS' })]),
  response: {
    202: Accepted,
    ...errorResponses(
      'CX_ERR_INVALID_JSON', 'CX_ERR_NOT_AN_OBJECT', 'CX_ERR_MISSING_FIELD', 'CX_ERR_WRONG_TYPE', 'CX_ERR_UNKNOWN_CHANNEL', 'CX_ERR_INVALID_VALUE', 'CX_ERR_EMPTY_TEXT',
      'CX_ERR_INVALID_TIMESTAMP', 'CX_ERR_EMPTY_BATCH', 'CX_ERR_UNSUPPORTED_EVENT', 'CX_ERR_TEXT_TOO_LARGE', 'CX_ERR_BODY_TOO_LARGE', 'CX_ERR_UNSUPPORTED_MEDIA_TYPE', 'CX_ERR_BUS_UNAVAILABLE',
      'CX_ERR_FIELD_TOO_LARGE', 'CX_ERR_BATCH_TOO_LARGE', 'CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN', 'CX_ERR_RATE_LIMITED', 'CX_ERR_NOT_READY',
    ),
  },
} satisfies FastifySchema;

/**
 * `POST /v1/events`: one event or an array. All-or-nothing: if any event is invalid, none is
 * published and the answer lists every invalid one by index, so a client can fix and resend the
 * whole batch without guessing what was taken. Valid events go to `cx.events.<channel>` with
 * `Nats-Msg-Id` = event id, so a resend is harmless.
 */
export const eventsRoute: FastifyPluginAsync<EventsRouteOptions> = async (app, opts) => {
  // Events are JSON only: anything else is a 415, not a confusing validation error.
  app.removeAllContentTypeParsers();
  // Parse JSON ourselves to answer malformed bodies with our error code and the parser's reason.
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: opts.maxBodyBytes }, (_req, body, done) => {
    const deep = jsonTooDeep(body as string);
    if (deep >= 0) return done(new HttpEventError('CX_ERR_INVALID_JSON', `request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels (at character ${deep})`), undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      done(new HttpEventError('CX_ERR_INVALID_JSON', `request body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });

  // The body schema documents the contract; engine/event/validate.ts checks it (the same check as
  // on the NATS path), so its codes and messages reach the client, not a schema validator's.
  const maxBatch = opts.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS;
  app.post('/v1/events', { schema, config: routeAccess(INGEST_ACCESS), validatorCompiler: () => () => true }, async (req, reply) => {
    // Taking events no pipeline will process would answer 202 for work that is not happening.
    const down = opts.notReady?.();
    if (down !== undefined) {
      reply.header('retry-after', String(NOT_READY_RETRY_AFTER_S));
      throw new HttpEventError('CX_ERR_NOT_READY', `the engine is not processing events (${down}); nothing was accepted, retry later`);
    }
    const body: unknown = req.body;
    const list = Array.isArray(body) ? body : [body];
    if (list.length === 0) throw new HttpEventError('CX_ERR_EMPTY_BATCH', 'the array of events is empty');
    if (list.length > maxBatch) throw new HttpEventError('CX_ERR_BATCH_TOO_LARGE', `the request holds ${list.length} events; the limit is ${maxBatch} (CXPULSE_MAX_BATCH_EVENTS): split it`);
    const results: Validation[] = list.map((raw) => validateEvent(raw, { ...opts.fieldLimits, maxTextBytes: opts.maxTextBytes }));
    const errors = results.flatMap((r, index) => (r.ok ? [] : [{ index, ...r.error }]));
    if (errors.length > 0) {
      for (const e of errors) opts.metrics.eventsFailed.inc({ channel: channelOf(list[e.index]), error_type: e.code });
      const first = errors[0]!;
      const where = Array.isArray(body) ? `event ${first.index}: ` : '';
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more invalid events)` : '';
      throw new HttpEventError(first.code, `${where}${first.message}${more}`, first.field, Array.isArray(body) ? errors : undefined);
    }
    // All published at once, the acks awaited together: nats.js writes each publish to the one
    // connection when it is called, so the events reach the stream in the batch's order (a
    // customer's events stay in order); only the waits for the acks overlap. Every publish is
    // settled before answering, so a failure is never left unhandled.
    const settled = await Promise.allSettled(
      results.map((r, i) => (r.ok ? opts.bus.publishEvent(r.event.channel, Buffer.from(JSON.stringify(list[i])), r.event.id, r.event.customerId) : Promise.resolve({ duplicate: false }))),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      req.log.error({ err: failed.reason as Error, failed: settled.filter((s) => s.status === 'rejected').length, of: settled.length }, 'publishing accepted events failed');
      throw new HttpEventError('CX_ERR_BUS_UNAVAILABLE', 'the event bus did not confirm the events; resend them (ids make a resend safe)');
    }
    const duplicates = settled.filter((s) => s.status === 'fulfilled' && s.value.duplicate).length;
    return reply.code(202).send({ accepted: results.length, duplicates, ids: results.map((r) => (r.ok ? r.event.id : '')) });
  });
};

function channelOf(raw: unknown): string {
  const c = (raw as { channel?: unknown } | null)?.channel;
  return c === 'chat' || c === 'email' || c === 'call' ? c : 'unknown';
}

export type { EventError };
