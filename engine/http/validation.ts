/**
 * Request validation with TypeBox's compiler, answering in the error catalog's words: a route's
 * schema refuses a request with the same `{code, field, message}` a hand-written check would give
 * (CX_ERR_MISSING_FIELD, CX_ERR_WRONG_TYPE, ...), not with ajv's wording. Bodies are never
 * coerced (`{"dir": 42}` is a wrong type, not the string "42"); query strings and path parameters
 * are converted, since they arrive as text.
 */
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { HttpEventError } from './errors.ts';

const WRONG_TYPE: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.String]: 'a string',
  [ValueErrorType.Number]: 'a number',
  [ValueErrorType.Integer]: 'an integer',
  [ValueErrorType.Boolean]: 'a boolean',
  [ValueErrorType.Object]: 'an object',
  [ValueErrorType.Array]: 'an array',
};

export const validateWithTypeBox: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  return (value: unknown) => {
    // fastify hands a missing body over as null: read it as `{}`, so a body of optional fields may be left out.
    const data = httpPart === 'body' ? (value ?? {}) : Value.Convert(schema, value);
    if (check.Check(data)) return { value: data };
    const first = check.Errors(data).First() as ValueError;
    return { error: refusal(first, httpPart === 'body') };
  };
};

/** Makes the routes of `scope` (an encapsulated plugin) validate with TypeBox and infer their types from it. */
export function typeBoxRoutes(scope: FastifyInstance) {
  scope.setValidatorCompiler(validateWithTypeBox);
  return scope.withTypeProvider<TypeBoxTypeProvider>();
}

function refusal(e: ValueError, isBody: boolean): HttpEventError {
  const field = e.path.slice(1).replaceAll('/', '.') || undefined;
  if (field === undefined && isBody && e.type === ValueErrorType.Object) return new HttpEventError('CX_ERR_NOT_AN_OBJECT', 'the body must be a JSON object');
  const name = `field '${field ?? ''}'`;
  if (e.type === ValueErrorType.ObjectRequiredProperty) return new HttpEventError('CX_ERR_MISSING_FIELD', `missing required ${name}`, field);
  const expected = WRONG_TYPE[e.type];
  if (expected) return new HttpEventError('CX_ERR_WRONG_TYPE', `${name} must be ${expected}, got ${jsonType(e.value)}`, field);
  if (e.type === ValueErrorType.StringMinLength && e.value === '') return new HttpEventError('CX_ERR_INVALID_VALUE', `${name} must not be empty`, field);
  const allowed = literalsOf(e.schema);
  if (allowed) return new HttpEventError('CX_ERR_INVALID_VALUE', `${name} must be ${listed(allowed)}, got ${JSON.stringify(e.value)}`, field);
  return new HttpEventError('CX_ERR_INVALID_VALUE', `${name}: ${e.message.toLowerCase()}`, field);
}

/** The values of a union of string literals (oneOf in schemas.ts), else undefined. */
function literalsOf(schema: TSchema): string[] | undefined {
  const options = (schema as { anyOf?: { const?: unknown }[] }).anyOf;
  const values = options?.map((o) => o.const);
  return values?.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}

/** "a", "a or b", "a, b or c". */
function listed(values: string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}
