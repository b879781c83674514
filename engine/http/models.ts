import type { FastifyPluginAsync } from 'fastify';
import { ModelInvalidError, type ModelRegistry } from '../model/registry.ts';
import { HttpEventError } from './errors.ts';

export interface ModelsRouteOptions {
  registry: Pick<ModelRegistry, 'reload' | 'promote' | 'dropShadow' | 'status' | 'shadowVersion'>;
}

/**
 * Hot model management: `GET /v1/models`, `POST /v1/models/reload` ({dir?, shadow?}),
 * `POST /v1/models/promote`, `DELETE /v1/models/shadow`. A candidate that fails to load or
 * validate is a 422 CX_ERR_MODEL_INVALID and the active model keeps scoring.
 */
export const modelsRoute: FastifyPluginAsync<ModelsRouteOptions> = async (app, { registry }) => {
  app.get('/v1/models', async () => registry.status());

  app.post('/v1/models/reload', async (req) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) throw new HttpEventError('CX_ERR_NOT_AN_OBJECT', 'the body must be a JSON object: {"dir"?: string, "shadow"?: boolean}');
    if (body.dir !== undefined && (typeof body.dir !== 'string' || body.dir === '')) throw new HttpEventError('CX_ERR_WRONG_TYPE', "field 'dir' must be a non-empty string", 'dir');
    if (body.shadow !== undefined && typeof body.shadow !== 'boolean') throw new HttpEventError('CX_ERR_WRONG_TYPE', "field 'shadow' must be a boolean", 'shadow');
    try {
      return await registry.reload({ dir: body.dir as string | undefined, shadow: body.shadow as boolean | undefined });
    } catch (err) {
      if (err instanceof ModelInvalidError) throw new HttpEventError('CX_ERR_MODEL_INVALID', err.message);
      throw err;
    }
  });

  app.post('/v1/models/promote', async () => {
    if (registry.shadowVersion === undefined) throw new HttpEventError('CX_ERR_NO_SHADOW_MODEL', 'there is no shadow model to promote; load one with POST /v1/models/reload {"shadow":true}');
    return registry.promote();
  });

  app.delete('/v1/models/shadow', async () => {
    const dropped = registry.dropShadow();
    if (dropped === undefined) throw new HttpEventError('CX_ERR_NO_SHADOW_MODEL', 'there is no shadow model to drop');
    return { dropped };
  });
};
