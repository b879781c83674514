import { fromPackageRoot } from '../config/paths.ts';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { routeAccess } from '../access/index.ts';
import { errorResponses, TokenQuery, textResponse } from './schemas.ts';
import { typeBoxRoutes } from './validation.ts';

/**
 * Serves the supervisor wallboard (/wallboard), the agent panel (/agent) and their assets
 * (/web/<file>) from web/. A tiny handler instead of @fastify/static: the pages are a fixed,
 * short list of files, so an allowlist is simpler to audit than a directory mapping (no path
 * traversal to think about) and needs no new runtime dependency. Files are read per request so
 * an edited page shows on reload; they are small and the pages are opened rarely.
 */
const WEB_DIR = fromPackageRoot('web') + '/';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/** Every file the pages may load; anything else under /web/ is a 404. */
const ASSETS = ['style.css', 'feed.js', 'charts.js', 'wallboard.js', 'agent.js'] as const;

/**
 * Event text is rendered with textContent only; the policy is a second line of defence should
 * that ever slip: no inline script, no foreign origin, so injected markup cannot run or call out.
 * connect-src 'self' covers the same-origin ws:/wss: feed in current browsers.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

async function send(reply: FastifyReply, file: string): Promise<FastifyReply> {
  const ext = file.slice(file.lastIndexOf('.') + 1);
  const body = await readFile(WEB_DIR + file);
  return reply
    .header('content-type', TYPES[ext] ?? 'application/octet-stream')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    // The page URL carries the feed token (?token=); never let a cache keep it or the page.
    .header('cache-control', 'no-store')
    .send(body);
}

// The query is read by the page's script in the browser, not here; it is declared to document it.
const wallboard = {
  summary: 'Supervisor wallboard (HTML page reading the feed)',
  tags: ['feed'],
  querystring: Type.Object({ token: Type.Optional(TokenQuery) }),
  response: { 200: textResponse('the page', 'text/html'), ...errorResponses() },
};
const agent = {
  summary: 'Agent panel (HTML page reading the feed)',
  tags: ['feed'],
  querystring: Type.Object({
    conversation: Type.Optional(Type.String({ description: 'show this conversation' })),
    agent: Type.Optional(Type.String({ description: "follow this agent's most recent conversation" })),
    token: Type.Optional(TokenQuery),
  }),
  response: { 200: textResponse('the page', 'text/html'), ...errorResponses() },
};
// The pages' own files: part of the pages, not of the API.
const asset = { hide: true, params: Type.Object({ file: Type.String() }) };

export async function staticPages(scope: FastifyInstance): Promise<void> {
  const app = typeBoxRoutes(scope);
  // The pages hold no data: they read the feed, which checks the token the page passes on.
  const config = routeAccess('public');
  app.get('/wallboard', { schema: wallboard, config }, async (_req, reply) => send(reply, 'wallboard.html'));
  app.get('/agent', { schema: agent, config }, async (_req, reply) => send(reply, 'agent.html'));
  app.get('/web/:file', { schema: asset, config }, async (req, reply) => {
    const file = req.params.file;
    if (!(ASSETS as readonly string[]).includes(file)) return reply.code(404).send({ error: { code: 'CX_ERR_NOT_FOUND', message: `no such asset: ${file}` } });
    return send(reply, file);
  });
}
