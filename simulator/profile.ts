/**
 * Customers and the personal data they sometimes type. A profile depends only on the customer
 * index (not on the seed), so the same customer keeps one language, name, address and phone
 * across runs: repeat contacts and erasure requests then look like real ones.
 */
import { EMAIL_DOMAINS } from './phrases/index.ts';
import type { PhraseBook } from './phrases/index.ts';
import { createRng, fillDigits, hash32, intBetween, pick } from './rng.ts';

export interface CustomerProfile {
  id: string;
  lang: string;
  name: string;
  email: string;
  phone: string;
  card: string;
}

export type PiiKind = 'email' | 'phone' | 'card';

export function customerId(index: number): string {
  return `cust-${String(index + 1).padStart(5, '0')}`;
}

export function customerProfile(
  index: number,
  languages: readonly string[],
  books: Readonly<Record<string, PhraseBook>>,
): CustomerProfile {
  const rng = createRng(hash32(index + 1));
  const lang = languages[hash32(index) % languages.length] ?? 'en';
  const book = books[lang];
  if (!book) throw new Error(`simulator: no phrase book for "${lang}"`);
  const name = pick(rng, book.names);
  const email = `${asciiLower(name)}.${intBetween(rng, 10, 9999)}@${pick(rng, EMAIL_DOMAINS)}`;
  return { id: customerId(index), lang, name, email, phone: fillDigits(rng, pick(rng, book.phoneFormats)), card: cardNumber(rng) };
}

/** A Luhn-valid 16-digit card number, so a checksum-aware redactor must catch it too. */
export function cardNumber(rng: () => number): string {
  const digits = [pick(rng, [4, 5]), ...Array.from({ length: 14 }, () => intBetween(rng, 0, 9))];
  digits.push(luhnCheckDigit(digits));
  const groups = [0, 4, 8, 12].map((i) => digits.slice(i, i + 4).join(''));
  // People write card numbers with spaces, dashes or nothing in between.
  return groups.join(pick(rng, [' ', ' ', '-', '']));
}

export function luhnCheckDigit(payload: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    // Double every second digit counting from the right, where the check digit will stand.
    let d = payload[payload.length - 1 - i] ?? 0;
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function asciiLower(name: string): string {
  return name
    .toLowerCase()
    .replace(/ø/g, 'o')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}
