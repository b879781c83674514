import type { DeadLetter } from '../bus/types.ts';
import { redactPii } from './redact.ts';
import { redactPayload, type StructuredRedactOptions } from './structured.ts';

/**
 * A DLQ entry as kept: the original payload with its text fields redacted and the customer id
 * pseudonymised, and the error message and last error redacted too (they may quote a value, or a
 * row a store refused). The code, field, subject and counts stay, so the entry still says why.
 */
export function redactDeadLetter(entry: DeadLetter, o: StructuredRedactOptions = {}): DeadLetter {
  // A payload cut to the DLQ's size limit may end inside an identifier the finders no longer recognise: that last word goes.
  const payload = entry.payloadBytes === undefined ? entry.payload : withoutLastWord(entry.payload);
  const out: DeadLetter = { ...entry, error: { ...entry.error, message: redactPii(entry.error.message, o).text }, payload: redactPayload(payload, o) };
  if (entry.history) out.history = { ...entry.history, lastError: entry.history.lastError === null ? null : redactPii(entry.history.lastError, o).text };
  return out;
}

const SPACE = /\s/;

/** The text without its last word and the space before it (a scan from the end: linear, whatever the input). */
function withoutLastWord(text: string): string {
  let i = text.length;
  while (i > 0 && !SPACE.test(text[i - 1]!)) i--;
  while (i > 0 && SPACE.test(text[i - 1]!)) i--;
  return text.slice(0, i);
}
