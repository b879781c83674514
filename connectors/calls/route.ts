import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { acceptRawBodies, answeringBusErrors, connectorRouteSchema, decodeJson, INGEST_ACCESS, rawBody, REFUSALS, routeAccess, sendError, type ConnectorPublisher } from '../shared/index.ts';
import type { CallsConfig } from './config.ts';
import { ingestCall } from './ingest.ts';
import { metaFromStrings } from './record.ts';

export const CALLS_PATH = '/v1/connectors/calls';

export interface CallsRouteOptions {
  publisher: ConnectorPublisher;
  config: CallsConfig;
  maxTextBytes: number;
}

const CALLS_SCHEMA = connectorRouteSchema({
  summary: 'One call transcript',
  description:
    'Body (application/json): our shape `{ callId, customerId, startedAt, agentId?, turns: [{ speaker: customer|agent, text, startSec, endSec }] }`, ' +
    'an envelope `{ call: {...metadata}, transcribe: {...} }`, or a bare Amazon Transcribe output with its metadata in the query string. ' +
    'All or nothing: a bad turn refuses the whole call.',
  consumes: ['application/json'],
  querystring: Type.Object(
    Object.fromEntries(
      ['callId', 'customerId', 'startedAt', 'agentId', 'lang', 'durationSec', 'holdSec', 'transfers', 'speakers'].map((k) => [k, Type.Optional(Type.String())]),
    ),
    { description: 'metadata for a bare Transcribe output; speakers as spk_0:agent,spk_1:customer' },
  ),
  response: {
    202: Type.Object({
      callId: Type.String(),
      accepted: Type.Integer({ description: 'turns published (duplicates included)' }),
      duplicates: Type.Integer({ description: 'turns the bus already had' }),
      ids: Type.Array(Type.String()),
    }),
    ...REFUSALS,
  },
});

/**
 * `POST /v1/connectors/calls`: one call per request, in either format. A bare Amazon Transcribe
 * output takes its metadata from the query string (`?callId=&customerId=&startedAt=&agentId=
 * &holdSec=&transfers=&speakers=spk_0:agent,spk_1:customer`). Answers 202
 * `{callId, accepted, duplicates, ids}`, or 4xx `{error}` (also dead-lettered) naming the turn.
 */
export const callsRoute: FastifyPluginAsync<CallsRouteOptions> = async (app, opts) => {
  acceptRawBodies(app);
  app.post(CALLS_PATH, { schema: CALLS_SCHEMA, config: routeAccess(INGEST_ACCESS) }, async (req, reply) =>
    answeringBusErrors(reply, async () => {
      const decoded = decodeJson(rawBody(req.body), 'call body');
      if (!decoded.ok) {
        await opts.publisher.reject(decoded.error, decoded.text);
        return sendError(reply, decoded.error);
      }
      const query = metaFromStrings((req.query ?? {}) as Record<string, unknown>);
      const r = await ingestCall(decoded.value, decoded.text, query, opts);
      if (!r.ok) return sendError(reply, r.error);
      return reply.code(202).send({ callId: r.callId, accepted: r.ids.length, duplicates: r.duplicates, ids: r.ids });
    }),
  );
};
