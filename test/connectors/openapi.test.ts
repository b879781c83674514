import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import { Registry } from 'prom-client';
import { CONNECTORS } from '../../connectors/index.ts';
import { loadConfig } from '../../engine/config/index.ts';
import { runConnectors, selectConnectors } from '../../engine/connector/index.ts';
import { createLogger } from '../../engine/observability/index.ts';
import { recordingBus } from './helpers.ts';

type Operation = { tags?: string[]; summary?: string; description?: string; responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }> };

/** The OpenAPI document of an app serving every HTTP connector, as /docs renders it. */
async function connectorSpec(): Promise<Record<string, Record<string, Operation>>> {
  const app = Fastify();
  await app.register(swagger, { openapi: { info: { title: 'connectors', version: '0' } } });
  await app.register(websocket);
  const running = await runConnectors({
    app,
    bus: recordingBus().bus,
    registry: new Registry(),
    log: createLogger('silent'),
    maxTextBytes: 4096,
    selected: selectConnectors(loadConfig({}), CONNECTORS),
  });
  await app.ready();
  const spec = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
  await running.stop();
  await app.close();
  return spec.paths;
}

describe('the connector routes in the OpenAPI document', () => {
  it('lists every connector route under the connectors tag, with a summary, a body description and its answers', async () => {
    const paths = await connectorSpec();
    const routes = Object.entries(paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
    // @fastify/websocket hides WebSocket routes (GET /v1/connectors/chat/ws) from the document.
    expect(routes.map((r) => r.route).sort()).toEqual(['POST /v1/connectors/calls', 'POST /v1/connectors/chat/webhook', 'POST /v1/connectors/crm']);
    for (const { route, op } of routes) {
      expect(op.tags, route).toEqual(['connectors']);
      expect(op.summary, route).toBeTruthy();
      expect(op.description, route).toBeTruthy();
    }
    for (const path of ['/v1/connectors/calls', '/v1/connectors/chat/webhook', '/v1/connectors/crm']) {
      expect(Object.keys(paths[path]!.post!.responses).sort(), path).toEqual(expect.arrayContaining(['202', '400', '413', '415', '503']));
    }
    expect(Object.keys(paths['/v1/connectors/chat/webhook']!.post!.responses)).toContain('401');
    const crmAccepted = paths['/v1/connectors/crm']!.post!.responses['202']!.content!['application/json']!.schema;
    expect(Object.keys(crmAccepted.properties!)).toEqual(['accepted', 'duplicates', 'ids']);
  });
});
