import type { FastifyPluginAsync } from 'fastify';
import type { EventBus } from '../bus/types.ts';
import { validateEvent, type Validation } from '../event/validate.ts';
import type { EventError } from '../event/errors.ts';
import type { Metrics } from '../observability/index.ts';
import { HttpEventError } from './errors.ts';

export interface EventsRouteOptions {
  bus: Pick<EventBus, 'publishEvent'>;
  maxTextBytes: number;
  maxBodyBytes: number;
  metrics: Metrics;
}

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
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      done(new HttpEventError('CX_ERR_INVALID_JSON', `request body is not valid JSON: ${(e as Error).message}`), undefined);
    }
  });

  app.post('/v1/events', async (req, reply) => {
    const body = req.body;
    const list = Array.isArray(body) ? body : [body];
    if (list.length === 0) throw new HttpEventError('CX_ERR_EMPTY_BATCH', 'the array of events is empty');
    const results: Validation[] = list.map((raw) => validateEvent(raw, { maxTextBytes: opts.maxTextBytes }));
    const errors = results.flatMap((r, index) => (r.ok ? [] : [{ index, ...r.error }]));
    if (errors.length > 0) {
      for (const e of errors) opts.metrics.eventsFailed.inc({ channel: channelOf(list[e.index]), error_type: e.code });
      const first = errors[0]!;
      const where = Array.isArray(body) ? `event ${first.index}: ` : '';
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more invalid events)` : '';
      throw new HttpEventError(first.code, `${where}${first.message}${more}`, first.field, Array.isArray(body) ? errors : undefined);
    }
    let duplicates = 0;
    try {
      for (const [i, r] of results.entries()) {
        if (!r.ok) continue;
        const data = Buffer.from(JSON.stringify(list[i]));
        const ack = await opts.bus.publishEvent(r.event.channel, data, r.event.id);
        if (ack.duplicate) duplicates++;
      }
    } catch (e) {
      req.log.error({ err: e }, 'publishing accepted events failed');
      throw new HttpEventError('CX_ERR_BUS_UNAVAILABLE', 'the event bus did not confirm the events; resend them (ids make a resend safe)');
    }
    return reply.code(202).send({ accepted: results.length, duplicates, ids: results.map((r) => (r.ok ? r.event.id : '')) });
  });
};

function channelOf(raw: unknown): string {
  const c = (raw as { channel?: unknown } | null)?.channel;
  return c === 'chat' || c === 'email' || c === 'call' ? c : 'unknown';
}

export type { EventError };
