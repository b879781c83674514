import { isIP } from 'node:net';

export class OpenExposureError extends Error {
  override name = 'OpenExposureError';
}

/** Whether a listen address only reaches this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Fails closed: an engine (or connector server) that listens beyond loopback must require tokens
 * (CXPULSE_JWT_SECRET), unless CXPULSE_ALLOW_OPEN=1 says that open is what is wanted.
 */
export function assertExposureAllowed(o: { host: string; jwtSecret: string | undefined; allowOpen: boolean }): void {
  if (o.jwtSecret !== undefined || o.allowOpen || isLoopback(o.host)) return;
  throw new OpenExposureError(
    `refusing to listen on ${o.host} without CXPULSE_JWT_SECRET: every route would be open to the network (events, models, the feed with every conversation). ` +
      'Set CXPULSE_JWT_SECRET (32+ characters) and give clients tokens, or listen on 127.0.0.1 (HOST), or set CXPULSE_ALLOW_OPEN=1 if an open engine is really wanted (e.g. behind your own authenticating proxy).',
  );
}
