import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClickHouseClient } from '@clickhouse/client';
import { authenticateFeed, tokenFrom } from '../feed/index.ts';
import { reportRoute, reportSchema } from '../report/route.ts';
import { typeBoxRoutes } from './validation.ts';

export interface ReportsOptions {
  /** ClickHouse the reports read; undefined when the engine runs on the embedded file store. */
  client: ClickHouseClient | undefined;
  db: string;
  /** CXPULSE_JWT_SECRET; undefined leaves the reports open, like the feed. */
  jwtSecret: string | undefined;
}

/** Roles that may read reports: they show customer and conversation ids across all agents. */
const REPORT_ROLES = new Set(['supervisor', 'admin']);

/**
 * Checks the feed's bearer token (header or `?token=`, so a browser can open the HTML) and lets
 * supervisors and admins through. Errors use the catalog's shape, like the feed's refusal.
 */
export function reportGuard(secret: Uint8Array | undefined) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!secret) return;
    const r = await authenticateFeed(tokenFrom(req.headers, req.query), secret);
    if (!r.ok) {
      const message = r.refusal.status === 403 ? 'reports are for supervisors and admins' : r.refusal.message;
      return reply.code(r.refusal.status).send({ error: { code: r.refusal.code, message } });
    }
    if (!REPORT_ROLES.has(r.viewer.role)) {
      return reply.code(403).send({ error: { code: 'CX_ERR_FORBIDDEN', message: `role '${r.viewer.role}' may not read reports (supervisor or admin only)` } });
    }
  };
}

/**
 * `GET /v1/reports/:kind` (engine/report/route.ts) behind the guard. Without ClickHouse the path
 * still answers, with 503 and the reason, so a caller is not left guessing at a 404.
 */
export async function registerReports(app: FastifyInstance, opts: ReportsOptions): Promise<void> {
  const secret = opts.jwtSecret === undefined ? undefined : new TextEncoder().encode(opts.jwtSecret);
  const client = opts.client;
  await app.register(async (scope) => {
    scope.addHook('onRequest', reportGuard(secret));
    const reports = typeBoxRoutes(scope);
    if (client) {
      await reports.register(reportRoute, { client, db: opts.db });
      return;
    }
    reports.get('/v1/reports/:kind', { schema: reportSchema }, async (_req, reply) =>
      reply.code(503).send({ error: { code: 'CX_ERR_REPORTS_UNAVAILABLE', message: 'reports read ClickHouse; this engine runs on the embedded file store (set CLICKHOUSE_URL)' } }),
    );
  });
}
