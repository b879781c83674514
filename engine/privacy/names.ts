import { adjacent, isCapitalised, type Token } from './tokens.ts';
import type { PiiSpan } from './spans.ts';

/**
 * Person names, best effort: one to three capitalised words right after a greeting ("Hi Anna,",
 * "Kære Mette"), a sign-off ("Mvh Kari Nordmann", "Mit freundlichen Grüßen, Hans Müller") or a
 * self-introduction ("jag heter Erik Svensson"). A title ("Herr", "Mrs") stays. Names anywhere
 * else in a sentence are not found. Phrases are looked up from their first word and are at most
 * a few words long, so the scan is linear.
 */

type Cue = 'greeting' | 'signoff' | 'intro';

/**
 * Phrases in lower case. A one-word sign-off that is also an ordinary word ("Thanks", "Hilsen")
 * needs a comma or line break before the name, or to stand with the name alone on a line.
 */
const PHRASES: Record<Cue, string[]> = {
  greeting: [
    'hi', 'hello', 'hey', 'dear', 'good morning', 'good afternoon',
    'hej', 'hejsan', 'hallå', 'kära', 'käre', 'bästa', 'god morgon', 'god dag',
    'hei', 'hallo', 'kjære', 'god morgen', 'heisann',
    'kære', 'hejsa', 'goddag',
    'liebe', 'lieber', 'sehr geehrte', 'sehr geehrter', 'guten tag', 'guten morgen', 'moin', 'servus',
  ],
  signoff: [
    'regards', 'best regards', 'kind regards', 'warm regards', 'many thanks', 'thanks', 'thank you', 'thanks in advance', 'thank you in advance', 'cheers', 'best', 'sincerely', 'yours sincerely', 'yours truly', 'best wishes',
    'mvh', 'med vänlig hälsning', 'med vänliga hälsningar', 'vänliga hälsningar', 'vänlig hälsning', 'hälsningar', 'tack', 'tack på förhand', 'tack så mycket',
    'med vennlig hilsen', 'vennlig hilsen', 'hilsen', 'takk', 'på forhånd takk', 'takk på forhånd', 'på forhånd tak',
    'med venlig hilsen', 'venlig hilsen', 'de bedste hilsner', 'bedste hilsner', 'tak', 'vh',
    'mit freundlichen grüßen', 'mit freundlichen grüssen', 'freundliche grüße', 'viele grüße', 'beste grüße', 'liebe grüße', 'herzliche grüße', 'gruß', 'grüße', 'mfg', 'lg', 'vg', 'danke', 'vielen dank', 'danke schön', 'vielen dank im voraus', 'danke im voraus',
  ],
  intro: ['my name is', 'jag heter', 'mitt namn är', 'jeg heter', 'mitt navn er', 'jeg hedder', 'mit navn er', 'ich heiße', 'ich heisse', 'mein name ist'],
};
const WEAK = new Set(['thanks', 'thank you', 'cheers', 'best', 'tack', 'takk', 'tak', 'danke', 'hilsen', 'gruß', 'grüße', 'regards', 'lg', 'vg', 'vh', 'liebe', 'lieber', 'bästa']);
const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'herr', 'frau', 'fru', 'hr', 'fr', 'prof']);
/** Capitalised words that follow greetings and sign-offs and are no one's name. */
const NOT_NAMES = new Set([
  'team', 'support', 'service', 'customer', 'customers', 'sir', 'madam', 'all', 'everyone', 'there', 'again', 'folks', 'guys', 'you',
  'kundtjänst', 'kundservice', 'kundeservice', 'kundesenter', 'kundenservice', 'kundendienst', 'supporten', 'alla', 'alle', 'allihop', 'allesammen', 'igen', 'igjen', 'zusammen',
  'damen', 'herren', 'damer', 'herrer', 'ni', 'du', 'dere', 'jer', 'ihr', 'sie', 'nochmal', 'nochmals', 'i', 'jag', 'jeg', 'ich', 'vi', 'wir', 'we',
  'for', 'för', 'für', 'och', 'og', 'und', 'and', 'in', 'im', 'på', 'the', 'den', 'det', 'das', 'die', 'der', 'mycket', 'meget', 'veldig',
]);
const MAX_NAME_WORDS = 3;
const BREAK = /^[,:;!\n—–-]$/;

