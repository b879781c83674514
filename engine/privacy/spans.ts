/** What redaction finds: a kind (the placeholder says it) and, for national ids, which one. */
export const PII_KINDS = ['email', 'iban', 'national-id', 'card', 'phone', 'address', 'name'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** The national ids told apart; all become `[national-id]`. */
export type NationalId = 'se-personnummer' | 'no-fodselsnummer' | 'dk-cpr' | 'de-steuer-id';

export interface PiiSpan {
  /** [start, end) in the text, UTF-16 offsets. */
  start: number;
  end: number;
  kind: PiiKind;
  /** For `national-id`: which one. */
  id?: NationalId;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}_]$/u;

/** Whether the code unit at `i` is a letter, digit or '_' (a surrogate half counts as a letter). */
export function isWordChar(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false;
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdfff) return true;
  return LETTER_OR_DIGIT.test(s[i]!);
}

export const isDigitCode = (c: number) => c >= 48 && c <= 57;
