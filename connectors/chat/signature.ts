import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { connectorError, type ConnectorError } from '../shared/index.ts';
import { DEFAULT_SIGNATURE_TOLERANCE_SEC, type ChatConfig } from './config.ts';

export const CXPULSE_SIGNATURE_HEADER = 'x-cxpulse-signature';
export const CHATWOOT_SIGNATURE_HEADER = 'x-chatwoot-signature';
export const CHATWOOT_TIMESTAMP_HEADER = 'x-chatwoot-timestamp';

const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/i;

function hmac(secret: string, ...parts: (string | Buffer)[]): Buffer {
  const h = createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** `sha256=<hex>` over the raw body: what a generic sender puts in `X-Cxpulse-Signature`. */
export function signGeneric(secret: string, body: string | Buffer): string {
  return `sha256=${hmac(secret, body).toString('hex')}`;
}

/** Chatwoot (v4.11.2+) signs `<X-Chatwoot-Timestamp>.<raw body>`, so a captured body cannot be replayed with a new time. */
export function signChatwoot(secret: string, timestampSec: number | string, body: string | Buffer): string {
  return `sha256=${hmac(secret, `${timestampSec}.`, body).toString('hex')}`;
}

export type SignatureCheck = { ok: true; scheme: 'none' | 'cxpulse' | 'chatwoot' } | { ok: false; error: ConnectorError };

const refuse = (message: string, field?: string): SignatureCheck => ({ ok: false, error: connectorError('CX_ERR_BAD_SIGNATURE', message, field) });

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Constant-time comparison of a received `sha256=<hex>` with the expected digest. */
function matches(received: string, expected: Buffer): boolean {
  const m = SIGNATURE_FORMAT.exec(received.trim());
  if (!m) return false;
  return timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected);
}

/**
 * Checks a webhook request against the configured secrets. The header names the scheme:
 * `X-Chatwoot-Signature` (+ `X-Chatwoot-Timestamp`) or `X-Cxpulse-Signature`. With any secret
 * configured an unsigned request is refused, so omitting the header is no way around it.
 */
export function verifyWebhook(headers: IncomingHttpHeaders, body: Buffer, cfg: ChatConfig, nowSec = Date.now() / 1000): SignatureCheck {
  const chatwootSecret = cfg.chatwootSecret ?? cfg.webhookSecret;
  if (!chatwootSecret && !cfg.webhookSecret) return { ok: true, scheme: 'none' };
  const chatwootSig = header(headers, CHATWOOT_SIGNATURE_HEADER);
  const genericSig = header(headers, CXPULSE_SIGNATURE_HEADER);
  if (chatwootSig !== undefined) {
    if (!chatwootSecret) return refuse('X-Chatwoot-Signature given but no Chatwoot secret is configured (CXPULSE_CHATWOOT_WEBHOOK_SECRET)', 'X-Chatwoot-Signature');
    const ts = header(headers, CHATWOOT_TIMESTAMP_HEADER);
    if (ts === undefined || !/^\d{9,11}$/.test(ts.trim())) return refuse('X-Chatwoot-Timestamp is missing or not unix seconds', 'X-Chatwoot-Timestamp');
    const tolerance = cfg.signatureToleranceSec ?? DEFAULT_SIGNATURE_TOLERANCE_SEC;
    const skew = Math.abs(nowSec - Number(ts));
    if (skew > tolerance) return refuse(`X-Chatwoot-Timestamp is ${Math.round(skew)} s away from now; at most ${tolerance} s is accepted (replay protection)`, 'X-Chatwoot-Timestamp');
    if (!matches(chatwootSig, hmac(chatwootSecret, `${ts.trim()}.`, body))) {
      return refuse('X-Chatwoot-Signature does not match HMAC-SHA256 of "<timestamp>.<body>" with the configured secret', 'X-Chatwoot-Signature');
    }
    return { ok: true, scheme: 'chatwoot' };
  }
  if (genericSig !== undefined) {
    if (!cfg.webhookSecret) return refuse('X-Cxpulse-Signature given but no secret is configured for it (CXPULSE_CHAT_WEBHOOK_SECRET)', 'X-Cxpulse-Signature');
    if (!matches(genericSig, hmac(cfg.webhookSecret, body))) return refuse('X-Cxpulse-Signature does not match sha256=<hex of HMAC-SHA256(secret, raw body)>', 'X-Cxpulse-Signature');
    return { ok: true, scheme: 'cxpulse' };
  }
  return refuse('this webhook requires a signature: X-Cxpulse-Signature (generic) or X-Chatwoot-Signature with X-Chatwoot-Timestamp (Chatwoot)');
}

/** Constant-time token check for the WebSocket handshake (hashing first makes the lengths equal). */
export function tokenMatches(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const a = createHash('sha256').update(received).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
