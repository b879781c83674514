import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { accessOf } from './guard.ts';
import { isIngestAccess } from './roles.ts';

export interface IngestRateLimit {
  /** Requests per key in each window; 0: no limit. */
  max: number;
  windowMs: number;
}

/** Ingest requests are counted per verified subject, else per client address. */
function rateKey(req: FastifyRequest): string {
  const p = req.principal;
  return p?.sub !== undefined ? `sub:${p.role}:${p.sub}` : `ip:${req.ip}`;
}

/**
 * Puts a rate limit (@fastify/rate-limit, in memory per process) on every ingest route registered
 * after this call. Call it after {@link guardRoutes}: its check then runs after the token check,
 * so a verified subject is counted as itself. Over the limit: 429 CX_ERR_RATE_LIMITED with
 * `retry-after`, answered by the app's error handler.
 */
export async function limitIngest(app: FastifyInstance, limit: IngestRateLimit): Promise<void> {
  if (limit.max <= 0) return;
  // The plugin's own onRoute hook (registered next) reads config.rateLimit, so this one comes first.
  app.addHook('onRoute', (route) => {
    const access = accessOf(route);
    if (access !== undefined && isIngestAccess(access)) route.config = { ...route.config, rateLimit: { max: limit.max, timeWindow: limit.windowMs } };
  });
  await app.register(rateLimit, {
    global: false,
    keyGenerator: rateKey,
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(new Error(`more than ${ctx.max} ingest requests in ${limit.windowMs} ms from this token or address (CXPULSE_RATE_LIMIT_MAX); retry in ${ctx.after}`), {
        statusCode: 429,
        code: 'CX_ERR_RATE_LIMITED',
      }),
  });
}

/**
 * Fastify options that cut off a request not received whole within `ms` (slow headers or body):
 * Node answers 408 and closes the connection. Node checks its timeouts every
 * `connectionsCheckingInterval` (30 s by default), so the interval follows the timeout.
 */
export function requestTimeoutOptions(ms: number): { requestTimeout: number; http: { requestTimeout: number; headersTimeout: number; connectionsCheckingInterval: number } } {
  return { requestTimeout: ms, http: { requestTimeout: ms, headersTimeout: Math.min(ms, 60_000), connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(ms / 4))) } };
}

type Closable = { once(event: 'close', listener: () => void): unknown };

/**
 * A cap on connections open at once (WebSockets). A connection is counted from the moment its
 * request is admitted, before the upgrade, so a burst of handshakes cannot all slip in under the
 * cap, and is given back once, when its TCP socket or its WebSocket closes: however it ends.
 */
export function connectionCap(max: number): {
  readonly open: number;
  /** Admits the request's connection when under the cap (false over it); its TCP socket, when it has one, gives it back on close. */
  admit(request: object, socket?: Closable): boolean;
  /** Gives the request's connection back when `ws` closes too. */
  bind(request: object, ws: Closable): void;
} {
  let open = 0;
  const held = new WeakMap<object, () => void>();
  return {
    get open() {
      return open;
    },
    admit(request, socket) {
      if (open >= max) return false;
      open++;
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        open--;
      };
      held.set(request, release);
      socket?.once('close', release);
      return true;
    },
    bind(request, ws) {
      const release = held.get(request);
      if (release) ws.once('close', release);
    },
  };
}
