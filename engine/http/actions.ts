/**
 * Next best actions over HTTP: the ranked worklist, outcomes coming back, and what the bandit has
 * learnt. Roles: supervisor and admin (SUPERVISOR_ACCESS, like the reports: the worklist names
 * customers across all owners); the app's guard checks the token before the route runs.
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { routeAccess, SUPERVISOR_ACCESS } from '../access/index.ts';
import { ActionClosedError, ActionNotFoundError, type ActionEngine } from '../actions/index.ts';
import { ACTION_CHOICES, ACTION_OUTCOMES, ACTION_STATUSES, ACTION_TIMING_BASES, parseTimestamp } from '../event/index.ts';
import { HttpEventError } from './errors.ts';
import { BEARER, errorResponses, oneOf, TokenQuery } from './schemas.ts';
import { typeBoxRoutes } from './validation.ts';

export interface ActionsRouteOptions {
  engine: Pick<ActionEngine, 'list' | 'outcome' | 'learning'>;
}

const tags = ['actions'];
export const MAX_WORKLIST = 1000;

const Evidence = Type.Object({
  field: Type.String({ description: 'a fact of the catalog vocabulary, `trigger` (what changed) or `churnFactor`' }),
  value: Type.Union([Type.Number(), Type.String(), Type.Boolean()]),
  text: Type.String(),
});

export const ActionSchema = Type.Object(
  {
    actionId: Type.String(),
    action: Type.String({ description: 'the catalog action, e.g. personal_call' }),
    customerId: Type.String(),
    segment: Type.String(),
    owner: Type.Optional(Type.String({ description: 'meta.owner from the CRM, else the agent who last handled the customer' })),
    team: Type.Optional(Type.String({ description: 'meta.team' })),
    status: oneOf(ACTION_STATUSES),
    critical: Type.Boolean({ description: 'an escalation: never held out, never explored away' }),
    heldOut: Type.Boolean(),
    chosenBy: oneOf(ACTION_CHOICES, 'critical, the prior effect (rule), Thompson sampling (bandit) or a random pick (explore)'),
    priority: Type.Number({ description: '0..1 from churn probability, customer value, urgency and recency' }),
    churnProbability: Type.Optional(Type.Number()),
    reason: Type.String({ description: 'for the owner, in CXPULSE_AGENT_LANG' }),
    reasonLang: Type.String(),
    explanation: Type.String({ description: 'one sentence for the customer, in their language when known' }),
    explanationLang: Type.String(),
    evidence: Type.Array(Evidence),
    dueMs: Type.Number({ description: 'when to act, epoch ms' }),
    timing: oneOf(ACTION_TIMING_BASES, 'why then'),
    tz: Type.String({ description: 'the time zone the timing was worked out in (meta.tz when known)' }),
    triggerId: Type.String({ description: 'the event that tipped it' }),
    tsMs: Type.Number(),
    stateMs: Type.Number(),
    outcome: Type.Optional(oneOf(ACTION_OUTCOMES)),
    outcomeBy: Type.Optional(Type.String()),
    note: Type.Optional(Type.String()),
    churnedAfter: Type.Optional(Type.Boolean()),
  },
  { description: 'a next best action (README, "Next best actions")' },
);

const Worklist = Type.Object({
  actions: Type.Array(ActionSchema, { description: 'critical first, then due now, then by priority, then the earliest due' }),
  count: Type.Integer(),
  holdOutPercent: Type.Number(),
  exploration: Type.Number({ description: 'share of bandit choices made at random among eligible non-critical actions' }),
});

const Learning = Type.Object({
  holdOutPercent: Type.Number(),
  exploration: Type.Number(),
  minOutcomes: Type.Integer({ description: 'outcomes a segment needs before the bandit replaces the prior effects' }),
  arms: Type.Array(Type.Object({ segment: Type.String(), action: Type.String(), successes: Type.Integer(), failures: Type.Integer() })),
});

const listSchema = {
  summary: 'The ranked worklist of next best actions',
  tags,
  security: BEARER,
  querystring: Type.Object({
    status: Type.Optional(oneOf(ACTION_STATUSES, 'default open')),
    owner: Type.Optional(Type.String()),
    team: Type.Optional(Type.String()),
    action: Type.Optional(Type.String()),
    customerId: Type.Optional(Type.String()),
    dueBefore: Type.Optional(Type.String({ description: 'only actions due by then: ISO-8601 or epoch ms', examples: ['2026-12-07T17:00:00Z'] })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WORKLIST, description: 'default 100' })),
    token: Type.Optional(TokenQuery),
  }),
  response: { 200: Worklist, ...errorResponses('CX_ERR_INVALID_VALUE', 'CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN') },
};

const outcomeSchema = {
  summary: 'Report what came of an action: done, declined or no answer',
  tags,
  security: BEARER,
  params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }),
  querystring: Type.Object({ token: Type.Optional(TokenQuery) }),
  body: Type.Object({
    outcome: oneOf(ACTION_OUTCOMES),
    by: Type.Optional(Type.String({ maxLength: 256, description: 'who acted' })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  }),
  response: {
    200: ActionSchema,
    ...errorResponses('CX_ERR_MISSING_FIELD', 'CX_ERR_WRONG_TYPE', 'CX_ERR_INVALID_VALUE', 'CX_ERR_NOT_AN_OBJECT', 'CX_ERR_INVALID_JSON', 'CX_ERR_UNSUPPORTED_MEDIA_TYPE', 'CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN', 'CX_ERR_NOT_FOUND', 'CX_ERR_ACTION_CLOSED'),
  },
};

const learningSchema = {
  summary: 'What the action bandit has learnt: outcomes per segment and action, hold-out and exploration',
  tags,
  security: BEARER,
  querystring: Type.Object({ token: Type.Optional(TokenQuery) }),
  response: { 200: Learning, ...errorResponses('CX_ERR_UNAUTHORIZED', 'CX_ERR_FORBIDDEN') },
};

/**
 * `GET /v1/actions` (the worklist, filtered by status, owner, team, action, customer and due time),
 * `POST /v1/actions/:id/outcome`, `GET /v1/actions/learning`. Roles: supervisor, admin.
 */
