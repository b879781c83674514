import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { validateBusinessEvent } from '../../engine/event/index.ts';
import {
  acceptRawBodies,
  answeringBusErrors,
  connectorError,
  decodeJson,
  isObject,
  mapInput,
  rawBody,
  statusOf,
  type ConnectorError,
  type ConnectorPublisher,
  type CrmEvent,
  ConnectorErrorSchema,
  REFUSALS,
  connectorRouteSchema,
  INGEST_ACCESS,
  routeAccess,
} from '../shared/index.ts';
import { toCrmEvent } from './event.ts';
import { readCrmCsv } from './rows.ts';

export const CRM_PATH = '/v1/connectors/crm';

export interface CrmRouteOptions {
  publisher: ConnectorPublisher;
  /** Most events (JSON array items or CSV rows) in one request (CXPULSE_MAX_BATCH_EVENTS). */
  maxBatchEvents: number;
}

type Item = { payload: string } & ({ ok: true; event: CrmEvent } | { ok: false; error: ConnectorError });

function fromJson(value: unknown): Item[] | ConnectorError {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return connectorError('CX_ERR_EMPTY_BATCH', 'the array of CRM events is empty');
  return list.map((v): Item => {
    const payload = JSON.stringify(v);
    if (!isObject(v)) return { payload, ok: false, error: connectorError('CX_ERR_NOT_AN_OBJECT', 'a CRM event must be a JSON object') };
    const m = mapInput(() => toCrmEvent(v));
    if (!m.ok) return { payload, ok: false, error: m.error };
    // The engine's own check (engine/event/validate.ts): refused here is what it would dead-letter.
    const c = validateBusinessEvent(m.value);
    return c.ok ? { payload, ok: true, event: m.value } : { payload, ok: false, error: c.error };
  });
}

type Read = { ok: true; items: Item[]; batch: boolean } | { ok: false; error: ConnectorError; payload: string };

function fromJsonBody(body: Buffer): Read {
  const decoded = decodeJson(body, 'CRM body');
  if (!decoded.ok) return { ok: false, error: decoded.error, payload: decoded.text };
  const items = fromJson(decoded.value);
  if (!Array.isArray(items)) return { ok: false, error: items, payload: decoded.text };
  return { ok: true, items, batch: Array.isArray(decoded.value) };
}

function fromCsvBody(body: Buffer): Read {
  const rows = readCrmCsv(body, 'CSV body');
  if (!rows.ok) return { ok: false, error: rows.error, payload: body.toString('utf8') };
  return { ok: true, items: rows.value.map((r) => ({ ...r, payload: r.raw })), batch: true };
}

function refuse(reply: FastifyReply, errors: (ConnectorError & { index: number })[], batch: boolean): FastifyReply {
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more invalid events)` : '';
  const error: Record<string, unknown> = { code: first.code, message: `${batch ? `event ${first.index}: ` : ''}${first.message}${more}` };
  if (first.field) error.field = first.field;
  if (batch) error.events = errors;
  return reply.code(statusOf(first.code)).send({ error });
}

const CRM_SCHEMA = connectorRouteSchema({
  summary: 'Business (CRM) events for the churn model',
  description:
    'Body: one event or an array (application/json), or a CSV export with a header row (text/csv, `,` or `;`). An event is ' +
    '`{ id, type: payment_late|order_placed|usage_drop|plan_change|cancellation, customerId, ts, meta?, ...the type\'s fields }` (connectors/README.md). ' +
    'All or nothing: any invalid event and nothing is published. At most CXPULSE_MAX_BATCH_EVENTS events per request (413 CX_ERR_BATCH_TOO_LARGE, dead-lettered once).',
  consumes: ['application/json', 'text/csv'],
  response: {
    202: Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer(), ids: Type.Array(Type.String({ description: 'crm:<type>:<id>' })) }),
    ...REFUSALS,
    400: Type.Object(
      {
        error: Type.Object(
          {
            ...ConnectorErrorSchema.properties,
            events: Type.Optional(Type.Array(Type.Object({ index: Type.Integer(), ...ConnectorErrorSchema.properties }), { description: 'each invalid event of a batch, by index' })),
          },
          { additionalProperties: true },
        ),
      },
      { description: 'refused (each invalid event dead-lettered): the first by field, and for a batch every one by index' },
    ),
  },
});

/**
 * `POST /v1/connectors/crm`: one business event, an array (JSON), or a CSV body (`text/csv`).
 * All or nothing, like `/v1/events`: any invalid event and nothing is published; the answer lists
 * each one by index with its field, and each is dead-lettered. 202 `{accepted, duplicates, ids}`.
 */
export const crmRoute: FastifyPluginAsync<CrmRouteOptions> = async (app, { publisher, maxBatchEvents }) => {
  acceptRawBodies(app, ['application/json', 'text/csv']);
  app.post(CRM_PATH, { schema: CRM_SCHEMA, config: routeAccess(INGEST_ACCESS) }, async (req, reply) =>
    answeringBusErrors(reply, async () => {
      const body = rawBody(req.body);
      const isCsv = String(req.headers['content-type'] ?? '').startsWith('text/csv');
      const read = isCsv ? fromCsvBody(body) : fromJsonBody(body);
      if (!read.ok) {
        await publisher.reject(read.error, read.payload);
        return refuse(reply, [{ ...read.error, index: 0 }], false);
      }
      const { items, batch } = read;
      if (items.length > maxBatchEvents) {
        // One DLQ entry for the whole request, not one per row: the request is what was refused.
        const error = connectorError('CX_ERR_BATCH_TOO_LARGE', `the request holds ${items.length} events; the limit is ${maxBatchEvents} (CXPULSE_MAX_BATCH_EVENTS): split it`);
        await publisher.reject(error, body.toString('utf8'));
        return refuse(reply, [{ ...error, index: 0 }], false);
      }
      const errors = items.flatMap((it, index) => (it.ok ? [] : [{ index, ...it.error }]));
      if (errors.length > 0) {
        for (const it of items) if (!it.ok) await publisher.reject(it.error, it.payload);
        return refuse(reply, errors, batch);
      }
      let duplicates = 0;
      const ids: string[] = [];
      for (const it of items) {
        if (!it.ok) continue;
        const outcome = await publisher.publish(it.event, { payload: it.payload });
        if (outcome.status === 'duplicate') duplicates++;
        ids.push(it.event.id);
      }
      return reply.code(202).send({ accepted: ids.length, duplicates, ids });
    }),
  );
};
