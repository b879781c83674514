/**
 * PII redaction applied before anything is stored or sent on (SPEC: privacy officer).
 * Deliberately conservative: it removes what is obviously an e-mail address, a payment card
 * number (13-19 digits passing the Luhn check) or a phone number (international `+` form or a
 * national number with a leading 0 / area code in parentheses / the Danish and Norwegian
 * 8-digit groupings), and leaves order numbers alone.
 */
export const REDACTION_TOKENS = { email: '[email]', card: '[card]', phone: '[phone]' } as const;

// E-mail addresses are found from each '@' outwards (see findEmails), not by one regex over the
// text: a regex starting with a character-class run retries at every position, which is quadratic
// on a long run of letters (128 KiB of them once froze the engine for 18.7 s).
const LOCAL_CHAR = /^[\p{L}\p{N}._%+-]$/u;
const DOMAIN_CHAR = /^[\p{L}\p{N}.-]$/u;
const LETTER = /^\p{L}$/u;
/** RFC 5321's limits: a domain longer than this is no address, and bounds the work per '@'. */
const MAX_DOMAIN = 253;
// 13-19 digits, optionally grouped by single spaces or dashes.
const CARD_CANDIDATE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;
// +CC ..., 00CC ..., 0AAA ..., (AAA) ...: 7-15 digits in all with common separators.
const PHONE_CANDIDATE = /(?<![\w+])(?:\+|00|0|\(\d{2,4}\)\s?)\d(?:[\s./-]?\(?\d\)?){5,15}(?![\d])/g;
// Danish and Norwegian national numbers have no leading 0 but a fixed grouping: 12 34 56 78, 412 34 567.
const NORDIC_PHONE = /(?<![\d,.])(?:\d{2}(?: \d{2}){3}|\d{3} \d{2} \d{3})(?![\d]|,\d)/g;

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface Redaction {
  text: string;
  /** How many spans of each kind were replaced (for metrics; never the values). */
  counts: { email: number; card: number; phone: number };
}

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
function findEmails(s: string): [number, number][] {
  const spans: [number, number][] = [];
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
    spans.push([start, end]);
    from = end;
  }
  return spans;
}

export function redactPii(input: string): Redaction {
  const counts = { email: 0, card: 0, phone: 0 };
  let text = '';
  let last = 0;
  for (const [start, end] of findEmails(input)) {
    text += input.slice(last, start) + REDACTION_TOKENS.email;
    last = end;
    counts.email++;
  }
  text += input.slice(last);
  text = text.replace(CARD_CANDIDATE, (m) => {
    const digits = m.replace(/\D/g, '');
    if (digits.length < 13 || !luhnValid(digits)) return m;
    counts.card++;
    return REDACTION_TOKENS.card;
  });
  text = text.replace(PHONE_CANDIDATE, (m) => {
    const digits = m.replace(/\D/g, '').length;
    if (digits < 7 || digits > 15) return m;
    counts.phone++;
    return REDACTION_TOKENS.phone;
  });
  text = text.replace(NORDIC_PHONE, () => {
    counts.phone++;
    return REDACTION_TOKENS.phone;
  });
  return { text, counts };
}
