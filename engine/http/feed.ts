import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Logger } from '../observability/index.ts';
import type { WebSocket } from 'ws';
import { CLOCK_TOLERANCE_SEC, connectionCap, FEED_ACCESS, routeAccess } from '../access/index.ts';
import { FEED_CLOSE, FEED_PROTOCOL_VERSION, feedViewerOf, type FeedHub, type FeedViewer } from '../feed/index.ts';
import { DEFAULT_FEED_MAX_CLIENTS } from '../config/index.ts';
import { BEARER, errorResponses, TokenQuery } from './schemas.ts';
import { typeBoxRoutes } from './validation.ts';

export interface FeedRouteOptions {
  log: Logger;
  feed: FeedHub;
  /** Whether CXPULSE_JWT_SECRET is set: the app's guard then checks the token (engine/access/). */
  authenticated: boolean;
  /** Feed sockets open at once; more are refused with 503 before the upgrade. */
  maxClients?: number;
  backend(): string | undefined;
}

const schema = {
  summary: 'The live feed (WebSocket)',
  description:
    `A WebSocket, protocol version ${FEED_PROTOCOL_VERSION}: \`hello\`, a \`snapshot\`, then \`score\`, \`cue\` and \`alert\` messages (README, "The live feed"). ` +
    'A refused client never gets a socket: the upgrade is answered with 401 or 403 and the error body.',
  tags: ['feed'],
  security: BEARER,
  querystring: Type.Object({ token: Type.Optional(TokenQuery) }),
  response: {
    101: { description: 'switching to the WebSocket protocol', type: 'null' },
    ...errorResponses('CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN', 'CX_ERR_TOO_MANY_CONNECTIONS'),
  },
};

/**
 * GET /v1/feed. The app's guard checks the token in onRequest, which @fastify/websocket runs
 * before the upgrade, so a refused client gets a plain HTTP 401/403 with the catalog's error body
 * instead of a socket that opens and closes; so does a client over the connection cap (503).
 */
export async function feedRoute(scope: FastifyInstance, deps: FeedRouteOptions): Promise<void> {
  const app = typeBoxRoutes(scope);
  const maxClients = deps.maxClients ?? DEFAULT_FEED_MAX_CLIENTS;
  const cap = connectionCap(maxClients);
  if (!deps.authenticated) deps.log.warn('CXPULSE_JWT_SECRET is unset: the WebSocket feed /v1/feed is unauthenticated and shows every conversation to anyone who can reach this port');
  app.get(
    '/v1/feed',
    {
      websocket: true,
      schema,
      config: routeAccess(FEED_ACCESS),
      preValidation: async (req, reply) => {
        if (cap.admit(req, req.raw.socket)) return;
        req.log.warn({ open: cap.open, maxClients }, 'feed connection refused: connection cap reached');
        return reply.code(503).header('retry-after', '5').send({ error: { code: 'CX_ERR_TOO_MANY_CONNECTIONS', message: `the feed has ${cap.open} clients, the cap (CXPULSE_FEED_MAX_CLIENTS); retry later` } });
      },
    },
    (socket, req) => {
      const viewer = viewerOf(req.principal, deps.authenticated);
      // Unreachable while the guard refuses first; kept so a routing change cannot open the feed.
      cap.bind(req, socket);
      if (!viewer) return socket.close(FEED_CLOSE.UNAUTHORIZED, 'not authenticated');
      deps.feed.add(socket, viewer, { authenticated: deps.authenticated, tfBackend: deps.backend() ?? 'none' });
      const exp = req.principal?.exp;
      if (exp !== undefined) closeAtExpiry(socket, exp);
    },
  );
}

/** Longest timer Node keeps (about 24.8 days); a token valid longer is re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A token is checked once, at the upgrade; the socket it opened is closed when the token expires
 * (with the tolerance the check allows), code 4401, so a leaked or revoked-by-expiry token does
 * not read forever. The pages then see the expired token and say so instead of reconnecting.
 */
function closeAtExpiry(socket: WebSocket, expSec: number): void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = expSec * 1000 + CLOCK_TOLERANCE_SEC * 1000 - Date.now();
    if (left <= 0) return socket.close(FEED_CLOSE.UNAUTHORIZED, 'token expired');
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  socket.once('close', () => clearTimeout(timer));
}

function viewerOf(principal: FastifyRequest['principal'], authenticated: boolean): FeedViewer | undefined {
  if (!authenticated) return { role: 'open' };
  if (!principal) return undefined;
  const r = feedViewerOf(principal);
  return r.ok ? r.viewer : undefined;
}
