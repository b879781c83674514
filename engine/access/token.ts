import { errors, jwtVerify } from 'jose';
import { ROLES, type Principal } from './roles.ts';

/** A refusal of a token, answered as HTTP with the catalog's error body (before any upgrade). */
export interface TokenRefusal {
  status: 401 | 403;
  code: 'CX_ERR_UNAUTHORIZED' | 'CX_ERR_FORBIDDEN';
  message: string;
}

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; refusal: TokenRefusal };

/** Claims a token must carry besides exp and role, when configured (CXPULSE_JWT_ISSUER, CXPULSE_JWT_AUDIENCE). */
export interface TokenClaims {
  issuer?: string | undefined;
  audience?: string | undefined;
}

/** Clock skew tolerated on `exp` between the token issuer and this engine. */
export const CLOCK_TOLERANCE_SEC = 5;

const unauthorized = (message: string): { ok: false; refusal: TokenRefusal } => ({ ok: false, refusal: { status: 401, code: 'CX_ERR_UNAUTHORIZED', message } });

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
 * Checks a bearer token: JWT, HS256 only (so an `alg: none` or RS/HS confusion token is refused),
 * signed with `secret`, `exp` required and not passed, `role` one of ROLES, `sub` required for
 * agents (it is the agent id events are routed by). Which role may do what is the route's business.
 */
export async function verifyToken(token: string | undefined, secret: Uint8Array, claims: TokenClaims = {}): Promise<TokenCheck> {
  if (token === undefined) return unauthorized('this route requires a token: header "Authorization: Bearer <jwt>" or ?token=<jwt>');
  if (token === '') return unauthorized('the Authorization header is not "Bearer <jwt>"');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SEC,
      ...(claims.issuer === undefined ? {} : { issuer: claims.issuer }),
      ...(claims.audience === undefined ? {} : { audience: claims.audience }),
    }));
  } catch (e) {
    return unauthorized(describeJoseError(e));
  }
  const role = payload.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    return unauthorized(`token claim 'role' must be one of ${ROLES.join(', ')}`);
  }
  const sub = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : undefined;
  if (role === 'agent' && sub === undefined) return unauthorized("an agent token needs claim 'sub' (the agent id)");
  const principal: Principal = { role: role as Principal['role'] };
  if (sub !== undefined) principal.sub = sub;
  if (typeof payload.exp === 'number') principal.exp = payload.exp;
  return { ok: true, principal };
}

function describeJoseError(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'token expired';
  if (e instanceof errors.JWTClaimValidationFailed) return `token claim '${e.claim}' is invalid: ${e.message}`;
  if (e instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not HS256';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'token signature does not verify';
  if (e instanceof errors.JOSEError) return `token is not a valid JWT (${e.code})`;
  return 'token is not a valid JWT';
}
