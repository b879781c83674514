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

/** Token text as a feature: negated words get the NEG_ prefix. */
function unit(t: { text: string; neg: boolean }): string {
  return t.neg ? NEG_MARK + t.text : t.text;
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
  const mod = spec.buckets - 1;
  const seen = new Set<number>();
  const out: number[] = [];
  const add = (h: number): boolean => {
    const id = 1 + ((h >>> 0) % mod);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
    return out.length < spec.maxFeatures;
  };
  for (const t of tokens) if (t.kind !== 'break' && !t.intensifier && !add(fnv(NS_WORD, unit(t)))) return Int32Array.from(out);
  // Bigrams do not cross clause breaks: "good. not" is not a phrase.
  let prev: string | undefined;
  for (const t of tokens) {
    if (t.kind === 'break') { prev = undefined; continue; }
    const u = unit(t);
    if (prev !== undefined && !add(fnv(fnv(fnv(NS_BIGRAM, prev), ' '), u))) return Int32Array.from(out);
    prev = u;
  }
  if ((spec.wordNgrams ?? 2) >= 3) {
    let p1: string | undefined, p2: string | undefined;
    for (const t of tokens) {
      if (t.kind === 'break') { p1 = p2 = undefined; continue; }
      const u = unit(t);
      if (p1 !== undefined && p2 !== undefined && !add(fnv(fnv(fnv(fnv(fnv(NS_TRIGRAM, p2), ' '), p1), ' '), u))) return Int32Array.from(out);
      p2 = p1;
      p1 = u;
    }
  }
  for (const t of tokens) {
    if (t.kind !== 'word' || t.intensifier) continue;
    const w = `<${t.text}>`;
    const base = t.neg ? fnv(NS_CHAR, NEG_MARK) : NS_CHAR;
    for (const n of spec.charNgrams) {
      // Whole short words are already unigrams; skip n-grams equal to the marked word.
      if (w.length <= n) continue;
      for (let i = 0; i + n <= w.length; i++) if (!add(fnv(base, w, i, i + n))) return Int32Array.from(out);
    }
  }
  return Int32Array.from(out);
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
