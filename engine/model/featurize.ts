/**
 * Hashed n-gram features (fastText style): word unigrams, word bigrams and character n-grams
 * of words, each hashed with 32-bit FNV-1a into `buckets` ids. Id 0 is reserved for padding.
 * The spec is stored in the model manifest and read back at load time, so training and
 * inference use the same numbers through this one function.
 */
import { NEGATION_SCOPE, TOKENIZER_VERSION, tokenize } from './tokenize.ts';

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
}

export function defaultFeaturizerSpec(buckets = 1 << 18, maxFeatures = 1024): FeaturizerSpec {
  return { kind: 'hashed-ngrams', tokenizerVersion: TOKENIZER_VERSION, hash: 'fnv1a32', buckets, maxFeatures, charNgrams: [3, 4], negationScope: NEGATION_SCOPE };
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
const NS_CHAR = fnv(FNV_OFFSET, 'c\u0001');
const NEG_MARK = 'NEG_';

/** Token text as a feature: negated words get the NEG_ prefix. */
function unit(t: { text: string; neg: boolean }): string {
  return t.neg ? NEG_MARK + t.text : t.text;
}

/**
 * Feature ids of one text, deduplicated, in a fixed order, at most spec.maxFeatures long.
 * Empty text gives an empty array. `lang` is accepted for API stability: the v1 featurizer is
 * language-independent on purpose, so misdetected or mixed-language text is scored the same.
 */
export function featurizeWith(spec: FeaturizerSpec, text: string, _lang?: string): Int32Array {
  const tokens = tokenize(text);
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
  const units: string[] = [];
  for (const t of tokens) if (t.kind !== 'break') units.push(unit(t));
  for (const u of units) if (!add(fnv(NS_WORD, u))) return Int32Array.from(out);
  // Bigrams do not cross clause breaks: "good. not" is not a phrase.
  let prev: string | undefined;
  for (const t of tokens) {
    if (t.kind === 'break') { prev = undefined; continue; }
    const u = unit(t);
    if (prev !== undefined && !add(fnv(fnv(fnv(NS_BIGRAM, prev), ' '), u))) return Int32Array.from(out);
    prev = u;
  }
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
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
