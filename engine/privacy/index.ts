export { findPii, redactPii, REDACTION_TOKENS, type Redaction, type RedactOptions } from './redact.ts';
export { PII_KINDS, type NationalId, type PiiKind, type PiiSpan } from './spans.ts';
export { danishCprDateValid, danishCprMod11Valid, germanTaxIdValid, ibanValid, iso7064Mod1110, luhnValid, norwegianIdValid, swedishIdValid, IBAN_LENGTHS } from './checksums.ts';
