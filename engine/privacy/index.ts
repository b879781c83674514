export { findPii, redactPii, REDACTION_TOKENS, type Redaction, type RedactOptions } from './redact.ts';
export { PII_KINDS, type NationalId, type PiiKind, type PiiSpan } from './spans.ts';
export { danishCprDateValid, danishCprMod11Valid, germanTaxIdValid, ibanValid, iso7064Mod1110, luhnValid, norwegianIdValid, swedishIdValid, IBAN_LENGTHS } from './checksums.ts';
export { createPseudonymizer, pseudonymOf, erasureLogHash, erasureAnnounceHash, PSEUDONYM_CACHE_SIZE, PSEUDONYM_PATTERN, PSEUDONYM_PREFIX, MIN_PSEUDONYM_KEY_LENGTH, type Pseudonymizer } from './pseudonym.ts';
export { redactJson, redactMeta, redactPayload, isPseudonym, type StructuredRedactOptions } from './structured.ts';
export { redactDeadLetter } from './deadLetter.ts';
