import { verifyToken, type Principal, type TokenRefusal } from '../access/index.ts';
import type { FeedViewer } from './protocol.ts';

/** A refusal before the WebSocket upgrade, answered as HTTP with the catalog's error body. */
export type FeedRefusal = TokenRefusal;

export type FeedAuthResult = { ok: true; viewer: FeedViewer } | { ok: false; refusal: FeedRefusal };

/** Who a verified token reads the feed as; the ingest role publishes and may not read. */
export function feedViewerOf(p: Principal): FeedAuthResult {
  switch (p.role) {
    case 'ingest':
      return { ok: false, refusal: { status: 403, code: 'CX_ERR_FORBIDDEN', message: "role 'ingest' may publish events but not read the feed" } };
    case 'agent':
      return { ok: true, viewer: { role: 'agent', sub: p.sub ?? '' } };
    case 'supervisor':
    case 'admin':
      return { ok: true, viewer: p.sub === undefined ? { role: p.role } : { role: p.role, sub: p.sub } };
  }
}

/** Checks a feed token ({@link verifyToken}) and maps it to a viewer ({@link feedViewerOf}). */
export async function authenticateFeed(token: string | undefined, secret: Uint8Array): Promise<FeedAuthResult> {
  const r = await verifyToken(token, secret);
  return r.ok ? feedViewerOf(r.principal) : r;
}
