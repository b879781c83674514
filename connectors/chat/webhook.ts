import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import {
  acceptRawBodies,
  answeringBusErrors,
  connectorError,
  decodeJson,
  isObject,
  mapInput,
  rawBody,
  sendError,
  type ConnectorError,
  type ConnectorEvent,
  type ConnectorPublisher,
  ConnectorErrorSchema,
  ErrorReplySchema,
  REFUSALS,
  connectorRouteSchema,
  INGEST_ACCESS,
  routeAccess,
} from '../shared/index.ts';
import { fromChatwoot } from './chatwoot.ts';
import type { ChatConfig } from './config.ts';
import { fromGeneric } from './generic.ts';
import { verifyWebhook } from './signature.ts';

export const CHAT_WEBHOOK_PATH = '/v1/connectors/chat/webhook';

export interface ChatRouteOptions {
  publisher: ConnectorPublisher;
  config: ChatConfig;
}

export type WebhookMapping =
  | { kind: 'event'; event: ConnectorEvent }
  | { kind: 'ignored'; reason: string }
  | { kind: 'unusable'; error: ConnectorError }
  | { kind: 'invalid'; error: ConnectorError };

/** A body with a string `event` is a Chatwoot delivery; anything else is read as our generic shape. */
export function mapChatWebhook(body: unknown): WebhookMapping {
  if (!isObject(body)) return { kind: 'invalid', error: connectorError('CX_ERR_NOT_AN_OBJECT', 'a chat webhook body must be a JSON object') };
  const r = mapInput(() => (typeof body.event === 'string' ? fromChatwoot(body) : ({ kind: 'event', event: fromGeneric(body) } as const)));
  return r.ok ? r.value : { kind: 'invalid', error: r.error };
}

const WEBHOOK_SCHEMA = connectorRouteSchema({
  summary: 'Chat message webhook (generic shape or Chatwoot)',
  description:
    'Body (application/json, read as raw bytes for the signature): a Chatwoot webhook delivery (has a string `event`), or our generic shape ' +
    '`{ source?, messageId, conversationId, customerId, author: customer|agent|bot|system, text, ts, agentId?, lang?, meta? }`. ' +
    'With a secret configured, signed by `X-Cxpulse-Signature: sha256=<hex HMAC of the body>` or `X-Chatwoot-Signature` + `X-Chatwoot-Timestamp`.',
  consumes: ['application/json'],
  response: {
    200: Type.Object({ status: Type.Literal('ignored'), reason: Type.String() }, { description: 'a delivery that carries no customer-visible message' }),
    202: Type.Object(
      {
        status: Type.Union([Type.Literal('published'), Type.Literal('duplicate'), Type.Literal('dead_lettered')]),
        id: Type.Optional(Type.String({ description: 'the event id (published, duplicate)' })),
        error: Type.Optional(ConnectorErrorSchema),
      },
      { description: 'published; or a customer message without text, dead-lettered (the sender did nothing wrong)' },
    ),
    ...REFUSALS,
    401: { ...ErrorReplySchema, description: 'signature missing, stale or wrong (counted, never dead-lettered); without a webhook secret and with CXPULSE_JWT_SECRET set: no valid bearer token' },
  },
});

/**
 * `POST /v1/connectors/chat/webhook`. Answers: 202 `{status: published|duplicate, id}`;
 * 200 `{status: ignored, reason}` for deliveries that carry no customer-visible message;
 * 202 `{status: dead_lettered, error}` for a well-formed customer message without text (the
 * sender did nothing wrong, so no 4xx that it would retry); 4xx `{error}` for a bad request,
 * which is also dead-lettered, except a bad signature (401, counted, never stored: an
 * unauthenticated sender must not be able to fill the DLQ).
 */
export const chatWebhookRoute: FastifyPluginAsync<ChatRouteOptions> = async (app, { publisher, config }) => {
  acceptRawBodies(app);
  // With a webhook secret the HMAC signature authenticates the sender (Chatwoot cannot send a
  // bearer token); without one, the engine's token check applies (ingest or admin).
  const signed = config.webhookSecret !== undefined || config.chatwootSecret !== undefined;
  app.post(CHAT_WEBHOOK_PATH, { schema: WEBHOOK_SCHEMA, config: routeAccess(signed ? 'own' : INGEST_ACCESS) }, async (req, reply) => {
    const body = rawBody(req.body);
    const signature = verifyWebhook(req.headers, body, config);
    if (!signature.ok) {
      publisher.count?.('unauthorized');
      req.log.warn({ code: signature.error.code, field: signature.error.field }, `chat webhook refused: ${signature.error.message}`);
      return sendError(reply, signature.error);
    }
    return answeringBusErrors(reply, async () => {
      const decoded = decodeJson(body, 'webhook body');
      if (!decoded.ok) {
        await publisher.reject(decoded.error, decoded.text);
        return sendError(reply, decoded.error);
      }
      const mapped = mapChatWebhook(decoded.value);
      switch (mapped.kind) {
        case 'invalid':
          await publisher.reject(mapped.error, decoded.text);
          return sendError(reply, mapped.error);
        case 'ignored':
          publisher.count?.('ignored');
          return reply.code(200).send({ status: 'ignored', reason: mapped.reason });
        case 'unusable':
          await publisher.reject(mapped.error, decoded.text);
          return reply.code(202).send({ status: 'dead_lettered', error: mapped.error });
        case 'event': {
          const outcome = await publisher.publish(mapped.event, { payload: decoded.text });
          if (outcome.status === 'rejected') return sendError(reply, outcome.error);
          return reply.code(202).send({ status: outcome.status, id: mapped.event.id });
        }
      }
    });
  });
};
