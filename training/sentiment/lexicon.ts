/**
 * Sentiment word lists as a prior of the linear model, not as a classifier and not shipped: before
 * training, the unigram row of every listed word in its language's block starts at
 * `strength * polarity` for positive and `-strength * polarity` for negative (neutral 0), and the
 * negated form (`NEG_word`) at `negated` times that. Training moves these rows like any other, so
 * the data overrides the list where they disagree; the list mostly helps words the training sets
 * never or rarely show (NorSentLex lists every inflected form). Only the resulting weights ship;
 * the lists themselves stay in the data folder.
 *
 * Lists read from `<data>/lexicons/` (see its README for sources and terms): AFINN (word<TAB>score
 * -5..5) for en, sv, da; NorSentLex full forms for nb (one word a line, polarity by file); SentiWS
 * for de (`word|POS<TAB>weight<TAB>inflections`, CRLF). Multi-word entries are skipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenize, type FeaturizerSpec, featurizeWith } from '../../engine/model/index.ts';

export interface LexiconEntry { lang: string; word: string; polarity: number }

interface ListFile { file: string; lang: string; parse: (line: string) => LexiconEntry[] }

const afinn = (lang: string) => (line: string): LexiconEntry[] => {
  const [word, score] = line.split('\t');
  const v = Number(score);
  return word && Number.isFinite(v) && v !== 0 ? [{ lang, word, polarity: Math.max(-1, Math.min(1, v / 5)) }] : [];
};
const wordList = (lang: string, polarity: number) => (line: string): LexiconEntry[] => (line ? [{ lang, word: line, polarity }] : []);
/** SentiWS weights are mostly small (median |w| about 0.04): a floor keeps listed words from vanishing. */
const sentiws = (line: string): LexiconEntry[] => {
  const [head, weight, inflections] = line.split('\t');
  const w = Number(weight);
  if (!head || !Number.isFinite(w) || w === 0) return [];
  const polarity = Math.sign(w) * Math.min(1, 0.3 + 0.7 * Math.abs(w));
  const words = [head.split('|')[0]!, ...(inflections ? inflections.split(',') : [])];
  return words.filter(Boolean).map((word) => ({ lang: 'de', word, polarity }));
};

export const LEXICON_FILES: readonly ListFile[] = [
  { file: 'afinn-en-165.txt', lang: 'en', parse: afinn('en') },
  { file: 'afinn-sv-165.txt', lang: 'sv', parse: afinn('sv') },
  { file: 'afinn-da-32.txt', lang: 'da', parse: afinn('da') },
  { file: 'norsentlex-nb-positive.txt', lang: 'nb', parse: wordList('nb', 0.6) },
  { file: 'norsentlex-nb-negative.txt', lang: 'nb', parse: wordList('nb', -0.6) },
  { file: 'sentiws-de-positive.txt', lang: 'de', parse: sentiws },
  { file: 'sentiws-de-negative.txt', lang: 'de', parse: sentiws },
];

/**
 * Every single-word entry of the lists found under `<dataDir>/lexicons` for the given languages;
 * a word listed twice in one language keeps the polarity of larger magnitude. Missing files are
 * reported through `log` and skipped (the prior is then weaker, training still runs).
 */
export function loadLexicons(dataDir: string, langs: readonly string[], log: (line: string) => void = () => {}): LexiconEntry[] {
  const byKey = new Map<string, LexiconEntry>();
  for (const f of LEXICON_FILES.filter((x) => langs.includes(x.lang))) {
    const path = join(dataDir, 'lexicons', f.file);
    if (!existsSync(path)) { log(`lexicon prior: ${path} not found, skipped`); continue; }
    let n = 0;
    for (const raw of readFileSync(path, 'utf8').split(/\r?\n/)) {
      for (const e of f.parse(raw.trim())) {
        const toks = tokenize(e.word).filter((t) => t.kind === 'word');
        if (toks.length !== 1 || toks[0]!.intensifier) continue;
        const word = toks[0]!.text;
        const key = `${e.lang}\u0001${word}`;
        const had = byKey.get(key);
        if (!had || Math.abs(e.polarity) > Math.abs(had.polarity)) byKey.set(key, { lang: e.lang, word, polarity: e.polarity });
        n++;
      }
    }
    log(`lexicon prior: ${f.file} ${n} words`);
  }
  return [...byKey.values()];
}

export interface PriorOptions {
  spec: FeaturizerSpec;
  /** Language blocks of the model, in row order (block i starts at (i + 1) * buckets). */
  languageRows: readonly string[];
  numClasses: number;
  /** Weight of a polarity-1 word on its class row. */
  strength: number;
  /** Factor for the negated form (NEG_word): it starts at minus this times the word's value (0.5 flips and halves). */
  negated: number;
  /** Factor for the shared rows (0 = the language block only). */
  shared: number;
  /** Factor for the block of a close language (Norwegian Bokmål and Danish share most written words); 0 = none. */
  sibling?: number;
}

/** Languages close enough in writing that one's word list is a weaker prior for the other. */
const SIBLINGS: Record<string, readonly string[]> = { nb: ['da'], da: ['nb'] };

/** Initial values of the listed words' unigram rows: (row index into the weight table, class, value) triples, flattened. */
export function lexiconPrior(entries: readonly LexiconEntry[], o: PriorOptions): Float64Array {
  const out: number[] = [];
  const { buckets } = o.spec;
  const put = (id: number, polarity: number, factor: number): void => {
    if (factor === 0) return;
    const v = o.strength * polarity * factor;
    out.push(id, 0, -v / 2, id, o.numClasses - 1, v / 2);
  };
  for (const e of entries) {
    const block = o.languageRows.indexOf(e.lang);
    if (block < 0) continue;
    // The unigram is the first feature of a one-word text; in "not <word>" the second is NEG_word.
    const plain = featurizeWith(o.spec, e.word)[0];
    const neg = featurizeWith(o.spec, `not ${e.word}`)[1];
    if (plain === undefined) continue;
    put(plain + (block + 1) * buckets, e.polarity, 1);
    for (const sib of SIBLINGS[e.lang] ?? []) {
      const b = o.languageRows.indexOf(sib);
      if (b >= 0) put(plain + (b + 1) * buckets, e.polarity, o.sibling ?? 0);
    }
    put(plain, e.polarity, o.shared);
    if (neg !== undefined) put(neg + (block + 1) * buckets, e.polarity, -o.negated);
  }
  return Float64Array.from(out);
}
