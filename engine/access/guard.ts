import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import type { Principal, RouteAccess } from './roles.ts';
import { tokenFrom, verifyToken, type TokenClaims } from './token.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may use the route when CXPULSE_JWT_SECRET is set (engine/access/roles.ts). */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The verified token of the request; null on public and `own` routes and when no secret is set. */
    principal: Principal | null;
  }
}

/** Thrown at start for a route that says nothing about who may use it, so none is served by accident. */
export class RouteWithoutAccessError extends Error {
  override name = 'RouteWithoutAccessError';
}

/** What a route answers about its access (the OpenAPI document, the tests' route table). */
export function accessOf(route: Pick<RouteOptions, 'url' | 'config'>, publicPrefixes: readonly string[] = []): RouteAccess | undefined {
  const declared = (route.config as { access?: RouteAccess } | undefined)?.access;
  if (declared !== undefined) return declared;
  // Routes a plugin adds (Swagger UI's pages and document) cannot carry a declaration: public by prefix.
  if (publicPrefixes.some((p) => route.url === p || route.url.startsWith(`${p}/`))) return 'public';
  return undefined;
}

const roleList = (roles: readonly string[]): string => (roles.length < 2 ? roles.join('') : `${roles.slice(0, -1).join(', ')} or ${roles.at(-1)}`);

function refuse(reply: FastifyReply, status: 401 | 403, code: 'CX_ERR_UNAUTHORIZED' | 'CX_ERR_FORBIDDEN', message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } });
}

/**
 * Puts every route behind its declared access. Must be called on the app before any route is
 * registered: fastify runs onRoute hooks for routes added after the hook, in child plugins too.
 * With a secret, a route's bearer token is checked in its first onRequest hook, before the body
 * is read, so an unauthenticated client costs no parsing. A route without a declaration stops the
 * start (fail closed); without a secret every route is open, and the engine then refuses to
 * listen beyond loopback unless told to (engine/runtime/http.ts).
 */
export function guardRoutes(app: FastifyInstance, opts: { jwtSecret: string | undefined; claims?: TokenClaims; publicPrefixes?: readonly string[] }): void {
  const secret = opts.jwtSecret === undefined ? undefined : new TextEncoder().encode(opts.jwtSecret);
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    const access = accessOf(route, opts.publicPrefixes);
    if (access === undefined) {
      throw new RouteWithoutAccessError(`route ${String(route.method)} ${route.url} declares no access (config.access: roles, 'public' or 'own'; engine/access/roles.ts)`);
    }
    if (!secret || access === 'public' || access === 'own') return;
    const where = `${Array.isArray(route.method) ? route.method.join('|') : route.method} ${route.url}`;
    const check: onRequestHookHandler = async (req: FastifyRequest, reply: FastifyReply) => {
      const r = await verifyToken(tokenFrom(req.headers, req.query), secret, opts.claims);
      if (!r.ok) {
        req.log.info({ route: where, reason: r.refusal.message }, 'request refused: no valid token');
        return refuse(reply, 401, 'CX_ERR_UNAUTHORIZED', r.refusal.message);
      }
      if (!access.includes(r.principal.role)) {
        return refuse(reply, 403, 'CX_ERR_FORBIDDEN', `role '${r.principal.role}' may not use ${where}; it needs ${roleList(access)}`);
      }
      req.principal = r.principal;
    };
    route.onRequest = [check, ...[route.onRequest ?? []].flat()];
  });
}
