/**
 * The OpenAPI document at /docs/json, read from a real engine (in-process bus, file store) with
 * its connector routes as engine/runtime registers them, so the document is the one a user gets.
 * It must be well formed, describe every operation, and list the same routes as the README's
 * HTTP API table: a route added without a row there (or a row without a route) fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../engine/runtime/index.ts';
import { startTestEngine } from '../helpers/engine.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;
const TAGS = ['events', 'feed', 'models', 'reports', 'privacy', 'actions', 'ops', 'connectors'];

interface Operation {
  summary?: string;
  tags?: string[];
  responses?: Record<string, unknown>;
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
}

let engine: Engine;
let dir: string;
let spec: OpenApi;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-openapi-'));
  engine = await startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir });
  const res = await fetch(`${engine.url}/docs/json`);
  expect(res.status).toBe(200);
  spec = (await res.json()) as OpenApi;
});
afterAll(async () => {
  await engine?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** `GET /v1/reports/:kind` for every operation of the document ({kind} written the fastify way). */
function specRoutes(doc: OpenApi): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );
}

/** The routes in the first column of the table under "## HTTP API", one per row. */
export function readmeRoutes(markdown: string): string[] {
  const section = markdown.split(/^## HTTP API$/m)[1]?.split(/^#{2,3} /m)[0];
  if (section === undefined) throw new Error('README has no "## HTTP API" section');
  const rows = section.split('\n').filter((l) => l.startsWith('| `'));
  return rows.map((row) => {
    const m = /^\| `([A-Z]+ \/\S*)` \|/.exec(row);
    if (!m) throw new Error(`README HTTP API row does not start with one route in backticks: ${row.slice(0, 80)}`);
    return m[1]!;
  });
}

describe('the OpenAPI document at /docs', () => {
  it('is OpenAPI 3 named after the package, with operations that each say what they answer', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(spec.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(spec.info).toMatchObject({ title: pkg.name, version: pkg.version });
    expect(Object.keys(spec.paths).length).toBeGreaterThan(10);
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        const where = `${m.toUpperCase()} ${path}`;
        expect(op.summary, where).toBeTruthy();
        expect(op.tags?.length, where).toBe(1);
        expect(TAGS, where).toContain(op.tags![0]);
        const statuses = Object.keys(op.responses ?? {});
        expect(statuses.some((s) => /^[12]\d\d$/.test(s)), `${where} declares a success answer`).toBe(true);
        expect(statuses, `${where} declares the 500 answer`).toContain('500');
      }
    }
  });

  it('lists exactly the routes of the README table', async () => {
    const readme = readmeRoutes(await readFile(new URL('../../README.md', import.meta.url), 'utf8'));
    expect(new Set(readme).size, 'a route appears twice in the README table').toBe(readme.length);
    expect(specRoutes(spec).sort()).toEqual([...readme].sort());
  });

  it('shows a choice of strings as one enum', () => {
    const params = (spec.paths['/v1/reports/{kind}']?.get as { parameters?: { name: string; schema: unknown }[] } | undefined)?.parameters ?? [];
    expect(params.find((p) => p.name === 'kind')?.schema).toEqual({ type: 'string', enum: ['daily', 'weekly'] });
    expect(params.find((p) => p.name === 'format')?.schema).toEqual({ type: 'string', enum: ['html', 'md', 'json'] });
  });

  it('includes the engine routes and the connector routes served on the same port', () => {
    const routes = specRoutes(spec);
    for (const r of ['POST /v1/events', 'GET /v1/feed', 'GET /v1/reports/:kind', 'POST /v1/models/reload', 'GET /readyz', 'POST /v1/connectors/crm', 'GET /v1/connectors/chat/ws']) {
      expect(routes).toContain(r);
    }
    // Swagger UI's own routes and the pages' asset files are not part of the API.
    expect(routes.filter((r) => r.includes('/docs') || r.startsWith('GET /web/'))).toEqual([]);
  });

  it('serves Swagger UI as HTML with its files from the package', async () => {
    const page = await fetch(`${engine.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const script = /src="(\/docs\/[^"]*swagger-ui-bundle\.js)"/.exec(html)?.[1];
    expect(script, 'the page loads its bundle from /docs/').toBeTruthy();
    const bundle = await fetch(`${engine.url}${script}`);
    expect(bundle.status).toBe(200);
    // Read it all: an unread body keeps the connection busy and the engine's close waiting.
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
