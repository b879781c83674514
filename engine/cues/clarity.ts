import type { LongMessageJargonRule } from './rules.ts';

/**
 * Clarity of an agent's reply: long sentences and a high share of long words (jargon, product
 * codes, stacked compounds) are what make a customer ask again. Plain counts, no model, so the
 * agent can see at once why the cue fired. Words are runs of letters and digits; a sentence
 * ends at . ! ? or a line break.
 */
export interface ClarityStats {
  words: number;
  sentences: number;
  /** Mean words per sentence. */
  wordsPerSentence: number;
  /** Share of words with at least `longWordChars` characters, 0..1. */
  longShare: number;
}

export function clarityStats(text: string, longWordChars: number): ClarityStats {
  const sentences = text.split(/[.!?]+|\n+/).map((s) => s.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).filter((w) => w.length > 0);
  const words = sentences.flat();
  const long = words.filter((w) => [...w].length >= longWordChars).length;
  return {
    words: words.length,
    sentences: sentences.length,
    wordsPerSentence: sentences.length > 0 ? words.length / sentences.length : 0,
    longShare: words.length > 0 ? long / words.length : 0,
  };
}

/**
 * Null when the reply is short or clear enough. Otherwise `severity` is minus the larger of the two
 * overshoots (1 = at the threshold), so a reply twice as convoluted re-fires inside the cooldown.
 */
export function jargonFinding(text: string, r: LongMessageJargonRule): { severity: number; vars: Record<string, number> } | null {
  const s = clarityStats(text, r.longWordChars);
  if (s.words < r.minWords) return null;
  const over = Math.max(s.wordsPerSentence / r.maxWordsPerSentence, s.longShare / r.maxLongWordShare);
  if (over <= 1) return null;
  return { severity: -over, vars: { words: Math.round(s.wordsPerSentence), longShare: Math.round(s.longShare * 100) } };
}
