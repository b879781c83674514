import type { FastifyPluginAsync } from 'fastify';
import type { ClickHouseClient } from '@clickhouse/client';
import { buildDailyReport } from './daily.ts';
import { buildWeeklyReport } from './weekly.ts';
import { parseDay, yesterday } from './common.ts';

export interface ReportRouteOptions {
  client: ClickHouseClient;
  db: string;
}

/**
 * `GET /v1/reports/:kind?date=YYYY-MM-DD&format=html|md|json` (kind daily or weekly; date
 * defaults to yesterday UTC; format to html). Reports read aggregated but customer-identifying
 * data (conversation and customer ids), so whoever registers this must put it behind the
 * same access control as the feed.
 */
export const reportRoute: FastifyPluginAsync<ReportRouteOptions> = async (app, opts) => {
  app.get<{ Params: { kind: string }; Querystring: { date?: string; format?: string } }>('/v1/reports/:kind', async (req, reply) => {
    const { kind } = req.params;
    const date = req.query.date ?? yesterday();
    const format = req.query.format ?? 'html';
    const bad = (message: string) => reply.code(400).send({ error: { code: 'CX_ERR_INVALID_VALUE', message } });
    if (kind !== 'daily' && kind !== 'weekly') return bad(`report must be daily or weekly, got "${kind}"`);
    if (format !== 'html' && format !== 'md' && format !== 'json') return bad(`format must be html, md or json, got "${format}"`);
    try {
      parseDay(date);
    } catch (e) {
      return bad((e as Error).message);
    }
    const r = kind === 'daily' ? await buildDailyReport(opts.client, opts.db, date) : await buildWeeklyReport(opts.client, opts.db, date);
    if (format === 'html') return reply.type('text/html; charset=utf-8').send(r.html);
    if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(r.markdown);
    const { markdown: _m, html: _h, ...data } = r;
    return reply.send(data);
  });
};
