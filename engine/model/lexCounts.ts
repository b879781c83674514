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

/**
 * Word hash -> +1 / -1 for one language: open addressing over typed arrays (no boxed keys: the
 * hashes are unsigned 32-bit, beyond V8's small integers, and a Map of them costs several times
 * the lookup itself on the scoring path).
 */
export class SignTable {
  private readonly keys: Uint32Array;
  private readonly signs: Int8Array;
  private readonly mask: number;

  constructor(positive: readonly number[], negative: readonly number[]) {
    let size = 16;
    while (size < 2 * (positive.length + negative.length)) size *= 2;
    this.keys = new Uint32Array(size);
    this.signs = new Int8Array(size);
    this.mask = size - 1;
    for (const h of positive) this.put(h, 1);
    for (const h of negative) this.put(h, -1);
  }

  private put(h: number, sign: number): void {
    const k = h >>> 0 || 1; // 0 marks an empty slot
    let i = k & this.mask;
    while (this.keys[i] !== 0 && this.keys[i] !== k) i = (i + 1) & this.mask;
    this.keys[i] = k;
    this.signs[i] = sign;
  }

  /** +1, -1, or 0 for a word not in the list. */
  sign(h: number): number {
    const k = h >>> 0 || 1;
    for (let i = k & this.mask; ; i = (i + 1) & this.mask) {
      const at = this.keys[i]!;
      if (at === k) return this.signs[i]!;
      if (at === 0) return 0;
    }
  }
}

/** Per language, the sign table of its list. */
export type LexiconSigns = ReadonlyMap<string, SignTable>;

/** The sign table of a file's contents. */
export function lexiconSigns(file: LexiconHashesFile): LexiconSigns {
  return new Map(Object.entries(file.languages).map(([lang, { positive, negative }]) => [lang, new SignTable(positive, negative)]));
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

/** The count features' ids in the shared range, per bucket count (computed once: they are 13 fixed strings). */
const COUNT_IDS = new Map<number, { pos: number[]; neg: number[]; diff: number[] }>();
function countIds(buckets: number): { pos: number[]; neg: number[]; diff: number[] } {
  let c = COUNT_IDS.get(buckets);
  if (!c) {
    c = {
      pos: [0, 1, 2, 3].map((k) => countId(buckets, `pos${k}`)),
      neg: [0, 1, 2, 3].map((k) => countId(buckets, `neg${k}`)),
      diff: [-2, -1, 0, 1, 2].map((k) => countId(buckets, `diff${k}`)),
    };
    COUNT_IDS.set(buckets, c);
  }
  return c;
}

/**
 * The three count features of `tokens` for a text whose language has `signs`, as ids in language
 * block `block` (index into architecture.languageRows).
 */
export function lexCountIds(tokens: readonly Token[], signs: SignTable, buckets: number, block: number): number[] {
  let pos = 0, neg = 0;
  for (const t of tokens) {
    if (t.kind !== 'word' || t.intensifier) continue;
    const s = signs.sign(wordHash(t.text));
    if (s === 0) continue;
    if ((t.neg ? -s : s) > 0) pos++;
    else neg++;
  }
  const shift = (block + 1) * buckets, c = countIds(buckets);
  return [c.pos[Math.min(pos, 3)]! + shift, c.neg[Math.min(neg, 3)]! + shift, c.diff[Math.max(-2, Math.min(2, pos - neg)) + 2]! + shift];
}

/**
 * A text's feature ids for a model: the hashed n-grams, their copies in the block of the text's
 * language, then (when the model has word-list counts and the language a list) the count ids.
 * The one featurization of the wide sentiment model, for training and the scorer alike.
 */
export function modelFeatures(spec: FeaturizerSpec, languageRows: readonly string[] | undefined, signs: LexiconSigns | undefined, text: string, lang: string | undefined): Int32Array {
  const tokens = tokenize(text);
  const base = featurizeTokens(spec, tokens);
  const l = rowLanguage(lang) ?? '';
  const words = signs?.get(l), block = languageRows?.indexOf(l) ?? -1;
  if (!words || block < 0 || base.length === 0) return withLanguageRows(base, spec.buckets, languageRows, lang);
  // Base ids, their copies in the block, the three counts: one allocation (as withLanguageRows, plus three).
  const n = base.length, shift = (block + 1) * spec.buckets;
  const out = new Int32Array(2 * n + 3);
  out.set(base);
  for (let k = 0; k < n; k++) out[n + k] = base[k]! + shift;
  out.set(lexCountIds(tokens, words, spec.buckets, block), 2 * n);
  return out;
}
