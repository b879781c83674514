import type { PiiSpan } from './spans.ts';

// E-mail addresses are found from each '@' outwards (see findEmails), not by one regex over the
// text: a regex starting with a character-class run retries at every position, which is quadratic
// on a long run of letters (128 KiB of them once froze the engine for 18.7 s).
const LOCAL_CHAR = /^[\p{L}\p{N}._%+-]$/u;
const DOMAIN_CHAR = /^[\p{L}\p{N}.-]$/u;
const LETTER = /^\p{L}$/u;
/** RFC 5321's limits: a domain longer than this is no address, and bounds the work per '@'. */
const MAX_DOMAIN = 253;

/** The code point ending just before index `i` (a surrogate pair counts as one). */
function charBefore(s: string, i: number): string {
  const lo = s.charCodeAt(i - 1);
  return lo >= 0xdc00 && lo <= 0xdfff && i >= 2 ? s.slice(i - 2, i) : s.slice(i - 1, i);
}

/** How far the domain after an '@' at `at` reaches: labels of letters, digits and '-', a last label starting with 2+ letters. */
function domainEnd(s: string, at: number): number | undefined {
  let end = at + 1;
  while (end < s.length && end - at <= MAX_DOMAIN) {
    const ch = String.fromCodePoint(s.codePointAt(end)!);
    if (!DOMAIN_CHAR.test(ch)) break;
    end += ch.length;
  }
  const labels = s.slice(at + 1, end).split('.');
  let best: number | undefined;
  let offset = at + 1 + labels[0]!.length + 1;
  for (let k = 1; k < labels.length && labels[k - 1]!.length > 0; k++) {
    let letters = 0;
    for (const ch of labels[k]!) {
      if (!LETTER.test(ch)) break;
      letters += ch.length;
    }
    if (letters >= 2 && [...labels[k]!.slice(0, letters)].length >= 2) best = offset + letters;
    offset += labels[k]!.length + 1;
  }
  return best;
}

/** Spans [start, end) of e-mail addresses, in order, without overlaps; linear in the text's length. */
export function findEmails(s: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  let from = 0;
  for (let at = s.indexOf('@'); at >= 0; at = s.indexOf('@', at + 1)) {
    if (at < from) continue;
    let start = at;
    // Stops at the previous '@' (not a local-part character) or the previous match: linear overall.
    while (start > from) {
      const ch = charBefore(s, start);
      if (!LOCAL_CHAR.test(ch)) break;
      start -= ch.length;
    }
    if (start === at) continue;
    const end = domainEnd(s, at);
    if (end === undefined) continue;
    spans.push({ start, end, kind: 'email' });
    from = end;
  }
  return spans;
}
