import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import {
  BusUnavailableError,
  connectorError,
  decodeJson,
  isObject,
  mapInput,
  sendError,
  type ConnectorError,
  type ConnectorPublisher,
  ErrorReplySchema,
  REFUSALS,
  connectorRouteSchema,
  INGEST_ACCESS,
  routeAccess,
  connectionCap,
} from '../shared/index.ts';
import { DEFAULT_CHAT_WS_MAX_CONNECTIONS, DEFAULT_CHAT_WS_MAX_PENDING } from './config.ts';
import { fromGeneric, genericEventId } from './generic.ts';
import { tokenMatches } from './signature.ts';
import type { ChatRouteOptions } from './webhook.ts';

export const CHAT_WS_PATH = '/v1/connectors/chat/ws';

/** Frames the server sends back: one per received frame, in order. */
export type ChatWsReply =
  | { type: 'ack'; id: string; status: 'published' | 'duplicate' }
  | { type: 'error'; id?: string; error: ConnectorError | { code: 'CX_ERR_INTERNAL'; message: string } };

function frameBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function presentedToken(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const q = (req.query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : undefined;
}

/** Handles one frame end to end and returns the reply frame; never throws for bad input or an absent bus. */
export async function handleChatFrame(data: RawData, publisher: ConnectorPublisher): Promise<ChatWsReply> {
  const decoded = decodeJson(frameBytes(data), 'frame');
  const value = decoded.ok ? decoded.value : undefined;
  // The id, when the frame names one, goes on error frames too, so the widget knows which turn failed.
  const id = isObject(value) ? genericEventId(value) : undefined;
  const failed = (error: ConnectorError): ChatWsReply => (id === undefined ? { type: 'error', error } : { type: 'error', id, error });
  const refuse = async (error: ConnectorError) => {
    await publisher.reject(error, decoded.text);
    return failed(error);
  };
  try {
    if (!decoded.ok) return await refuse(decoded.error);
    if (!isObject(value)) return await refuse(connectorError('CX_ERR_NOT_AN_OBJECT', 'a chat frame must be a JSON object (one turn per frame)'));
    const mapped = mapInput(() => fromGeneric(value));
    if (!mapped.ok) return await refuse(mapped.error);
    const outcome = await publisher.publish(mapped.value, { payload: decoded.text });
    if (outcome.status === 'rejected') return failed(outcome.error);
    return { type: 'ack', id: mapped.value.id, status: outcome.status };
  } catch (e) {
    if (!(e instanceof BusUnavailableError)) throw e;
    return failed(connectorError('CX_ERR_BUS_UNAVAILABLE', 'the event bus did not confirm this turn; resend it (ids make a resend safe)'));
  }
}

const WS_SCHEMA = connectorRouteSchema({
  summary: 'Chat widget WebSocket',
  description:
    'WebSocket: one JSON object per frame in the generic chat shape (see the webhook); each frame is answered in order with ' +
    '`{type: ack, id, status}` or `{type: error, id?, error}`. With CXPULSE_CHAT_WS_TOKEN set, the handshake presents it (`?token=` or `Authorization: Bearer`); ' +
    'without it and with CXPULSE_JWT_SECRET set, a bearer JWT with role ingest or admin. A socket with CXPULSE_CHAT_WS_MAX_PENDING frames waiting is not read until they are handled.',
  querystring: Type.Object({ token: Type.Optional(Type.String()) }),
  response: {
    101: { description: 'switching to the WebSocket protocol', type: 'null' },
    401: { ...ErrorReplySchema, description: 'the configured token was not presented' },
    403: REFUSALS[403],
    429: REFUSALS[429],
    500: REFUSALS[500],
    503: { ...ErrorReplySchema, description: 'CX_ERR_TOO_MANY_CONNECTIONS: CXPULSE_CHAT_WS_MAX_CONNECTIONS sockets are open; retry later' },
  },
});

/** Replies a client has not read yet, past which its socket is not read either. */
const REPLY_BUFFER_BYTES = 1 << 20;

/**
 * Frames of one socket are handled one at a time, in order. Backpressure instead of an unbounded
 * chain of promises: at `maxPending` waiting frames, or with a megabyte of replies the client has
 * not read, the socket is paused (ws stops reading it, so TCP pushes back on the sender) and
 * resumed when half the frames are handled and the replies drained.
 */
function serveFrames(socket: WebSocket, maxPending: number, handle: (data: RawData) => Promise<ChatWsReply>): void {
  const waiting: RawData[] = [];
  let busy = false;
  let paused = false;
  const mayResume = () => {
    if (paused && waiting.length <= maxPending / 2 && socket.bufferedAmount < REPLY_BUFFER_BYTES && socket.readyState === socket.OPEN) {
      paused = false;
      socket.resume();
    }
  };
  const send = (m: ChatWsReply) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m), mayResume);
  };
  const drain = async () => {
    if (busy) return;
    busy = true;
    for (let data = waiting.shift(); data !== undefined; data = waiting.shift()) {
      send(await handle(data));
      mayResume();
    }
    busy = false;
  };
  socket.on('message', (data) => {
    waiting.push(data);
    if (!paused && (waiting.length >= maxPending || socket.bufferedAmount >= REPLY_BUFFER_BYTES)) {
      paused = true;
      socket.pause();
    }
    void drain();
  });
}

/**
 * `GET /v1/connectors/chat/ws`: a chat widget streams turns in our generic shape, one JSON object
 * per frame. Frames are handled in arrival order, each answered with an ack or an error frame; a
 * bad frame never closes the socket. With `wsToken` configured, the handshake must present it.
 */
export const chatWsRoute: FastifyPluginAsync<ChatRouteOptions> = async (app, { publisher, config }) => {
  const maxConnections = config.wsMaxConnections ?? DEFAULT_CHAT_WS_MAX_CONNECTIONS;
  const maxPending = config.wsMaxPending ?? DEFAULT_CHAT_WS_MAX_PENDING;
  const cap = connectionCap(maxConnections);
  app.get(
    CHAT_WS_PATH,
    {
      websocket: true,
      schema: WS_SCHEMA,
      // The widget token, when set, authenticates the socket; else the engine's token check applies.
      config: routeAccess(config.wsToken !== undefined ? 'own' : INGEST_ACCESS),
      // Refuse before the upgrade, so an unauthorised client gets a plain 401 and no socket.
      preValidation: async (req, reply) => {
        if (config.wsToken !== undefined && !tokenMatches(presentedToken(req), config.wsToken)) {
          publisher.count?.('unauthorized');
          return sendError(reply, connectorError('CX_ERR_UNAUTHORIZED', 'this WebSocket requires the configured token (?token= or Authorization: Bearer)'));
        }
        if (!cap.admit(req, req.raw.socket)) {
          req.log.warn({ open: cap.open, maxConnections }, 'chat WebSocket refused: connection cap reached');
          return sendError(reply.header('retry-after', '5'), connectorError('CX_ERR_TOO_MANY_CONNECTIONS', `${cap.open} chat WebSockets are open, the cap (CXPULSE_CHAT_WS_MAX_CONNECTIONS); retry later`));
        }
      },
    },
    (socket: WebSocket, req) => {
      cap.bind(req, socket);
      serveFrames(socket, maxPending, (data) =>
        handleChatFrame(data, publisher).catch((e: unknown): ChatWsReply => {
          req.log.error({ err: e }, 'chat frame failed');
          return { type: 'error', error: { code: 'CX_ERR_INTERNAL', message: 'internal error while handling this turn; see the log' } };
        }),
      );
      socket.on('error', (err) => req.log.warn({ err }, 'chat WebSocket error'));
    },
  );
};
