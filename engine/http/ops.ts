import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Metrics } from '../observability/index.ts';
import { routeAccess } from '../access/index.ts';
import { errorResponses, textResponse } from './schemas.ts';
import { typeBoxRoutes } from './validation.ts';
import { withoutCredentials } from '../util/index.ts';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

export interface OpsRoutesOptions {
  metrics: Metrics;
  backend(): string | undefined;
  readiness(): Promise<Readiness>;
}

const TF_BACKEND = Type.String({ description: "TensorFlow.js backend in use ('wasm', 'tensorflow', 'cpu'), or 'none' before the model loads" });

const ReadinessBody = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Record(Type.String(), Type.Object({ ok: Type.Boolean(), detail: Type.String() }), { description: 'by part: bus, store, model, pipeline' }),
  tfBackend: TF_BACKEND,
});


/**
 * `GET /healthz`, `GET /readyz`, `GET /metrics`: public, for orchestrators and Prometheus, so they
 * say nothing secret (readiness details lose any credentials; metrics carry bounded labels only).
 */
export async function opsRoutes(scope: FastifyInstance, deps: OpsRoutesOptions): Promise<void> {
  const app = typeBoxRoutes(scope);
  const tfBackend = () => deps.backend() ?? 'none';
  const config = routeAccess('public');

  const health = { summary: 'Liveness: 200 while the process lives', tags: ['ops'], response: { 200: Type.Object({ status: Type.Literal('ok'), tfBackend: TF_BACKEND }), ...errorResponses() } };
  app.get('/healthz', { schema: health, config }, async () => ({ status: 'ok' as const, tfBackend: tfBackend() }));

  const ready = {
    summary: 'Readiness: bus connected, store answering, model loaded, pipeline running',
    tags: ['ops'],
    response: { 200: ReadinessBody, 503: { ...ReadinessBody, description: 'not ready; the failing check says why' }, ...errorResponses() },
  };
  app.get('/readyz', { schema: ready, config }, async (_req, reply) => {
    const r = await deps.readiness();
    const checks = Object.fromEntries(Object.entries(r.checks).map(([k, c]) => [k, { ok: c.ok, detail: withoutCredentials(c.detail) }]));
    return reply.code(r.ready ? 200 : 503).send({ ready: r.ready, checks, tfBackend: tfBackend() });
  });

  const metrics = { summary: 'Prometheus metrics (cxpulse_*)', tags: ['ops'], response: { 200: textResponse('Prometheus text exposition format', 'text/plain'), ...errorResponses() } };
  app.get('/metrics', { schema: metrics, config }, async (_req, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
