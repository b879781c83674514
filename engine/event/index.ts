export * from './types.ts';
export * from './advice.ts';
export * from './actions.ts';
export * from './errors.ts';
export {
  validateEvent,
  validateBusinessEvent,
  decodeEvent,
  decodeBusinessEvent,
  parseTimestamp,
  MAX_META_BYTES,
  MAX_LANG_LENGTH,
  MAX_META_DEPTH,
  DEFAULT_FIELD_LIMITS,
  fieldLimitsOf,
  type FieldLimits,
  type Validation,
  type BusinessValidation,
  type ValidateOptions,
} from './validate.ts';
export * from './erasure.ts';
