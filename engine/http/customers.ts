import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ErasureReport } from '../event/index.ts';
import { ADMIN_ACCESS, routeAccess } from '../access/index.ts';
import { BEARER, errorResponses } from './schemas.ts';
import { typeBoxRoutes } from './validation.ts';

export interface CustomersOptions {
  /** Erases one customer from everything the engine keeps (engine/runtime/erase.ts). */
  erase(id: string): Promise<ErasureReport>;
}

const ErasedPlace = Type.Object({
  place: Type.Union(['clickhouse', 'file', 'nats', 'kv', 'memory', 'bus'].map((p) => Type.Literal(p))),
  what: Type.String({ description: 'the table, file, stream or in-memory state, e.g. cxpulse.scored_events' }),
  removed: Type.Integer({ description: 'rows, messages or entries removed there' }),
});

const Report = Type.Object({
  customerId: Type.String({ description: 'the id the stores held: the pseudonym (cxp_…), or the id as given when pseudonymisation is off' }),
  erasedAtMs: Type.Integer(),
  removed: Type.Integer({ description: 'everything removed, over all places' }),
  places: Type.Array(ErasedPlace),
  failures: Type.Array(Type.Object({ what: Type.String(), message: Type.String() }), { description: 'places that could not be erased; repeat the request (erasure is idempotent)' }),
  complete: Type.Boolean({ description: 'every place answered' }),
  logged: Type.Boolean({ description: 'the erasure log has the entry (a keyed hash of the id and the time)' }),
});

const schema = {
  summary: 'Erase one customer from everything cxpulse keeps (GDPR art. 17)',
  description:
    'Removes the customer from every ClickHouse table (or the embedded file store), the customer-state bucket, the messages JetStream still holds (events and dead letters) and the engine\'s memory (conversations, cues, waiting conversations, the feed snapshot). `:id` is the id as the source sent it or its pseudonym. Role `admin`.',
  tags: ['privacy'],
  security: BEARER,
  params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 256, description: 'the customer id as sent, or its pseudonym' }) }),
  response: { 200: Report, ...errorResponses('CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN') },
};

/** `DELETE /v1/customers/:id`: erasure on request (role admin); the answer says what was removed where. */
export async function customersRoute(scope: FastifyInstance, opts: CustomersOptions): Promise<void> {
  typeBoxRoutes(scope).delete('/v1/customers/:id', { schema, config: routeAccess(ADMIN_ACCESS) }, async (req) => opts.erase(req.params.id));
}
