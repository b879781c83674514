import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { fromPackageRoot } from '../config/paths.ts';

/** Where the OpenAPI document and its browser view are served; `${DOCS_PREFIX}/json` is the document. */
export const DOCS_PREFIX = '/docs';

const TAGS = [
  { name: 'events', description: 'publishing events (README, "The event")' },
  { name: 'feed', description: 'the live WebSocket feed and the pages that read it' },
  { name: 'models', description: 'hot model reload and shadow scoring' },
  { name: 'reports', description: 'daily and weekly sentiment reports from ClickHouse' },
  { name: 'privacy', description: 'erasure of one customer on request (PRIVACY.md)' },
  { name: 'actions', description: 'next best actions: the ranked worklist, outcomes, what the bandit learnt' },
  { name: 'ops', description: 'liveness, readiness and Prometheus metrics' },
  { name: 'connectors', description: 'sources that turn outside traffic into events (connectors/README.md)' },
];

/**
 * Registers the OpenAPI document (built from the schemas of every route registered after it, so
 * it must come first) and Swagger UI at /docs. The UI's files ship in its package: nothing is
 * fetched from elsewhere, and the online validator badge is off.
 */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  const pkg = JSON.parse(readFileSync(fromPackageRoot('package.json'), 'utf8')) as { name: string; version: string; description: string };
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: pkg.name, version: pkg.version, description: pkg.description },
      tags: TAGS,
      components: {
        securitySchemes: {
          bearerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'HS256, signed with CXPULSE_JWT_SECRET; claims exp, role and (agents) sub. Required only when the secret is set' },
        },
      },
    },
    // A copy for the document only: the route keeps its own schema for validation.
    transform: ({ schema, url }) => ({ schema: asEnums(schema) as typeof schema, url }),
  });
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX, uiConfig: { validatorUrl: null } });
}

/** TypeBox writes a union of string literals as an anyOf of consts; the document reads better with one enum. */
function asEnums(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asEnums);
  if (value === null || typeof value !== 'object') return value;
  const { anyOf, ...rest } = value as Record<string, unknown>;
  const literals = Array.isArray(anyOf) ? anyOf.map((o: { const?: unknown }) => o?.const) : [];
  if (literals.length > 0 && literals.every((v) => typeof v === 'string')) return { ...rest, type: 'string', enum: literals };
  const copy = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, asEnums(v)]));
  return anyOf === undefined ? copy : { ...copy, anyOf: asEnums(anyOf) };
}
