import type { FastifyPluginAsync } from 'fastify';
import type { ClickHouseClient } from '@clickhouse/client';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../event/errors.ts';
import { buildDailyReport } from './daily.ts';
import { buildWeeklyReport } from './weekly.ts';
import { parseDay, yesterday } from './common.ts';
import { DailyReportJson, ReportParams, ReportQuery, WeeklyReportJson } from './schema.ts';

export interface ReportRouteOptions {
  client: ClickHouseClient;
  db: string;
}

const text = { schema: { type: 'string' } };

/**
 * The route's schema. Whoever registers the route answers 401/403 for a token (engine/http/reports.ts,
 * `bearerJwt` in the document) and 503 when there is no ClickHouse, so those are declared here too.
 */
export const reportSchema = {
  summary: 'Daily or weekly sentiment report (HTML, Markdown or JSON)',
  tags: ['reports'],
  // The feed's token or none (CXPULSE_JWT_SECRET unset); `bearerJwt` is defined in engine/http/docs.ts.
  security: [{ bearerJwt: [] }, {}] as Record<string, string[]>[],
  params: ReportParams,
  querystring: ReportQuery,
  response: {
    200: {
      description: 'the report; `format=json` gives its figures without the rendered text',
      content: { 'text/html': text, 'text/markdown': text, 'application/json': { schema: { anyOf: [DailyReportJson, WeeklyReportJson] } } },
    },
    ...errorResponses('CX_ERR_INVALID_VALUE', 'CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN', 'CX_ERR_REPORTS_UNAVAILABLE'),
  },
};

/**
 * `GET /v1/reports/:kind?date=YYYY-MM-DD&format=html|md|json` (kind daily or weekly; date
 * defaults to yesterday UTC; format to html). Reports read aggregated but customer-identifying
 * data (conversation and customer ids), so whoever registers this must put it behind the
 * same access control as the feed.
 */
export const reportRoute: FastifyPluginAsync<ReportRouteOptions> = async (scope, opts) => {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/v1/reports/:kind', { schema: reportSchema }, async (req, reply) => {
    const { kind } = req.params;
    const date = req.query.date ?? yesterday();
    const format = req.query.format ?? 'html';
    try {
      parseDay(date);
    } catch (e) {
      return reply.code(400).send({ error: { code: 'CX_ERR_INVALID_VALUE', field: 'date', message: (e as Error).message } });
    }
    const r = kind === 'daily' ? await buildDailyReport(opts.client, opts.db, date) : await buildWeeklyReport(opts.client, opts.db, date);
    if (format === 'html') return reply.type('text/html; charset=utf-8').send(r.html);
    if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(r.markdown);
    const { markdown: _m, html: _h, ...data } = r;
    return reply.send(data);
  });
};
