/**
 * Word-list hit counts as features of the wide sentiment model (manifest `lexiconCounts`): for a
 * text in a language that has a list, the listed words are counted (a word in a negator's scope
 * counts for the other side) and three indicator features say how many positive hits (0, 1, 2,
 * 3+), how many negative hits, and their difference (-2..2). They live in the language's block of
 * rows only (after the language copies of the text's ids), so the heads, which read the base ids,
 * never see them, and a text without a block gets none.
 *
 * The model folder ships the lists as 32-bit FNV-1a hashes of the words (tokenizer form) with
 * their sign (`lexicon.json`), not as words; they are derived from the word lists in
 * ../shared/data/lexicons and carry their terms (see the model card).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { featurizeTokens, hashString, rowLanguage, withLanguageRows, type FeaturizerSpec } from './featurize.ts';
import { sha256 } from './manifest.ts';
import { tokenize, type Token } from './tokenize.ts';

export const LEXICON_FILE = 'lexicon.json';

/** What the manifest says about the counts: the file and its SHA-256. */
export interface LexiconCountsSpec {
  file: string;
  sha256: string;
}

/** The file: per language, the hashes of the positive and of the negative words. */
export interface LexiconHashesFile {
  about: string;
  hash: 'fnv1a32';
  languages: Record<string, { positive: number[]; negative: number[] }>;
}

/** Per language, word hash -> +1 / -1. */
export type LexiconSigns = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** The sign table of a file's contents. */
export function lexiconSigns(file: LexiconHashesFile): LexiconSigns {
  const out = new Map<string, Map<number, number>>();
  for (const [lang, { positive, negative }] of Object.entries(file.languages)) {
    const m = new Map<number, number>();
    for (const h of positive) m.set(h, 1);
    for (const h of negative) m.set(h, -1);
    out.set(lang, m);
  }
  return out;
}

/** Reads and checks the folder's lexicon file against the manifest's SHA-256. */
export function readLexiconSigns(dir: string, spec: LexiconCountsSpec): LexiconSigns {
  const path = join(dir, spec.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`cannot load sentiment model: word-list file ${path} is unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (sha256(bytes) !== spec.sha256) throw new Error(`invalid word-list file ${path}: SHA-256 does not match the manifest (corrupt or from another model)`);
  return lexiconSigns(JSON.parse(bytes.toString('utf8')) as LexiconHashesFile);
}

/** Hash of a word as the file stores it. */
export const wordHash = (word: string): number => hashString(word);

const countId = (buckets: number, s: string): number => 1 + (hashString(`\u0002lex\u0001${s}`) % (buckets - 1));

/**
 * The three count features of `tokens` for a text whose language has `signs`, as ids in language
 * block `block` (index into architecture.languageRows).
 */
export function lexCountIds(tokens: readonly Token[], signs: ReadonlyMap<number, number>, buckets: number, block: number): number[] {
  let pos = 0, neg = 0;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.intensifier) continue;
    const s = signs.get(wordHash(t.text));
    if (s === undefined) continue;
    if ((t.neg ? -s : s) > 0) pos++;
    else neg++;
  }
  const shift = (block + 1) * buckets;
  return [
    countId(buckets, `pos${Math.min(pos, 3)}`) + shift,
    countId(buckets, `neg${Math.min(neg, 3)}`) + shift,
    countId(buckets, `diff${Math.max(-2, Math.min(2, pos - neg))}`) + shift,
  ];
}

/** `ids` (base ids then the block's copies) with the count ids appended. */
export function withLexCounts(ids: Int32Array, counts: readonly number[]): Int32Array {
  if (counts.length === 0) return ids;
  const out = new Int32Array(ids.length + counts.length);
  out.set(ids);
  out.set(counts, ids.length);
  return out;
}

/**
 * A text's feature ids for a model: the hashed n-grams, their copies in the block of the text's
 * language, then (when the model has word-list counts and the language a list) the count ids.
 * The one featurization of the wide sentiment model, for training and the scorer alike.
 */
export function modelFeatures(spec: FeaturizerSpec, languageRows: readonly string[] | undefined, signs: LexiconSigns | undefined, text: string, lang: string | undefined): Int32Array {
  const tokens = tokenize(text);
  const ids = withLanguageRows(featurizeTokens(spec, tokens), spec.buckets, languageRows, lang);
  if (!signs || !languageRows || ids.length === 0) return ids;
  const l = rowLanguage(lang) ?? '';
  const words = signs.get(l), block = languageRows.indexOf(l);
  return words && block >= 0 ? withLexCounts(ids, lexCountIds(tokens, words, spec.buckets, block)) : ids;
}
