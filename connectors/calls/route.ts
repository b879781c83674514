import type { FastifyPluginAsync } from 'fastify';
import { acceptRawBodies, answeringBusErrors, decodeJson, rawBody, sendError, type ConnectorPublisher } from '../shared/index.ts';
import type { CallsConfig } from './config.ts';
import { ingestCall } from './ingest.ts';
import { metaFromStrings } from './record.ts';

export const CALLS_PATH = '/v1/connectors/calls';

export interface CallsRouteOptions {
  publisher: ConnectorPublisher;
  config: CallsConfig;
  maxTextBytes: number;
}

/**
 * `POST /v1/connectors/calls`: one call per request, in either format. A bare Amazon Transcribe
 * output takes its metadata from the query string (`?callId=&customerId=&startedAt=&agentId=
 * &holdSec=&transfers=&speakers=spk_0:agent,spk_1:customer`). Answers 202
 * `{callId, accepted, duplicates, ids}`, or 4xx `{error}` (also dead-lettered) naming the turn.
 */
export const callsRoute: FastifyPluginAsync<CallsRouteOptions> = async (app, opts) => {
  acceptRawBodies(app);
  app.post(CALLS_PATH, async (req, reply) =>
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
