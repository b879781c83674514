/** A word, number or punctuation mark with its place in the text; newlines are tokens too. */
export interface Token {
  start: number;
  end: number;
  text: string;
}

// Every alternative starts with one character class and the runs cannot overlap the next token,
// so matchAll moves forward through the text once: linear.
const TOKEN = /[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*|\n|[^\s]/gu;

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  for (const m of s.matchAll(TOKEN)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return out;
}

const CAPITALISED = /^\p{Lu}[\p{Ll}\p{M}]+(?:[-'’]\p{Lu}?[\p{Ll}\p{M}]+)*$/u;

/** "Anna", "Müller", "Anna-Karin", "O'Neill": a capital letter, then small ones. */
export const isCapitalised = (t: string) => CAPITALISED.test(t);

/** Only spaces or tabs between two tokens (no punctuation, no line break). */
export const adjacent = (s: string, a: Token, b: Token) => /^[ \t\u00a0]+$/.test(s.slice(a.end, b.start));
