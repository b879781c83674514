import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Logger } from '../observability/index.ts';
import { authenticateFeed, FEED_CLOSE, FEED_PROTOCOL_VERSION, tokenFrom, type FeedHub, type FeedViewer } from '../feed/index.ts';
import { BEARER, errorResponses, TokenQuery } from './schemas.ts';
import { typeBoxRoutes } from './validation.ts';

export interface FeedRouteOptions {
  log: Logger;
  feed: FeedHub;
  /** HS256 secret for feed tokens (CXPULSE_JWT_SECRET); undefined leaves the feed open. */
  jwtSecret: string | undefined;
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
    ...errorResponses('CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN'),
  },
};

/**
 * GET /v1/feed. The token is checked in preValidation, which @fastify/websocket runs before the
 * upgrade, so a refused client gets a plain HTTP 401/403 with the catalog's error body instead of
 * a socket that opens and closes.
 */
export async function feedRoute(scope: FastifyInstance, deps: FeedRouteOptions): Promise<void> {
  const app = typeBoxRoutes(scope);
  const secret = deps.jwtSecret === undefined ? undefined : new TextEncoder().encode(deps.jwtSecret);
  if (!secret) deps.log.warn('CXPULSE_JWT_SECRET is unset: the WebSocket feed /v1/feed is unauthenticated and shows every conversation to anyone who can reach this port');
  const viewers = new WeakMap<object, FeedViewer>();
  app.get(
    '/v1/feed',
    {
      websocket: true,
      schema,
      preValidation: async (req, reply) => {
        if (!secret) return;
        const r = await authenticateFeed(tokenFrom(req.headers, req.query), secret);
        if (!r.ok) {
          req.log.info({ status: r.refusal.status, reason: r.refusal.message }, 'feed connection refused');
          return reply.code(r.refusal.status).send({ error: { code: r.refusal.code, message: r.refusal.message } });
        }
        viewers.set(req, r.viewer);
      },
    },
    (socket, req) => {
      const viewer: FeedViewer | undefined = secret ? viewers.get(req) : { role: 'open' };
      // Unreachable while preValidation refuses first; kept so a routing change cannot open the feed.
      if (!viewer) return socket.close(FEED_CLOSE.UNAUTHORIZED, 'not authenticated');
      deps.feed.add(socket, viewer, { authenticated: secret !== undefined, tfBackend: deps.backend() ?? 'none' });
    },
  );
}
