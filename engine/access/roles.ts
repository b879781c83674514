/**
 * Who may use which route when CXPULSE_JWT_SECRET is set (README, "Roles"). A route declares its
 * access as data in its fastify route options, `config: { access }`; the engine's app checks the
 * bearer token before anything else of the request is read (engine/http/access.ts). Connectors
 * declare theirs the same way, so every route on the engine's port carries one.
 */

/** The roles a token may carry (claim `role`). */
export const ROLES = ['agent', 'supervisor', 'ingest', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * - a list of roles: a bearer JWT with one of them;
 * - `public`: no token (liveness, readiness, metrics, the pages' HTML and the API document);
 * - `own`: the route authenticates the sender itself by a scheme of its own (a webhook's HMAC
 *   signature, a widget token), which stands instead of a JWT.
 */
export type RouteAccess = readonly Role[] | 'public' | 'own';

/** Publishing events: `POST /v1/events` and the connector routes without a scheme of their own. */
export const INGEST_ACCESS: RouteAccess = ['ingest', 'admin'];
/** Model management. */
export const ADMIN_ACCESS: RouteAccess = ['admin'];
/** Reports: aggregated, but with conversation and customer ids across all agents. */
export const SUPERVISOR_ACCESS: RouteAccess = ['supervisor', 'admin'];
/** The live feed: agents see their own conversations, supervisors and admins all of them. */
export const FEED_ACCESS: RouteAccess = ['agent', 'supervisor', 'admin'];

/** Routes that take events in: counted by the ingest rate limit. */
export function isIngestAccess(access: RouteAccess): boolean {
  return access === 'own' || (Array.isArray(access) && access.includes('ingest'));
}

/** The route option that carries a route's access: `{ config: routeAccess(INGEST_ACCESS) }`. */
export function routeAccess(access: RouteAccess): { access: RouteAccess } {
  return { access };
}

/** A verified token: its role and, when it has one, its subject (an agent's id). */
export interface Principal {
  role: Role;
  sub?: string;
  /** The token's expiry, epoch seconds: a feed socket is closed then. */
  exp?: number;
}
