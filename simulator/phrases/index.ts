/** All phrase books by language code. Add a language by writing a book and listing it here. */
import type { PhraseBook } from './types.ts';
import { da } from './da.ts';
import { de } from './de.ts';
import { en } from './en.ts';
import { nb } from './nb.ts';
import { sv } from './sv.ts';

export const PHRASE_BOOKS: Readonly<Record<string, PhraseBook>> = { en, sv, nb, da, de };
export const SUPPORTED_LANGUAGES = Object.keys(PHRASE_BOOKS);

export { ARCS, TOPICS } from './types.ts';
export type { Arc, ArcLines, PhraseBook, Topic } from './types.ts';
export { AGENT_NAMES, EMAIL_DOMAINS, PRODUCTS } from './common.ts';
