/**
 * PII redaction applied before anything is stored or sent on (SPEC: privacy officer).
 * Deliberately conservative: it removes what is obviously an e-mail address, a payment card
 * number (13-19 digits passing the Luhn check) or a phone number (international `+` form or a
 * national number with a leading 0 / area code in parentheses / the Danish and Norwegian
 * 8-digit groupings), and leaves order numbers alone.
 */
export const REDACTION_TOKENS = { email: '[email]', card: '[card]', phone: '[phone]' } as const;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
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

export function redactPii(input: string): Redaction {
  const counts = { email: 0, card: 0, phone: 0 };
  let text = input.replace(EMAIL, () => {
    counts.email++;
    return REDACTION_TOKENS.email;
  });
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
