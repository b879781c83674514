import { danishCprDateValid, danishCprMod11Valid, germanTaxIdValid, luhnValid, norwegianIdValid, swedishIdValid, validDate } from './checksums.ts';
import { isDigitCode, isWordChar, type NationalId, type PiiSpan } from './spans.ts';

/**
 * National ids, payment cards and phone numbers, found in one pass over "number runs": digit
 * groups joined by short separators ("070-123 45 67", "4111 1111 1111 1111", "850315-1234").
 * A candidate is a window of whole groups that starts and ends at the run's edge or at a
 * separator holding a space, at most MAX_DIGITS digits long: the work per group is bounded, so
 * the scan is linear in the text's length. Runs next to a currency are amounts and dates are
 * never anything; a reference word just before ("order", "Bestellnummer", "faktura") keeps card
 * and phone rules off order numbers.
 */

/** The longest identifier looked for: a 19-digit card number. */
const MAX_DIGITS = 19;
/** The shortest: a 7-digit local phone number. */
const MIN_DIGITS = 7;
/** "+46 (0)70 123 45 67" has six groups; nothing real has more than this. */
const MAX_GROUPS = 6;
const MAX_SEPARATOR = 3;
const SEPARATOR = new Set([' ', '\u00a0', '\u202f', '-', '.', '/', '(', ')', '+', ',']);
const SPACES = /[ \u00a0\u202f]/;

/** Within this many characters before a number, a word decides what it is. */
const CONTEXT_CHARS = 28;
const CURRENCY_BEFORE = /(?:€|\$|£|(?:^|[^\p{L}])(?:kr|nok|sek|dkk|eur|usd|gbp|chf)\.?)\s?$/iu;
const CURRENCY_AFTER = /^\s?(?:€|\$|£|%|:-|,-|(?:kr|nok|sek|dkk|eur|usd|gbp|chf|euro|kron|prozent|procent|prosent|percent)(?:[^\p{L}]|\p{L}*$|\p{L}*[^\p{L}]))/iu;
const REFERENCE_WORD =
  /(?:^|[^\p{L}])(?:order|ordre|bestell|auftrag|rechnung|invoice|faktura|kund|customer|tracking|sendung|referen|ref|ticket|case|ärende|sak|vorgang|artikel|article|serien|serial|imei|kontonummer|account)/iu;
const PHONE_WORD = /(?:^|[^\p{L}])(?:tel|tlf|phone|mobil|handy|ring|call|sms|whatsapp|nummer|number|numret|nummeret)/iu;
const CPR_WORD = /(?:^|[^\p{L}])cpr/iu;

interface Run {
  /** Offsets of each digit group: groups[k] = [start, end). */
  groups: [number, number][];
  /** The separator after each group but the last. */
  seps: string[];
  /** '+' or '(' directly before the first digit, or ''. */
  prefix: string;
}

