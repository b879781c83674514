/**
 * Tokenizer shared by training and inference (one code path, so a model always sees the tokens
 * it was trained on). Bump TOKENIZER_VERSION whenever the output for any text changes: the
 * model manifest records it and loading refuses a mismatch.
 */
export const TOKENIZER_VERSION = 1;

export type TokenKind = 'word' | 'symbol' | 'break';

export interface Token {
  text: string;
  kind: TokenKind;
  /** Inside the scope of a preceding negator ("not good" -> good is negated). */
  neg: boolean;
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

/** Contrast words end a negation scope ("not cheap but good"). */
const CONTRAST = new Set(['but', 'however', 'men', 'aber', 'doch', 'sondern', 'dennoch']);

/** How many following words a negator marks. */
export const NEGATION_SCOPE = 3;

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
  return text.normalize('NFKC').toLowerCase().replace(/[’‘`´]/g, "'");
}

function isNegator(word: string): boolean {
  return NEGATORS.has(word) || word.endsWith("n't");
}

/** Tokens with negation marks. Deterministic, no allocation beyond the result. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let negLeft = 0;
  for (const m of normalizeText(text).matchAll(TOKEN_RE)) {
    if (m[1] !== undefined) out.push({ text: '<url>', kind: 'symbol', neg: false });
    else if (m[2] !== undefined) out.push({ text: '<user>', kind: 'symbol', neg: false });
    else if (m[3] !== undefined) out.push({ text: m[3].replace(/[\-o'^]/g, ''), kind: 'symbol', neg: false });
    else if (m[4] !== undefined) out.push({ text: m[4], kind: 'symbol', neg: false });
    else if (m[5] !== undefined) {
      // Elongations ("soooo goood") collapse to two letters so they share features.
      const word = m[5].replace(/(.)\1{2,}/gu, '$1$1');
      if (CONTRAST.has(word)) negLeft = 0;
      out.push({ text: word, kind: 'word', neg: negLeft > 0 });
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
