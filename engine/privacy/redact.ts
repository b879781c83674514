/**
 * PII redaction applied before anything is stored or sent on (SPEC: privacy officer). Each kind
 * is replaced by a placeholder naming it. Identifiers with a check digit are redacted only when
 * it checks out, so order numbers, dates and amounts stay readable; addresses and names are a
 * best effort that the `names` option (CXPULSE_REDACT_NAMES) switches off. Every finder scans
 * the text once with bounded look-around: linear in the text's length, whatever the input.
 */
import { findAddresses } from './address.ts';
import { findEmails } from './email.ts';
import { findIbans } from './iban.ts';
import { findNames } from './names.ts';
import { findNumbers } from './numbers.ts';
import { PII_KINDS, type PiiKind, type PiiSpan } from './spans.ts';
import { tokenize } from './tokens.ts';

export const REDACTION_TOKENS: Readonly<Record<PiiKind, string>> = {
  email: '[email]',
  iban: '[iban]',
  'national-id': '[national-id]',
  card: '[card]',
  phone: '[phone]',
  address: '[address]',
  name: '[name]',
};

export interface RedactOptions {
  /** Also look for postal addresses and person names (best effort). Default true. */
  names?: boolean;
}

export interface Redaction {
  text: string;
  /** How many spans of each kind were replaced (for metrics; never the values). */
  counts: Record<PiiKind, number>;
}

/**
 * Spans of personal data in `input`, in order and without overlaps. Where finders disagree the
 * earlier one in this order wins: e-mail, IBAN, national id / card / phone, address, name.
 */
export function findPii(input: string, opts: RedactOptions = {}): PiiSpan[] {
  const found = [findEmails(input), findIbans(input), findNumbers(input)];
  if (opts.names !== false) {
    const tokens = tokenize(input);
    found.push(findAddresses(input, tokens), findNames(input, tokens));
  }
  return merge(input.length, found);
}

/** Each list is ordered and free of overlaps; the result keeps a span only where no earlier list took a character. */
function merge(length: number, lists: PiiSpan[][]): PiiSpan[] {
  const taken = new Uint8Array(length);
  const kept: PiiSpan[] = [];
  for (const list of lists) {
    for (const span of list) {
      let free = true;
      for (let i = span.start; i < span.end && free; i++) free = taken[i] === 0;
      if (!free) continue;
      taken.fill(1, span.start, span.end);
      kept.push(span);
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}

export function redactPii(input: string, opts: RedactOptions = {}): Redaction {
  const counts = Object.fromEntries(PII_KINDS.map((k) => [k, 0])) as Record<PiiKind, number>;
  let text = '';
  let last = 0;
  for (const span of findPii(input, opts)) {
    text += input.slice(last, span.start) + REDACTION_TOKENS[span.kind];
    last = span.end;
    counts[span.kind]++;
  }
  return { text: text + input.slice(last), counts };
}
