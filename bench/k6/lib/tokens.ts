/**
 * Tokens for a secured engine (CXPULSE_JWT_SECRET set; README "Roles"): POST /v1/events takes
 * role ingest or admin, GET /v1/feed agent (its own conversations, by the token's `sub`),
 * supervisor or admin (everything). Runtime-neutral (see plan.ts): the runtime hands in its
 * base64url and HMAC-SHA256.
 *
 * Settings (k6: `-e NAME=...`; the twin: environment or flags):
 * - CXPULSE_INGEST_TOKEN: for the ingest (role ingest or admin);
 * - CXPULSE_FEED_TOKEN: for the wallboards (role supervisor or admin);
 * - CXPULSE_TOKEN: either of the two when it is not given (an admin token does both);
 * - CXPULSE_AGENT_TOKENS: comma-separated agent tokens, one per agent subscriber; each token's
 *   `sub` is that agent's id, which the run's events carry as `agentId`;
 * - CXPULSE_JWT_SECRET: sign whatever of the above is missing, short-lived (a test engine's secret;
 *   on a shared engine prefer handing out tokens).
 * None of them: the engine runs without CXPULSE_JWT_SECRET (open feed).
 */
import type { Plan } from './plan.ts';

export interface Encoders {
  /** base64url without padding of a UTF-8 string. */
  b64url(text: string): string;
  /** base64url without padding of HMAC-SHA256(secret, data). */
  hmacSha256B64url(secret: string, data: string): string;
  /** A base64url (no padding) segment decoded to a UTF-8 string. */
  fromB64url(segment: string): string;
}

/** An HS256 JWT, as the engine checks it (engine/access/token.ts). */
export function signJwt(claims: Record<string, unknown>, secret: string, enc: Encoders): string {
  const head = enc.b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = enc.b64url(JSON.stringify(claims));
  return `${head}.${body}.${enc.hmacSha256B64url(secret, `${head}.${body}`)}`;
}

/** A token's `sub` claim, read without checking the signature (the engine checks it). */
export function jwtSubject(token: string, enc: Encoders): string | undefined {
  const part = token.split('.')[1];
  if (part === undefined) throw new Error('an agent token is not a JWT (header.payload.signature)');
  let claims: { sub?: unknown };
  try {
    claims = JSON.parse(enc.fromB64url(part)) as { sub?: unknown };
  } catch {
    throw new Error('an agent token\'s payload is not base64url JSON');
  }
  return typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
}

export interface RunTokens {
  /** Bearer token for POST /v1/events, or none (open engine). */
  ingest?: string;
  /** Bearer token of the wallboards, or none. */
  wallboard?: string;
  /** One per agent subscriber: the id its events carry, and its token (none on an open engine). */
  agents: { id: string; token?: string }[];
  /** How the tokens were had, for the run's header line. */
  source: 'none' | 'given' | 'signed' | 'given and signed';
}

export const TOKEN_SETTINGS = ['CXPULSE_TOKEN', 'CXPULSE_INGEST_TOKEN', 'CXPULSE_FEED_TOKEN', 'CXPULSE_AGENT_TOKENS', 'CXPULSE_JWT_SECRET'] as const;

/** The tokens of a run from the settings above; `nowS` is the clock for signed tokens' `exp`. */
export function tokensFrom(plan: Plan, env: Record<string, string | undefined>, enc: Encoders, nowS: number): RunTokens {
  const get = (k: (typeof TOKEN_SETTINGS)[number]) => {
    const v = env[k]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const secret = get('CXPULSE_JWT_SECRET');
  const exp = Math.ceil(nowS + plan.leadS + plan.durationS + plan.graceS + 600);
  let signed = false;
  let given = false;
  const sign = (role: string, sub: string) => {
    signed = true;
    return signJwt({ role, sub, exp, iat: Math.floor(nowS) }, secret!, enc);
  };
  const pick = (own: string | undefined, role: string, sub: string): string | undefined => {
    const t = own ?? get('CXPULSE_TOKEN');
    if (t !== undefined) {
      given = true;
      return t;
    }
    return secret === undefined ? undefined : sign(role, sub);
  };
  const out: RunTokens = { agents: [], source: 'none' };
  const ingest = pick(get('CXPULSE_INGEST_TOKEN'), 'ingest', 'cxpulse-load');
  if (ingest !== undefined) out.ingest = ingest;
  if (plan.wallboards > 0) {
    const wallboard = pick(get('CXPULSE_FEED_TOKEN'), 'supervisor', 'cxpulse-load-wallboard');
    if (wallboard !== undefined) out.wallboard = wallboard;
  }
  const agentTokens = (get('CXPULSE_AGENT_TOKENS') ?? '').split(',').map((t) => t.trim()).filter((t) => t !== '');
  for (let k = 0; k < plan.agents; k++) {
    const t = agentTokens[k];
    if (t !== undefined) {
      given = true;
      const id = jwtSubject(t, enc);
      if (id === undefined) throw new Error(`agent token ${k + 1} of CXPULSE_AGENT_TOKENS has no 'sub' claim (the agent id)`);
      out.agents.push({ id, token: t });
    } else if (secret !== undefined) {
      const id = `cxpulse-load-agent-${k + 1}`;
      out.agents.push({ id, token: sign('agent', id) });
    } else if (agentTokens.length > 0 || get('CXPULSE_TOKEN') !== undefined) {
      throw new Error(`AGENTS is ${plan.agents} but CXPULSE_AGENT_TOKENS holds ${agentTokens.length} tokens: give one per agent, or CXPULSE_JWT_SECRET to sign them`);
    } else {
      out.agents.push({ id: `cxpulse-load-agent-${k + 1}` });
    }
  }
  const ids = new Set(out.agents.map((a) => a.id));
  if (ids.size < out.agents.length) throw new Error('two agent tokens have the same sub: each agent subscriber needs its own agent id');
  out.source = given && signed ? 'given and signed' : given ? 'given' : signed ? 'signed' : 'none';
  return out;
}
