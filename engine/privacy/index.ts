export { redactPii, REDACTION_TOKENS, type Redaction } from './redact.ts';
