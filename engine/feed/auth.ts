import { errors, jwtVerify } from 'jose';
import { FEED_ROLES, type FeedRole, type FeedViewer } from './protocol.ts';

/** A refusal before the WebSocket upgrade, answered as HTTP with the catalog's error body. */
export interface FeedRefusal {
  status: 401 | 403;
  code: 'CX_ERR_UNAUTHORIZED' | 'CX_ERR_FORBIDDEN';
  message: string;
}

export type FeedAuthResult = { ok: true; viewer: FeedViewer } | { ok: false; refusal: FeedRefusal };

/** Clock skew tolerated on `exp` between the token issuer and this engine. */
export const CLOCK_TOLERANCE_SEC = 5;

const unauthorized = (message: string): FeedAuthResult => ({ ok: false, refusal: { status: 401, code: 'CX_ERR_UNAUTHORIZED', message } });

/**
 * The token from `Authorization: Bearer <jwt>`, else from `?token=` (browsers cannot set headers
 * on a WebSocket). Undefined when neither is present.
 */
export function tokenFrom(headers: Record<string, string | string[] | undefined>, query: unknown): string | undefined {
  const h = headers.authorization;
  const header = Array.isArray(h) ? h[0] : h;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m?.[1] ?? '';
  }
  const q = (query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : undefined;
}

/**
 * Checks a feed token: JWT, HS256 only (so an `alg: none` or RS/HS confusion token is refused),
 * signed with `secret`, `exp` required and not passed, `role` one of FEED_ROLES, `sub` required
 * for agents (it is the agent id events are routed by). The ingest role publishes and may not read.
 */
export async function authenticateFeed(token: string | undefined, secret: Uint8Array): Promise<FeedAuthResult> {
  if (token === undefined) return unauthorized('the feed requires a token: header "Authorization: Bearer <jwt>" or ?token=<jwt>');
  if (token === '') return unauthorized('the Authorization header is not "Bearer <jwt>"');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['exp'], clockTolerance: CLOCK_TOLERANCE_SEC }));
  } catch (e) {
    return unauthorized(describeJoseError(e));
  }
  const role = payload.role;
  if (typeof role !== 'string' || !(FEED_ROLES as readonly string[]).includes(role)) {
    return unauthorized(`token claim 'role' must be one of ${FEED_ROLES.join(', ')}`);
  }
  const sub = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;
  switch (role as FeedRole) {
    case 'ingest':
      return { ok: false, refusal: { status: 403, code: 'CX_ERR_FORBIDDEN', message: "role 'ingest' may publish events but not read the feed" } };
    case 'agent':
      if (sub === undefined) return unauthorized("an agent token needs claim 'sub' (the agent id)");
      return { ok: true, viewer: { role: 'agent', sub } };
    case 'supervisor':
    case 'admin':
      return { ok: true, viewer: sub === undefined ? { role: role as 'supervisor' | 'admin' } : { role: role as 'supervisor' | 'admin', sub } };
  }
}

function describeJoseError(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'token expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `token claim '${e.claim}' is invalid: ${e.message}`;
  if (e instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not HS256';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'token signature does not verify';
  if (e instanceof errors.JOSEError) return `token is not a valid JWT (${e.code})`;
  return 'token is not a valid JWT';
}
