export * from './types.ts';
export * from './errors.ts';
export { validateEvent, decodeEvent, parseTimestamp, type Validation, type ValidateOptions } from './validate.ts';
