/**
 * Word-list hit counts (engine/model/lexCounts.ts) at training time: the sign table built from the
 * lists in ../shared/data/lexicons, and the file the model folder ships (hashes and signs, not words).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LEXICON_FILE, lexiconSigns, sha256, wordHash, type LexiconCountsSpec, type LexiconHashesFile, type LexiconSigns } from '../../engine/model/index.ts';
import { writeFileAtomic } from '../../engine/util/index.ts';
import type { LexiconEntry } from './lexicon.ts';

/** The lists as the file stores them: per language, sorted unique hashes of the positive and the negative words. */
export function lexiconHashes(entries: readonly LexiconEntry[]): LexiconHashesFile {
  const langs: LexiconHashesFile['languages'] = {};
  for (const lang of [...new Set(entries.map((e) => e.lang))].sort()) {
    const of = entries.filter((e) => e.lang === lang);
    const hashes = (sign: number): number[] => [...new Set(of.filter((e) => Math.sign(e.polarity) === sign).map((e) => wordHash(e.word)))].sort((a, b) => a - b);
    langs[lang] = { positive: hashes(1), negative: hashes(-1) };
  }
  return {
    about: 'Sentiment word lists (AFINN en/sv/da, NorSentLex nb, SentiWS de; ../shared/data/lexicons) as 32-bit FNV-1a hashes of the words in tokenizer form: the counts features of engine/model/lexCounts.ts. Derived from the lists: their terms apply (see MODEL_CARD.md).',
    hash: 'fnv1a32',
    languages: langs,
  };
}

/** The sign table training uses: exactly what the engine reads back from the file. */
export const trainingSigns = (file: LexiconHashesFile): LexiconSigns => lexiconSigns(file);

/** Writes the file into the model folder; returns the manifest's `lexiconCounts`. */
export function writeLexiconFile(dir: string, file: LexiconHashesFile): LexiconCountsSpec {
  mkdirSync(dir, { recursive: true });
  const bytes = new TextEncoder().encode(`${JSON.stringify(file)}\n`);
  writeFileAtomic(join(dir, LEXICON_FILE), bytes);
  return { file: LEXICON_FILE, sha256: sha256(bytes) };
}