/** Spans of national ids, cards and phone numbers, in order. */
export function findNumbers(s: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  let i = 0;
  while (i < s.length) {
    if (!isDigitCode(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const { run, end } = readRun(s, i);
    i = end;
    const first = run.groups[0]![0] - run.prefix.length;
    // Glued to letters ("DE89 3704 …", "A123"): part of a code, not a number of its own.
    if (isWordChar(s, first - 1) || isWordChar(s, end)) continue;
    if (CURRENCY_BEFORE.test(s.slice(Math.max(0, first - 6), first)) || CURRENCY_AFTER.test(s.slice(end, end + 12))) continue;
    classifyRun(s, run, out);
  }
  return out;
}

function readRun(s: string, at: number): { run: Run; end: number } {
  const prev = s[at - 1];
  const prefix = (prev === '+' || prev === '(') && !isWordChar(s, at - 2) ? prev : '';
  const run: Run = { groups: [], seps: [], prefix };
  let i = at;
  for (;;) {
    const g = i;
    while (i < s.length && isDigitCode(s.charCodeAt(i))) i++;
    run.groups.push([g, i]);
    let j = i;
    while (j < s.length && j - i < MAX_SEPARATOR && SEPARATOR.has(s[j]!)) j++;
    if (j === i || j >= s.length || !isDigitCode(s.charCodeAt(j))) return { run, end: i };
    run.seps.push(s.slice(i, j));
    i = j;
  }
}

const hasSpace = (sep: string | undefined) => sep !== undefined && SPACES.test(sep);

function classifyRun(s: string, run: Run, out: PiiSpan[]): void {
  const n = run.groups.length;
  const blocked = dateGroups(s, run);
  let i = 0;
  while (i < n) {
    if (blocked[i] || (i > 0 && !hasSpace(run.seps[i - 1]))) {
      i++;
      continue;
    }
    // Digits of the windows i..i, i..i+1, …: at most MAX_GROUPS windows of at most MAX_DIGITS.
    const ends: number[] = [];
    let digits = 0;
    for (let j = i; j < n && j - i < MAX_GROUPS && !blocked[j]; j++) {
      digits += len(run.groups[j]!);
      if (digits > MAX_DIGITS) break;
      if (digits >= MIN_DIGITS && (j === n - 1 || hasSpace(run.seps[j]))) ends.push(j);
    }
    let next = i + 1;
    for (let k = ends.length - 1; k >= 0; k--) {
      const found = classify(s, run, i, ends[k]!);
      if (found) {
        out.push(found);
        next = ends[k]! + 1;
        break;
      }
    }
    i = next;
  }
}

const len = ([a, b]: [number, number]) => b - a;

/** Groups that form a date ("05.03.1985", "2024-03-05", "5/3/24"): never part of any number. */
function dateGroups(s: string, run: Run): boolean[] {
  const blocked = new Array<boolean>(run.groups.length).fill(false);
  for (let k = 0; k + 2 < run.groups.length; k++) {
    const [a, b] = [run.seps[k]!, run.seps[k + 1]!];
    if (a !== b || !/^[./-]$/.test(a)) continue;
    const [x, y, z] = [0, 1, 2].map((d) => s.slice(...run.groups[k + d]!));
    const dmy = x!.length <= 2 && y!.length <= 2 && (z!.length === 2 || z!.length === 4) && validDate(z!.length === 2 ? 2000 : Number(z), Number(y), Number(x));
    const mdy = a === '/' && x!.length <= 2 && y!.length <= 2 && (z!.length === 2 || z!.length === 4) && validDate(2000, Number(x), Number(y));
    const ymd = x!.length === 4 && y!.length <= 2 && z!.length <= 2 && validDate(Number(x), Number(y), Number(z));
    if (dmy || mdy || ymd) blocked[k] = blocked[k + 1] = blocked[k + 2] = true;
  }
  return blocked;
}

/** A candidate: groups i..j of a run. Digits and the words before are read only when a rule needs them. */
class Window {
  readonly lens: number[] = [];
  readonly seps: string[];
  readonly prefix: string;
  readonly start: number;
  readonly end: number;
  readonly count: number;
  /** The window is the whole run, not a part of a longer number. */
  readonly whole: boolean;
  constructor(
    private readonly s: string,
    private readonly run: Run,
    private readonly i: number,
    j: number,
  ) {
    let count = 0;
    for (let k = i; k <= j; k++) {
      const [a, b] = run.groups[k]!;
      this.lens.push(b - a);
      count += b - a;
    }
    this.count = count;
    this.seps = run.seps.slice(i, j);
    this.prefix = i === 0 ? run.prefix : '';
    this.start = run.groups[i]![0] - this.prefix.length;
    this.end = run.groups[j]![1];
    this.whole = i === 0 && j === run.groups.length - 1;
  }

  digits(): string {
    let d = '';
    for (let k = 0; k < this.lens.length; k++) d += this.s.slice(...this.run.groups[this.i + k]!);
    return d;
  }

  before(): string {
    return this.s.slice(Math.max(0, this.start - CONTEXT_CHARS), this.start);
  }
}

/** The kind of the window of groups i..j, if it is one. Cheap tests first: this runs for every window. */
function classify(s: string, run: Run, i: number, j: number): PiiSpan | undefined {
  const w = new Window(s, run, i, j);
  if (w.prefix === '' && w.count >= 10 && w.count <= 12) {
    const id = nationalId(w);
    if (id) return { start: w.start, end: w.end, kind: 'national-id', id };
  }
  if (w.seps.some((x) => x.includes(','))) return undefined;
  const kind = w.prefix === '' && isCard(w) ? 'card' : isPhone(w) ? 'phone' : undefined;
  // A reference word just before: an order or customer number that happens to look like one.
  return kind && !REFERENCE_WORD.test(w.before()) ? { start: w.start, end: w.end, kind } : undefined;
}

const onlySeps = (seps: string[], allowed: RegExp) => seps.every((x) => allowed.test(x));

function nationalId(w: Window): NationalId | undefined {
  const { lens, seps } = w;
  const digits = w.digits();
  const shape = lens.join(',');
  const sep = seps[0]?.trim() ?? '';
  const dateAndSerial = seps.length === 1 && /^[-+]?$/.test(sep) && !/[^-+ ]/.test(seps[0]!);
  if (digits.length === 10 && (shape === '10' || (shape === '6,4' && dateAndSerial))) {
    if (CPR_WORD.test(w.before()) && danishCprDateValid(digits) && sep !== '+') return 'dk-cpr';
    if (swedishIdValid(digits)) return 'se-personnummer';
    // CPR numbers issued since 2007 need not pass modulus 11: written as DDMMYY-SSSS a real date
    // is enough; ten bare digits must pass modulus 11 or follow the word "CPR".
    if (danishCprDateValid(digits) && sep !== '+' && (sep === '-' || danishCprMod11Valid(digits))) return 'dk-cpr';
  }
  if (digits.length === 12 && (shape === '12' || (shape === '8,4' && dateAndSerial)) && swedishIdValid(digits)) return 'se-personnummer';
  if (digits.length === 11 && onlySeps(seps, /^[ \u00a0\u202f]$|^-$/)) {
    if ((shape === '11' || shape === '6,5') && norwegianIdValid(digits)) return 'no-fodselsnummer';
    if (!seps.some((x) => x === '-') && germanTaxIdValid(digits)) return 'de-steuer-id';
  }
  return undefined;
}

function isCard(w: Window): boolean {
  if (w.count < 13 || w.count > MAX_DIGITS || !onlySeps(w.seps, /^(?:[ \u00a0\u202f]|-)$/)) return false;
  const d = w.digits();
  return d[0] !== '0' && luhnValid(d);
}

function isPhone(w: Window): boolean {
  const { lens, seps, prefix, count: n } = w;
  if (n > 15 || seps.some((x) => x.includes('+'))) return false;
  if (prefix === '+') return n >= 7 && n <= 15;
  if (prefix === '(') return n >= 7 && n <= 12;
  const digits = w.digits();
  if (digits.startsWith('00')) return n >= 9 && n <= 15;
  if (digits[0] === '0') return n >= 7 && n <= 12;
  // Without a trunk 0 or country code, a number is a phone number only when it stands alone:
  // "4111 1111" inside a longer card-like number is not one.
  if (!w.whole || seps.some((x) => /[()]/.test(x))) return false;
  const shape = lens.join(',');
  // Danish and Norwegian numbers have no trunk 0 but fixed groupings; North American 3-3-4.
  if (n === 8 && ['2,2,2,2', '3,2,3', '4,4'].includes(shape) && onlySeps(seps, /^[ \u00a0\u202f]$/)) return true;
  if (shape === '3,3,4' && digits[0] !== '1' && onlySeps(seps, /^[-. ]$/) && new Set(seps).size === 1) return true;
  return n === 8 && shape === '8' && PHONE_WORD.test(w.before());
}
