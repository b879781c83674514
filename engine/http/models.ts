import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ModelInvalidError, type ModelRegistry } from '../model/registry.ts';
import { HttpEventError } from './errors.ts';
import { ADMIN_ACCESS, routeAccess } from '../access/index.ts';
import { BEARER, errorResponses } from './schemas.ts';
import { typeBoxRoutes } from './validation.ts';

export interface ModelsRouteOptions {
  registry: Pick<ModelRegistry, 'reload' | 'promote' | 'dropShadow' | 'status' | 'shadowVersion'>;
}

const ShadowSummary = Type.Object({
  version: Type.String(),
  n: Type.Integer({ description: 'events both models scored' }),
  agree: Type.Integer({ description: 'of those, with the same sentiment label' }),
  agreementRate: Type.Union([Type.Number(), Type.Null()], { description: 'agree / n; null before the first event' }),
  confusion: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), { description: 'confusion[active label][shadow label] = count' }),
  errors: Type.Integer({ description: 'events the shadow model failed on' }),
});

const Status = Type.Object({
  active: Type.String({ description: 'version of the model scoring live traffic' }),
  activeDir: Type.Optional(Type.String({ description: 'its folder on the server: only to an admin token' })),
  shadow: Type.Union([ShadowSummary, Type.Null()], { description: 'the candidate scoring beside it, if any' }),
});

const Swapped = Type.Object({
  active: Type.String(),
  previous: Type.String(),
  shadow: Type.Optional(Type.String({ description: 'with `shadow: true`: the candidate now scoring beside the active model' })),
});

const ReloadBody = Type.Object({
  dir: Type.Optional(Type.String({ minLength: 1, description: 'model folder; default CXPULSE_MODEL_DIR, re-read from disk' })),
  shadow: Type.Optional(Type.Boolean({ description: 'score beside the active model instead of replacing it' })),
});

const tags = ['models'];

/**
 * Hot model management: `GET /v1/models`, `POST /v1/models/reload` ({dir?, shadow?}),
 * `POST /v1/models/promote`, `DELETE /v1/models/shadow`. A candidate that fails to load or
 * validate is a 422 CX_ERR_MODEL_INVALID and the active model keeps scoring.
 */
export async function modelsRoute(scope: FastifyInstance, { registry }: ModelsRouteOptions): Promise<void> {
  const app = typeBoxRoutes(scope);
  const config = routeAccess(ADMIN_ACCESS);
  const get = { summary: 'The active model and the shadow candidate, with its agreement', tags, security: BEARER, response: { 200: Status, ...errorResponses('CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN') } };
  app.get('/v1/models', { schema: get, config }, async (req) => {
    const { activeDir, ...status } = registry.status();
    // A server path is for the operator; without a secret (no principal) nobody is one.
    return req.principal?.role === 'admin' ? { ...status, activeDir } : status;
  });

  const reload = {
    summary: 'Load a model folder, check it on a canary set and swap it in (or score it in shadow)',
    tags,
    security: BEARER,
    body: ReloadBody,
    response: {
      200: Swapped,
      ...errorResponses('CX_ERR_NOT_AN_OBJECT', 'CX_ERR_WRONG_TYPE', 'CX_ERR_INVALID_VALUE', 'CX_ERR_INVALID_JSON', 'CX_ERR_UNSUPPORTED_MEDIA_TYPE', 'CX_ERR_MODEL_INVALID', 'CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN'),
    },
  };
  app.post('/v1/models/reload', { schema: reload, config }, async (req) => {
    try {
      return await registry.reload(req.body);
    } catch (err) {
      if (err instanceof ModelInvalidError) throw new HttpEventError('CX_ERR_MODEL_INVALID', err.message);
      throw err;
    }
  });

  const promote = { summary: 'Make the shadow model the active one', tags, security: BEARER, response: { 200: Swapped, ...errorResponses('CX_ERR_NO_SHADOW_MODEL', 'CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN') } };
  app.post('/v1/models/promote', { schema: promote, config }, async () => {
    if (registry.shadowVersion === undefined) throw new HttpEventError('CX_ERR_NO_SHADOW_MODEL', 'there is no shadow model to promote; load one with POST /v1/models/reload {"shadow":true}');
    return registry.promote();
  });

  const drop = {
    summary: 'Drop the shadow model',
    tags,
    security: BEARER,
    response: { 200: Type.Object({ dropped: Type.String({ description: 'its version' }) }), ...errorResponses('CX_ERR_NO_SHADOW_MODEL', 'CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN') },
  };
  app.delete('/v1/models/shadow', { schema: drop, config }, async () => {
    const dropped = registry.dropShadow();
    if (dropped === undefined) throw new HttpEventError('CX_ERR_NO_SHADOW_MODEL', 'there is no shadow model to drop');
    return { dropped };
  });
}
