import { connectorError, type ConnectorError } from './errors.ts';
import { isObject } from './decode.ts';

/**
 * Thrown by the field readers below while a source shape is mapped to events; the mapping
 * boundary turns it into a refusal. Exceptions keep the mappers readable: one line per field.
 */
export class InputError extends Error {
  constructor(readonly error: ConnectorError) {
    super(error.message);
  }
}

export const inputError = (code: ConnectorError['code'], message: string, field?: string) => new InputError(connectorError(code, message, field));

export type Mapped<T> = { ok: true; value: T } | { ok: false; error: ConnectorError };

/** Runs a mapper that throws {@link InputError}, as a result value; other errors are bugs and propagate. */
export function mapInput<T>(fn: () => T): Mapped<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, error: e.error };
    throw e;
  }
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export function reqObject(o: Record<string, unknown>, key: string, path = key): Record<string, unknown> {
  const v = o[key];
  if (v === undefined || v === null) throw inputError('CX_ERR_MISSING_FIELD', `missing required field '${path}'`, path);
  if (!isObject(v)) throw inputError('CX_ERR_WRONG_TYPE', `field '${path}' must be an object, got ${typeName(v)}`, path);
  return v;
}

export function optObject(o: Record<string, unknown>, key: string, path = key): Record<string, unknown> | undefined {
  return o[key] === undefined || o[key] === null ? undefined : reqObject(o, key, path);
}

export function reqString(o: Record<string, unknown>, key: string, path = key): string {
  const v = o[key];
  if (v === undefined || v === null) throw inputError('CX_ERR_MISSING_FIELD', `missing required field '${path}'`, path);
  if (typeof v !== 'string') throw inputError('CX_ERR_WRONG_TYPE', `field '${path}' must be a string, got ${typeName(v)}`, path);
  if (v.trim() === '') throw inputError('CX_ERR_INVALID_VALUE', `field '${path}' must not be empty`, path);
  return v;
}

export function optString(o: Record<string, unknown>, key: string, path = key): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : reqString(o, key, path);
}

/** An identifier a platform may send as a number or a string (Chatwoot does both). */
export function reqId(o: Record<string, unknown>, key: string, path = key): string {
  const v = o[key];
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return reqString(o, key, path);
}

export function optId(o: Record<string, unknown>, key: string, path = key): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : reqId(o, key, path);
}

export interface NumberRange {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function reqNumber(o: Record<string, unknown>, key: string, path = key, range: NumberRange = {}): number {
  const v = o[key];
  if (v === undefined || v === null) throw inputError('CX_ERR_MISSING_FIELD', `missing required field '${path}'`, path);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw inputError('CX_ERR_WRONG_TYPE', `field '${path}' must be a number, got ${typeName(v)}`, path);
  if (range.integer && !Number.isInteger(v)) throw inputError('CX_ERR_INVALID_VALUE', `field '${path}' must be a whole number`, path);
  if (range.min !== undefined && v < range.min) throw inputError('CX_ERR_INVALID_VALUE', `field '${path}' must be at least ${range.min}, got ${v}`, path);
  if (range.max !== undefined && v > range.max) throw inputError('CX_ERR_INVALID_VALUE', `field '${path}' must be at most ${range.max}, got ${v}`, path);
  return v;
}

export function optNumber(o: Record<string, unknown>, key: string, path = key, range: NumberRange = {}): number | undefined {
  return o[key] === undefined || o[key] === null ? undefined : reqNumber(o, key, path, range);
}

export function reqOneOf<T extends string>(o: Record<string, unknown>, key: string, allowed: readonly T[], path = key): T {
  const v = reqString(o, key, path);
  if (!(allowed as readonly string[]).includes(v)) throw inputError('CX_ERR_INVALID_VALUE', `field '${path}' must be one of ${allowed.join(', ')}, got '${v.slice(0, 40)}'`, path);
  return v as T;
}
