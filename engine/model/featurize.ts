/**
 * Hashed n-gram features (fastText style): word unigrams, word bigrams and character n-grams
 * of words, each hashed with 32-bit FNV-1a into `buckets` ids. Id 0 is reserved for padding.
 * The spec is stored in the model manifest and read back at load time, so training and
 * inference use the same numbers through this one function.
 */
import { NEGATION_SCOPE, TOKENIZER_VERSION, tokenize, type Token } from './tokenize.ts';

export interface FeaturizerSpec {
  kind: 'hashed-ngrams';
  tokenizerVersion: number;
  /** Hash function over UTF-16 code units; documented so other runtimes can reproduce ids. */
  hash: 'fnv1a32';
  /** Number of embedding rows including the padding row 0; ids are 1 + hash % (buckets - 1). */
  buckets: number;
  /** Features beyond this are dropped (unigrams first, then bigrams, then char n-grams). */
  maxFeatures: number;
  /** Character n-gram lengths, taken over "<word>" with boundary marks. */
  charNgrams: number[];
  negationScope: number;
  /** Longest word n-gram: 2 (unigrams and bigrams; also when absent, as in older manifests) or 3 (adds trigrams). */
  wordNgrams?: number;
}

export function defaultFeaturizerSpec(buckets = 1 << 18, maxFeatures = 1024, charNgrams: number[] = [3, 4], wordNgrams = 2): FeaturizerSpec {
  const spec: FeaturizerSpec = { kind: 'hashed-ngrams', tokenizerVersion: TOKENIZER_VERSION, hash: 'fnv1a32', buckets, maxFeatures, charNgrams, negationScope: NEGATION_SCOPE };
  return wordNgrams === 2 ? spec : { ...spec, wordNgrams };
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over code units of `s[from, to)`, continuing from state `h`. */
function fnv(h: number, s: string, from = 0, to = s.length): number {
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** Unsigned 32-bit FNV-1a of a string (also used for seeded data splits). */
export function hashString(s: string): number {
  return fnv(FNV_OFFSET, s) >>> 0;
}

// Namespace tags keep a unigram "ok" apart from the char n-gram "<ok" and so on.
const NS_WORD = fnv(FNV_OFFSET, 'w\u0001');
const NS_BIGRAM = fnv(FNV_OFFSET, 'b\u0001');
const NS_TRIGRAM = fnv(FNV_OFFSET, 't\u0001');
const NS_CHAR = fnv(FNV_OFFSET, 'c\u0001');
const NEG_MARK = 'NEG_';
const NS_CHAR_NEG = fnv(NS_CHAR, NEG_MARK);

/** FNV-1a state after `h` and a token's text as a feature: negated words get the NEG_ prefix. */
function fnvUnit(h: number, t: Token): number {
  return fnv(t.neg ? fnv(h, NEG_MARK) : h, t.text);
}

const SPACE = 0x20;
/** One code unit more. */
const step = (h: number, code: number): number => Math.imul(h ^ code, FNV_PRIME);

/**
 * One text's ids as featurizeTokens collects them: deduplicated in first-seen order through an
 * open-addressing set whose slots count as empty unless stamped with the current text's number,
 * so nothing is cleared or allocated per text. Module state: featurizeTokens does not re-enter.
 */
let ids = new Int32Array(1024);
let count = 0;
let limit = 0;
let mod = 1;
let slotIds = new Int32Array(4096);
let slotStamps = new Int32Array(4096);
let mask = 4095;
let stamp = 0;
/** Code units of "<word>" for the character n-grams, and the running hashes from each start. */
let codes = new Int32Array(64);
let running = new Int32Array(64);

/** Adds the id of hash `h`; false once maxFeatures ids are collected (the caller stops there). */
function add(h: number): boolean {
  // 1 + (h >>> 0) % mod without the remainder V8 computes as a double for values past 2^31 (a
  // call, several times slower). Exact: for integers below 2^53 the rounded quotient never
  // reaches the next integer, so its floor is the integer quotient.
  const u = h >>> 0;
  const id = 1 + (u - mod * Math.floor(u / mod));
  let i = id & mask;
  for (;;) {
    if (slotStamps[i] !== stamp) {
      slotStamps[i] = stamp;
      slotIds[i] = id;
      ids[count++] = id;
      break;
    }
    if (slotIds[i] === id) break;
    i = (i + 1) & mask;
  }
  return count < limit;
}

/** Readies the module state for a text with at most `maxFeatures` ids. */
function begin(spec: FeaturizerSpec): void {
  mod = spec.buckets - 1;
  limit = spec.maxFeatures;
  count = 0;
  if (ids.length < limit) ids = new Int32Array(limit);
  if (slotIds.length < 2 * limit) {
    let size = slotIds.length;
    while (size < 2 * limit) size *= 2;
    slotIds = new Int32Array(size);
    slotStamps = new Int32Array(size);
    mask = size - 1;
    stamp = 0;
  }
  if (++stamp > 0x7fffffff - 1) {
    slotStamps.fill(0);
    stamp = 1;
  }
}

/**
 * Feature ids of one text, deduplicated, in a fixed order, at most spec.maxFeatures long.
 * Intensifiers (tokenize.ts) get no unigram or character n-grams, only bigrams.
 * Empty text gives an empty array. `lang` is accepted for API stability: the v1 featurizer is
 * language-independent on purpose, so misdetected or mixed-language text is scored the same.
 */
export function featurizeWith(spec: FeaturizerSpec, text: string, _lang?: string): Int32Array {
  return featurizeTokens(spec, tokenize(text));
}

/** featurizeWith on tokens already made (the scorer tokenizes once for these ids and the word-list counts). */
export function featurizeTokens(spec: FeaturizerSpec, tokens: readonly Token[]): Int32Array {
  begin(spec);
  collect(spec, tokens);
  return ids.slice(0, count);
}

/** The ids of `tokens` into the module state, in order: unigrams, bigrams, (trigrams), character n-grams; stops at maxFeatures. */
function collect(spec: FeaturizerSpec, tokens: readonly Token[]): void {
  for (const t of tokens) if (t.kind !== 'break' && !t.intensifier && !add(fnvUnit(NS_WORD, t))) return;
  // Bigrams do not cross clause breaks: "good. not" is not a phrase.
  let prev: Token | undefined;
  for (const t of tokens) {
    if (t.kind === 'break') { prev = undefined; continue; }
    if (prev !== undefined && !add(fnvUnit(step(fnvUnit(NS_BIGRAM, prev), SPACE), t))) return;
    prev = t;
  }
  if ((spec.wordNgrams ?? 2) >= 3) {
    let p1: Token | undefined, p2: Token | undefined;
    for (const t of tokens) {
      if (t.kind === 'break') { p1 = p2 = undefined; continue; }
      if (p1 !== undefined && p2 !== undefined && !add(fnvUnit(step(fnvUnit(step(fnvUnit(NS_TRIGRAM, p2), SPACE), p1), SPACE), t))) return;
      p2 = p1;
      p1 = t;
    }
  }
  const grams = spec.charNgrams;
  // Longer n-grams continue the hashes of the shorter ones from the same start when the lengths go up.
  let increasing = true;
  for (let k = 1; k < grams.length; k++) if (grams[k]! <= grams[k - 1]!) increasing = false;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.intensifier) continue;
    // "<word>" as code units.
    const text = t.text, len = text.length + 2;
    if (codes.length < len) {
      codes = new Int32Array(2 * len);
      running = new Int32Array(2 * len);
    }
    codes[0] = 0x3c;
    for (let i = 0; i < text.length; i++) codes[i + 1] = text.charCodeAt(i);
    codes[len - 1] = 0x3e;
    const base = t.neg ? NS_CHAR_NEG : NS_CHAR;
    let done = 0;
    for (const n of grams) {
      // Whole short words are already unigrams; skip n-grams equal to the marked word.
      if (len <= n) continue;
      for (let i = 0; i + n <= len; i++) {
        let h: number;
        if (increasing) {
          // running[i]: the hash of the `done` code units from i.
          h = done === 0 ? base : running[i]!;
          for (let k = i + done; k < i + n; k++) h = step(h, codes[k]!);
          running[i] = h;
        } else {
          h = base;
          for (let k = i; k < i + n; k++) h = step(h, codes[k]!);
        }
        if (!add(h)) return;
      }
      done = n;
    }
  }
}

/** Language code as the language rows know it: lower case, primary subtag; Norwegian variants are nb. */
export function rowLanguage(lang: string | undefined): string | undefined {
  if (!lang) return undefined;
  const l = lang.toLowerCase().split(/[-_]/)[0]!;
  return l === 'no' || l === 'nn' ? 'nb' : l;
}

/**
 * Feature ids for a model with language rows (manifest architecture.languageRows): the base ids
 * followed by each id's copy in the block of the text's language, `id + (i + 1) * buckets`. A
 * language the model has no block for (or none given) gets the base ids only, which the model
 * was also trained on (language-row dropout), so an unknown language degrades, never fails.
 */
export function withLanguageRows(base: Int32Array, buckets: number, languages: readonly string[] | undefined, lang: string | undefined): Int32Array {
  if (!languages || languages.length === 0 || base.length === 0) return base;
  const i = languages.indexOf(rowLanguage(lang) ?? '');
  if (i < 0) return base;
  const out = new Int32Array(base.length * 2);
  out.set(base);
  const shift = (i + 1) * buckets;
  for (let k = 0; k < base.length; k++) out[base.length + k] = base[k]! + shift;
  return out;
}
