/**
 * The vocabulary an action's eligibility speaks: the customer facts the engine keeps (churn
 * probability and factors, contacts, sentiment trend, CRM events, plan, tenure, topics), each with
 * its type, and the comparisons allowed on each type. A catalog naming anything else fails to load.
 */

export const NUMBER_FIELDS = [
  'churnProbability', 'contacts7d', 'contacts30d', 'contacts90d', 'negativeShare', 'negativeTrend', 'escalations90d',
  'latePayments90d', 'usageDrops90d', 'downgrades90d', 'orderTrend', 'customerReplySlowdown', 'agentReplyHours',
  'tenureMonths', 'sentimentScore', 'sentimentTrend',
] as const;
export const STRING_FIELDS = ['churnBand', 'plan', 'contract', 'segment', 'lastTopic', 'urgency'] as const;
/** `live`: the tipping event is a customer message of a conversation going on now. */
export const BOOLEAN_FIELDS = ['live', 'cancelled'] as const;
/** Topics the customer raised in the last 30 days. */
export const SET_FIELDS = ['topics30d'] as const;

export type NumberField = (typeof NUMBER_FIELDS)[number];
export type StringField = (typeof STRING_FIELDS)[number];
export type BooleanField = (typeof BOOLEAN_FIELDS)[number];
export type SetField = (typeof SET_FIELDS)[number];
export type FactField = NumberField | StringField | BooleanField | SetField;

/** What is known about a customer when an action is considered; a field the engine cannot know is absent. */
export type ActionFacts = { [K in NumberField]?: number } & { [K in StringField]?: string } & { [K in BooleanField]?: boolean } & { [K in SetField]?: readonly string[] };

export const FACT_FIELDS: readonly FactField[] = [...NUMBER_FIELDS, ...STRING_FIELDS, ...BOOLEAN_FIELDS, ...SET_FIELDS];

const NUMBER_OPS = ['>=', '<=', '>', '<', '==', '!='] as const;
const STRING_OPS = ['==', '!=', 'in'] as const;
const BOOLEAN_OPS = ['=='] as const;
const SET_OPS = ['includes'] as const;
export type ConditionOp = (typeof NUMBER_OPS)[number] | (typeof STRING_OPS)[number] | (typeof BOOLEAN_OPS)[number] | (typeof SET_OPS)[number];

export type Condition =
  | { field: NumberField; op: (typeof NUMBER_OPS)[number]; value: number }
  | { field: StringField; op: '==' | '!='; value: string }
  | { field: StringField; op: 'in'; value: readonly string[] }
  | { field: BooleanField; op: '=='; value: boolean }
  | { field: SetField; op: 'includes'; value: string };

/** All of `all` hold, and at least one of `any` when it is not empty. */
export interface Eligibility {
  all: Condition[];
  any: Condition[];
}

export class ConditionError extends Error {
  override name = 'ConditionError';
}

const isOneOf = <T extends string>(xs: readonly T[], v: unknown): v is T => typeof v === 'string' && (xs as readonly string[]).includes(v);

/** Checks one clause `{field, op, value}`; the error names the part at fault (the caller prefixes where). */
export function parseCondition(raw: unknown): Condition {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConditionError('expected an object {field, op, value}');
  const { field, op, value } = raw as Record<string, unknown>;
  if (!isOneOf(FACT_FIELDS, field)) throw new ConditionError(`.field: unknown field ${JSON.stringify(field)} (known: ${FACT_FIELDS.join(', ')})`);
  const badOp = (ops: readonly string[]) => new ConditionError(`.op: ${JSON.stringify(op)} does not apply to ${field} (use ${ops.join(', ')})`);
  if (isOneOf(NUMBER_FIELDS, field)) {
    if (!isOneOf(NUMBER_OPS, op)) throw badOp(NUMBER_OPS);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConditionError(`.value: ${field} compares with a number, got ${JSON.stringify(value)}`);
    return { field, op, value };
  }
  if (isOneOf(STRING_FIELDS, field)) {
    if (!isOneOf(STRING_OPS, op)) throw badOp(STRING_OPS);
    if (op === 'in') {
      if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) throw new ConditionError(`.value: "in" needs a non-empty list of strings, got ${JSON.stringify(value)}`);
      return { field, op, value: value as string[] };
    }
    if (typeof value !== 'string') throw new ConditionError(`.value: ${field} compares with a string, got ${JSON.stringify(value)}`);
    return { field, op, value };
  }
  if (isOneOf(BOOLEAN_FIELDS, field)) {
    if (!isOneOf(BOOLEAN_OPS, op)) throw badOp(BOOLEAN_OPS);
    if (typeof value !== 'boolean') throw new ConditionError(`.value: ${field} is true or false, got ${JSON.stringify(value)}`);
    return { field, op, value };
  }
  if (!isOneOf(SET_OPS, op)) throw badOp(SET_OPS);
  if (typeof value !== 'string' || value === '') throw new ConditionError(`.value: ${field} includes a string, got ${JSON.stringify(value)}`);
  return { field: field as SetField, op, value };
}

/** Whether one clause holds; an unknown fact never satisfies a clause (not even `!=`). */
export function holds(c: Condition, facts: ActionFacts): boolean {
  const v = facts[c.field];
  if (v === undefined) return false;
  switch (c.op) {
    case '>=': return (v as number) >= c.value;
    case '<=': return (v as number) <= c.value;
    case '>': return (v as number) > c.value;
    case '<': return (v as number) < c.value;
    case '==': return v === c.value;
    case '!=': return v !== c.value;
    case 'in': return c.value.includes(v as string);
    case 'includes': return (v as readonly string[]).includes(c.value);
  }
}

/** The clauses that made the action eligible, or undefined when it is not. */
export function eligible(e: Eligibility, facts: ActionFacts): Condition[] | undefined {
  if (!e.all.every((c) => holds(c, facts))) return undefined;
  const anyHeld = e.any.filter((c) => holds(c, facts));
  if (e.any.length > 0 && anyHeld.length === 0) return undefined;
  return [...e.all, ...anyHeld];
}
