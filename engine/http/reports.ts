import type { FastifyInstance } from 'fastify';
import type { ClickHouseClient } from '@clickhouse/client';
import { Type } from '@sinclair/typebox';
import { routeAccess, SUPERVISOR_ACCESS } from '../access/index.ts';
import { buildDailyReport, buildWeeklyReport, DailyReportJson, parseDay, REPORT_FORMATS, REPORT_KINDS, reportSource, WeeklyReportJson, yesterday } from '../report/index.ts';
import { HttpEventError } from './errors.ts';
import { BEARER, errorResponses, oneOf, TokenQuery, textResponse } from './schemas.ts';
import { typeBoxRoutes } from './validation.ts';

export interface ReportsOptions {
  /** ClickHouse the reports read; undefined when the engine runs on the embedded file store. */
  client: ClickHouseClient | undefined;
  db: string;
  /** Read the `_all` Distributed tables over every shard (CXPULSE_CLICKHOUSE_CLUSTER set). */
  distributed?: boolean;
}

const schema = {
  summary: 'Daily or weekly sentiment report (HTML, Markdown or JSON)',
  tags: ['reports'],
  security: BEARER,
  params: Type.Object({ kind: oneOf(REPORT_KINDS) }),
  querystring: Type.Object({
    date: Type.Optional(Type.String({ description: 'UTC day, YYYY-MM-DD (weekly: the last day of the week); default yesterday', examples: ['2026-11-20'] })),
    format: Type.Optional(oneOf(REPORT_FORMATS, 'default html')),
    token: Type.Optional(TokenQuery),
  }),
  response: {
    200: {
      description: 'the report; `format=json` gives its figures without the rendered text',
      content: { ...textResponse('', 'text/html', 'text/markdown').content, 'application/json': { schema: Type.Union([DailyReportJson, WeeklyReportJson]) } },
    },
    ...errorResponses('CX_ERR_INVALID_VALUE', 'CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN', 'CX_ERR_REPORTS_UNAVAILABLE'),
  },
};

/**
 * `GET /v1/reports/:kind?date=YYYY-MM-DD&format=html|md|json`, for supervisors and admins (the
 * token in the header or `?token=`, so a browser can open the HTML): reports read aggregated but
 * customer-identifying data (conversation and customer ids). Without ClickHouse
 * the path still answers, with 503 and the reason, so a caller is not left guessing at a 404.
 */
export async function registerReports(app: FastifyInstance, opts: ReportsOptions): Promise<void> {
  const { client, db } = opts;
  await app.register(async (scope) => {
    const reports = typeBoxRoutes(scope);
    reports.get('/v1/reports/:kind', { schema, config: routeAccess(SUPERVISOR_ACCESS) }, async (req, reply) => {
      if (!client) throw new HttpEventError('CX_ERR_REPORTS_UNAVAILABLE', 'reports read ClickHouse; this engine runs on the embedded file store (set CLICKHOUSE_URL)');
      const date = req.query.date ?? yesterday();
      const format = req.query.format ?? 'html';
      try {
        parseDay(date);
      } catch (e) {
        throw new HttpEventError('CX_ERR_INVALID_VALUE', (e as Error).message, 'date');
      }
      const { source } = await reportSource(client, db, { distributed: opts.distributed === true });
      const r = req.params.kind === 'daily' ? await buildDailyReport(client, db, date, {}, source) : await buildWeeklyReport(client, db, date, undefined, source);
      if (format === 'html') return reply.type('text/html; charset=utf-8').send(r.html);
      if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(r.markdown);
      const { markdown: _m, html: _h, ...figures } = r;
      return reply.send(figures);
    });
  });
}
