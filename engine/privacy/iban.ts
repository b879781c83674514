import { IBAN_LENGTHS, ibanValid } from './checksums.ts';
import { isWordChar, type PiiSpan } from './spans.ts';

/**
 * IBANs of any country, as printed ("DE89 3704 0044 0532 0130 00") or run together: two letters
 * and two check digits not glued to a word, then exactly the registry length for that country
 * in letters and digits with single spaces between, passing mod 97. Each candidate reads at
 * most 2 x 34 characters, so the scan is linear.
 */
export function findIbans(s: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (let i = 0; i + 4 <= s.length; i++) {
    if (!isLetter(s, i) || !isLetter(s, i + 1) || !isDigit(s, i + 2) || !isDigit(s, i + 3) || isWordChar(s, i - 1)) continue;
    const want = IBAN_LENGTHS[s.slice(i, i + 2).toUpperCase()];
    if (want === undefined) continue;
    let bare = '';
    let j = i;
    while (j < s.length && bare.length < want) {
      if (isAlnum(s, j)) bare += s[j++]!.toUpperCase();
      else if (s[j] === ' ' && bare.length >= 4 && isAlnum(s, j + 1)) j++;
      else break;
    }
    if (bare.length !== want || isWordChar(s, j) || !ibanValid(bare)) continue;
    out.push({ start: i, end: j, kind: 'iban' });
    i = j - 1;
  }
  return out;
}

const code = (s: string, i: number) => s.charCodeAt(i) | 0x20;
const isLetter = (s: string, i: number) => code(s, i) >= 97 && code(s, i) <= 122;
const isDigit = (s: string, i: number) => s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;
const isAlnum = (s: string, i: number) => i < s.length && (isLetter(s, i) || isDigit(s, i));
