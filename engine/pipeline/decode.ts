import { map, type OperatorFunction } from 'rxjs';
import type { Envelope } from '../bus/types.ts';
import { decodeEvent, type ValidateOptions } from '../event/validate.ts';
import type { Decoded } from './types.ts';

/**
 * Parses and validates each message against the event contract; never throws.
 * @example source$.pipe(decode({ maxTextBytes: 32768 }))
 */
export function decode(opts: ValidateOptions): OperatorFunction<Envelope, Decoded> {
  return map((env) => ({ env, result: decodeEvent(env.data, opts) }));
}
