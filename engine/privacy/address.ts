import { adjacent, isCapitalised, type Token } from './tokens.ts';
import type { PiiSpan } from './spans.ts';

/**
 * Postal addresses, best effort: a street and house number, with the postcode and town when they
 * follow. Nordic and German streets end in a street word ("Storgatan", "Vesterbrogade",
 * "Hauptstraße") or have it as their last word after a name ("Karl Johans gate"); English ones
 * are a house number, a name and a street word ("221B Baker Street"). Postcodes per country:
 * 123 45 (SE), 1234 (NO, DK), 12345 (DE), "NW1 6XE" (UK). Each street word looks at most a few
 * tokens either side, so the scan is linear. Missed: addresses without a street word ("Unter den
 * Linden 1"), post boxes, and streets written in lower case.
 */

/** Endings of one-word street names (lower case), and the same words standing alone after a name. */
const NORDIC_GERMAN_ENDINGS = [
  // sv
  'gatan', 'vägen', 'väg', 'gränd', 'gränden', 'torget', 'torg', 'backe', 'backen', 'stigen', 'leden', 'allén', 'esplanaden', 'kajen',
  // nb
  'gate', 'gata', 'gaten', 'veien', 'vei', 'vegen', 'veg', 'plass', 'plassen', 'stien', 'bakken', 'brygge', 'allé', 'alle',
  // da
  'gade', 'vej', 'vejen', 'plads', 'stræde', 'boulevard', 'torv', 'vænge', 'vænget',
  // de
  'straße', 'strasse', 'str', 'weg', 'platz', 'allee', 'gasse', 'ring', 'damm', 'ufer', 'chaussee', 'pfad', 'steig', 'markt',
];
/** Words that may come before a one-word street name and belong to it ("Gamla Kungsgatan"). */
const STREET_ADJECTIVES = new Set(['gamla', 'lilla', 'stora', 'store', 'lille', 'nye', 'nedre', 'øvre', 'övre', 'sankt', 'alte', 'neue', 'kleine', 'große', 'nya', 'norra', 'södra', 'østre', 'vestre', 'nørre', 'søndre']);
const ENGLISH_STREET = new Set(['street', 'st', 'road', 'rd', 'avenue', 'ave', 'lane', 'ln', 'drive', 'dr', 'close', 'way', 'court', 'ct', 'place', 'crescent', 'terrace', 'boulevard', 'blvd', 'square', 'gardens', 'grove', 'row', 'mews', 'parade']);
const HOUSE_NUMBER = /^\d{1,4}[A-Za-z]?$/;
const UK_OUTWARD = /^[A-Z]{1,2}\d[A-Z\d]?$/;
const UK_INWARD = /^\d[A-Z]{2}$/;
const CITY_SUFFIX = /^(?:[A-ZÆØÅ]{1,2}|C|NV|SV|SØ|NØ)$/;
/** A street word standing alone needs at least this much name in front of it. */
const MAX_NAME_WORDS = 3;

export function findAddresses(s: string, tokens: readonly Token[]): PiiSpan[] {
  const out: PiiSpan[] = [];
  let after = 0;
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k]!.start < after) continue;
    const span = nordicOrGerman(s, tokens, k) ?? english(s, tokens, k);
    if (span) {
      out.push(span);
      after = span.end;
    }
  }
  return out;
}

/** Endings by their last three letters: one map look-up per word instead of a search through all. */
const ENDINGS_BY_TAIL = new Map<string, string[]>();
for (const e of NORDIC_GERMAN_ENDINGS) ENDINGS_BY_TAIL.set(e.slice(-3), [...(ENDINGS_BY_TAIL.get(e.slice(-3)) ?? []), e]);
const streetEnding = (word: string) => ENDINGS_BY_TAIL.get(word.slice(-3))?.find((e) => word.endsWith(e));