const FIRST_WORD = new Map<string, { words: string[]; cue: Cue }[]>();
for (const [cue, list] of Object.entries(PHRASES) as [Cue, string[]][]) {
  for (const p of list) {
    const words = p.split(' ');
    const at = FIRST_WORD.get(words[0]!) ?? [];
    at.push({ words, cue });
    FIRST_WORD.set(words[0]!, at);
  }
}
for (const list of FIRST_WORD.values()) list.sort((a, b) => b.words.length - a.words.length);

export function findNames(s: string, tokens: readonly Token[]): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const phrase = phraseAt(s, tokens, k);
    if (!phrase) continue;
    const weak = phrase.cue === 'signoff' && WEAK.has(phrase.text) && !(isLineStart(tokens, k) && endsLine(tokens, phrase.end));
    const span = nameAfter(s, tokens, phrase.end, phrase.cue, weak);
    if (span) {
      out.push(span);
      k = span.tokenEnd;
    } else k = phrase.end - 1;
  }
  return out;
}

/** The longest cue phrase starting at token k: its cue, words and the token after it. */
function phraseAt(s: string, tokens: readonly Token[], k: number): { cue: Cue; text: string; end: number } | undefined {
  const candidates = FIRST_WORD.get(tokens[k]!.text.toLowerCase());
  if (!candidates) return undefined;
  // Greetings and sign-offs open a message, line or clause, or are capitalised: not "the best price".
  const opens = k === 0 || !/^[\p{L}\p{N}]/u.test(tokens[k - 1]!.text) || /^\p{Lu}/u.test(tokens[k]!.text);
  for (const { words, cue } of candidates) {
    if ((!opens && cue !== 'intro') || k + words.length > tokens.length) continue;
    let ok = true;
    for (let w = 1; w < words.length && ok; w++) ok = tokens[k + w]!.text.toLowerCase() === words[w] && adjacent(s, tokens[k + w - 1]!, tokens[k + w]!);
    if (ok) return { cue, text: words.join(' '), end: k + words.length };
  }
  return undefined;
}

const isLineStart = (tokens: readonly Token[], k: number) => k === 0 || tokens[k - 1]!.text === '\n';

/** Whether one to three words after token k end the line or the text ("Hilsen Silje", "LG Sabine"). */
function endsLine(tokens: readonly Token[], k: number): boolean {
  for (let j = k; j < tokens.length && j - k <= MAX_NAME_WORDS; j++) if (tokens[j]!.text === '\n') return j > k;
  return tokens.length - k >= 1 && tokens.length - k <= MAX_NAME_WORDS;
}

function nameAfter(s: string, tokens: readonly Token[], k: number, cue: Cue, weak: boolean): (PiiSpan & { tokenEnd: number }) | undefined {
  let j = k;
  let broke = false;
  // A sign-off may end its line ("Mvh,\nKari"); a greeting and an introduction run straight on.
  if (cue === 'signoff') {
    while (j < tokens.length && j - k < 3 && BREAK.test(tokens[j]!.text)) {
      j++;
      broke = true;
    }
  } else if (tokens[j]?.text === ',' && cue === 'greeting') return undefined;
  if (weak && !broke) return undefined;
  if (tokens[j] && TITLES.has(tokens[j]!.text.toLowerCase())) {
    j++;
    if (tokens[j]?.text === '.') j++;
  }
  const first = j;
  while (j < tokens.length && j - first < MAX_NAME_WORDS && isName(tokens[j]!.text) && (j === first || adjacent(s, tokens[j - 1]!, tokens[j]!))) j++;
  if (j === first) return undefined;
  // After a greeting the name ends the clause: "Hi Anna," but not "Hi Could you …".
  const after = tokens[j]?.text;
  if (cue === 'greeting' && after !== undefined && !/^[,!.:;\n]$/.test(after)) return undefined;
  return { start: tokens[first]!.start, end: tokens[j - 1]!.end, kind: 'name', tokenEnd: j - 1 };
}

const isName = (t: string) => t.length >= 2 && isCapitalised(t) && !NOT_NAMES.has(t.toLowerCase());
