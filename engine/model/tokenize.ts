/**
 * Tokenizer shared by training and inference (one code path, so a model always sees the tokens
 * it was trained on). Bump TOKENIZER_VERSION whenever the output for any text changes: the
 * model manifest records it and loading refuses a mismatch.
 *
 * Version 2: negators that follow the verb in the verb-second languages ("det fungerar inte",
 * "es funktioniert nicht") also mark the two words before them; intensifiers ("very", "helt",
 * "sehr") are flagged so the featurizer gives them no unigram of their own (they still form
 * bigrams): in review and social-media data they lean positive, which made "helt elendigt"
 * positive.
 */
export const TOKENIZER_VERSION = 2;

export type TokenKind = 'word' | 'symbol' | 'break';

export interface Token {
  text: string;
  kind: TokenKind;
  /** Inside the scope of a preceding negator ("not good" -> good is negated). */
  neg: boolean;
  /** An intensifier ("very", "helt", "sehr"): no polarity of its own, so no unigram or character features; it still forms bigrams. */
  intensifier?: boolean;
}

/** Negators of en, sv, nb, da, de in one set: one featurizer for all five languages. */
const NEGATORS = new Set([
  // en (plus common apostrophe-less spellings seen in chat)
  'not', 'no', 'never', 'nor', 'neither', 'nobody', 'nothing', 'none', 'cannot', 'without',
  'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'cant', 'couldnt', 'wont',
  'wouldnt', 'shouldnt', 'havent', 'hasnt', 'hadnt', 'aint',
  // sv
  'inte', 'ej', 'aldrig', 'ingen', 'inget', 'inga', 'icke', 'ingenting', 'utan',
  // nb / nn
  'ikke', 'ikkje', 'aldri', 'intet', 'uten', 'ingenting',
  // da (ikke, ingen, intet, aldrig, ingenting shared above)
  'uden',
  // de
  'nicht', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'keines', 'nie', 'niemals', 'nichts',
  'ohne', 'weder', 'niemand',
]);

/** Degree adverbs of en, sv, nb, da, de (ambiguous ones like "so", "för", "zu" left out). */
const INTENSIFIERS = new Set([
  'very', 'really', 'extremely', 'totally', 'completely', 'absolutely', 'incredibly', 'highly', 'truly', 'super', 'utterly',
  'mycket', 'väldigt', 'jätte', 'helt', 'otroligt', 'riktigt', 'extremt', 'verkligen', 'fruktansvärt',
  'veldig', 'svært', 'utrolig', 'skikkelig', 'ekstremt', 'virkelig',
  'meget', 'rigtig', 'vildt', 'særdeles',
  'sehr', 'total', 'völlig', 'echt', 'wirklich', 'extrem', 'absolut', 'ganz', 'unglaublich', 'äußerst',
]);

/** Contrast words end a negation scope ("not cheap but good"). */
const CONTRAST = new Set(['but', 'however', 'men', 'aber', 'doch', 'sondern', 'dennoch']);

/** How many following words a negator marks. */
export const NEGATION_SCOPE = 3;

/**
 * Negators that also follow what they negate: in the verb-second languages the finite verb comes
 * before the negation ("det fungerar inte", "det virker ikke", "es funktioniert nicht", "das
 * gefällt mir nicht"), so these also mark up to BACK_SCOPE words before them in the same clause.
 */
const POST_NEGATORS = new Set(['inte', 'ej', 'icke', 'ikke', 'ikkje', 'nicht', 'nie', 'niemals', 'aldrig', 'aldri']);
export const BACK_SCOPE = 2;

// One pass over the text; alternation order matters (URL before emoticon, emoticon before break).
const TOKEN_RE = new RegExp(
  [
    String.raw`(https?:\/\/\S+|www\.\S+|<url>)`, // 1 url
    String.raw`(@[\p{L}\p{N}_]+|<id>|<user>)`, // 2 user mention / masked id
    String.raw`([:;=][\-o'^]?[()\[\]dpo\/\\|*]+|[()\[\]]+[\-o']?[:;=]|<3+|\bx+d+\b)`, // 3 emoticon
    String.raw`(\p{Extended_Pictographic})`, // 4 emoji (modifiers and ZWJ are skipped)
    String.raw`([\p{L}\p{M}\p{N}]+(?:'[\p{L}]+)*)`, // 5 word
    String.raw`([!?]+|[.,;:]+)`, // 6 punctuation: clause break
  ].join('|'),
  'gu',
);

/** Unicode-normalised, lower-cased text with typographic apostrophes unified. */
export function normalizeText(text: string): string {
  // NFKC leaves ASCII as it is (the common case: its check is cheap next to the normalizer).
  const n = ASCII.test(text) ? text.toLowerCase() : text.normalize('NFKC').toLowerCase();
  return APOSTROPHES.test(n) ? n.replace(APOSTROPHES_ALL, "'") : n;
}

const ASCII = /^[\x00-\x7f]*$/;
const APOSTROPHES = /[’‘`´]/;
const APOSTROPHES_ALL = /[’‘`´]/g;

function isNegator(word: string): boolean {
  return NEGATORS.has(word) || word.endsWith("n't");
}

const ELONGATION = /(.)\1{2,}/gu;

/**
 * Elongations ("soooo goood") collapsed to two letters so they share features. The regex runs only
 * on words that can have one: three equal code units in a row, or a surrogate pair (a code point
 * beyond the BMP repeated is no three equal code units).
 */
function collapseElongation(word: string): string {
  let prev = -1, run = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return word.replace(ELONGATION, '$1$1');
    run = c === prev ? run + 1 : 1;
    if (run === 3) return word.replace(ELONGATION, '$1$1');
    prev = c;
  }
  return word;
}

/** Tokens with negation marks. Deterministic, no allocation beyond the result. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let negLeft = 0;
  const s = normalizeText(text);
  // exec on the one global regex: matchAll would copy it and make an iterator per text.
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(s); m !== null; m = TOKEN_RE.exec(s)) {
    if (m[1] !== undefined) out.push({ text: '<url>', kind: 'symbol', neg: false });
    else if (m[2] !== undefined) out.push({ text: '<user>', kind: 'symbol', neg: false });
    else if (m[3] !== undefined) out.push({ text: m[3].replace(/[\-o'^]/g, ''), kind: 'symbol', neg: false });
    else if (m[4] !== undefined) out.push({ text: m[4], kind: 'symbol', neg: false });
    else if (m[5] !== undefined) {
      const word = collapseElongation(m[5]);
      if (CONTRAST.has(word)) negLeft = 0;
      if (POST_NEGATORS.has(word)) {
        for (let k = out.length - 1, left = BACK_SCOPE; k >= 0 && left > 0; k--) {
          const t = out[k]!;
          if (t.kind !== 'word' || CONTRAST.has(t.text) || isNegator(t.text)) break;
          t.neg = true;
          left--;
        }
      }
      out.push(INTENSIFIERS.has(word) ? { text: word, kind: 'word', neg: negLeft > 0, intensifier: true } : { text: word, kind: 'word', neg: negLeft > 0 });
      if (negLeft > 0) negLeft--;
      if (isNegator(word)) negLeft = NEGATION_SCOPE;
    } else if (m[6] !== undefined) {
      negLeft = 0;
      const p = m[6];
      // "!" and "?" carry tone; other punctuation only breaks clauses.
      if (p[0] === '!' || p[0] === '?') out.push({ text: p[0] === '!' ? (p.length > 1 ? '!!' : '!') : '?', kind: 'symbol', neg: false });
      out.push({ text: '', kind: 'break', neg: false });
    }
  }
  return out;
}