/** "Storgatan 12, 114 55 Stockholm", "Karl Johans gate 1, 0154 Oslo", "Hauptstraße 5, 10115 Berlin". */
function nordicOrGerman(s: string, tokens: readonly Token[], k: number): PiiSpan | undefined {
  const word = tokens[k]!.text;
  if (word.length < 3) return undefined;
  const lower = word.toLowerCase();
  const ending = streetEnding(lower);
  if (!ending) return undefined;
  // "Ring", "Weg", "Vej" alone are ordinary words; as a compound's ending or after a name they are a street.
  const compound = lower.length >= ending.length + 2 && /^\p{Lu}/u.test(word);
  let first = k;
  if (compound) {
    while (first > 0 && STREET_ADJECTIVES.has(tokens[first - 1]!.text.toLowerCase()) && adjacent(s, tokens[first - 1]!, tokens[first]!)) first--;
  } else {
    if (lower !== ending) return undefined;
    while (first > 0 && k - first < MAX_NAME_WORDS && isCapitalised(tokens[first - 1]!.text) && adjacent(s, tokens[first - 1]!, tokens[first]!)) first--;
    if (first === k) return undefined;
  }
  let next = k + 1;
  // "Bahnhofstr. 17", "Storg. 5"
  const abbreviated = tokens[next]?.text === '.' && tokens[next]!.start === tokens[k]!.end;
  if (abbreviated) next++;
  const number = tokens[next];
  if (!number || !HOUSE_NUMBER.test(number.text) || !adjacent(s, tokens[next - 1]!, number)) return undefined;
  let end = number.end;
  next++;
  // "12 B"
  if (tokens[next] && /^[A-Za-z]$/.test(tokens[next]!.text) && adjacent(s, number, tokens[next]!)) end = tokens[next++]!.end;
  next = danishFloor(tokens, next, (e) => (end = e));
  const town = postcodeAndTown(s, tokens, next);
  return { start: tokens[first]!.start, end: town ?? end, kind: 'address' };
}

/** Danish floor and side after the number (", 2. th.", " st. tv."): the token after it. */
function danishFloor(tokens: readonly Token[], k: number, setEnd: (end: number) => void): number {
  let j = tokens[k]?.text === ',' ? k + 1 : k;
  if (!/^(?:st|kl|\d{1,2})$/i.test(tokens[j]?.text ?? '') || tokens[j + 1]?.text !== '.') return k;
  j += 2;
  if (/^(?:th|tv|mf)$/i.test(tokens[j]?.text ?? '')) j += tokens[j + 1]?.text === '.' ? 2 : 1;
  setEnd(tokens[j - 1]!.end);
  return j;
}

/** ", 114 55 Stockholm", " 0154 Oslo", ", 1620 København V", ", 10115 Berlin": where it ends. */
function postcodeAndTown(s: string, tokens: readonly Token[], k: number): number | undefined {
  if (tokens[k]?.text === ',') k++;
  const a = tokens[k];
  const b = tokens[k + 1];
  if (!a || !b) return undefined;
  let town = k + 1;
  if (/^\d{3}$/.test(a.text) && /^\d{2}$/.test(b.text) && adjacent(s, a, b)) town = k + 2;
  else if (!/^\d{4,5}$/.test(a.text)) return undefined;
  const name = tokens[town];
  if (!name || !isCapitalised(name.text) || !adjacent(s, tokens[town - 1]!, name)) return undefined;
  const suffix = tokens[town + 1];
  return suffix && CITY_SUFFIX.test(suffix.text) && adjacent(s, name, suffix) ? suffix.end : name.end;
}

/** "221B Baker Street, London NW1 6XE", "12 High St". */
function english(s: string, tokens: readonly Token[], k: number): PiiSpan | undefined {
  const number = tokens[k]!;
  if (!HOUSE_NUMBER.test(number.text)) return undefined;
  let j = k + 1;
  while (j < tokens.length && j - k <= MAX_NAME_WORDS + 1 && isCapitalised(tokens[j]!.text) && adjacent(s, tokens[j - 1]!, tokens[j]!)) {
    if (j > k + 1 && ENGLISH_STREET.has(tokens[j]!.text.toLowerCase())) break;
    j++;
  }
  const street = tokens[j];
  if (j === k + 1 || !street || !ENGLISH_STREET.has(street.text.toLowerCase()) || !/^\p{Lu}/u.test(street.text)) return undefined;
  if (!adjacent(s, tokens[j - 1]!, street)) return undefined;
  let end = street.end;
  let next = j + 1;
  if (tokens[next]?.text === '.') next++;
  if (tokens[next]?.text === ',' && tokens[next + 1] && isCapitalised(tokens[next + 1]!.text)) {
    const town = tokens[next + 1]!;
    const [out, inw] = [tokens[next + 2], tokens[next + 3]];
    end = town.end;
    if (out && inw && UK_OUTWARD.test(out.text) && UK_INWARD.test(inw.text) && adjacent(s, town, out)) end = inw.end;
  }
  return { start: number.start, end, kind: 'address' };
}