export async function registerActions(app: FastifyInstance, opts: ActionsRouteOptions): Promise<void> {
  const { engine } = opts;
  const config = routeAccess(SUPERVISOR_ACCESS);
  await app.register(async (scope) => {
    const routes = typeBoxRoutes(scope);
    routes.get('/v1/actions', { schema: listSchema, config }, async (req) => {
      const q = req.query;
      let dueBeforeMs: number | undefined;
      if (q.dueBefore !== undefined) {
        const t = parseTimestamp(q.dueBefore);
        if (t === undefined) throw new HttpEventError('CX_ERR_INVALID_VALUE', `dueBefore ${JSON.stringify(q.dueBefore)} is neither ISO-8601 nor epoch milliseconds`, 'dueBefore');
        dueBeforeMs = t;
      }
      const actions = engine.list({
        ...(q.status !== undefined ? { status: q.status } : {}), ...(q.owner !== undefined ? { owner: q.owner } : {}), ...(q.team !== undefined ? { team: q.team } : {}),
        ...(q.action !== undefined ? { action: q.action } : {}), ...(q.customerId !== undefined ? { customerId: q.customerId } : {}),
        ...(dueBeforeMs !== undefined ? { dueBeforeMs } : {}), limit: q.limit ?? 100,
      });
      const { holdOutPercent, exploration } = engine.learning();
      return { actions, count: actions.length, holdOutPercent, exploration };
    });
    routes.post('/v1/actions/:id/outcome', { schema: outcomeSchema, config }, async (req) => {
      // Who acted: as given, else the token's subject.
      const by = req.body.by ?? req.principal?.sub;
      try {
        return await engine.outcome(req.params.id, req.body.outcome, by, req.body.note);
      } catch (e) {
        if (e instanceof ActionNotFoundError) throw new HttpEventError('CX_ERR_NOT_FOUND', `${e.message} (closed actions are kept in memory for a while; the actions table keeps them all)`);
        if (e instanceof ActionClosedError) throw new HttpEventError('CX_ERR_ACTION_CLOSED', e.message);
        throw e;
      }
    });
    routes.get('/v1/actions/learning', { schema: learningSchema, config }, async () => engine.learning());
  });
}
