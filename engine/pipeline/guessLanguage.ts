import { map, type OperatorFunction } from 'rxjs';
import type { LanguageGuess } from '../event/types.ts';
import type { Languaged, Redacted } from './types.ts';

/** Uses the language the source declared, or guesses it from the (redacted) text. */
export function guessLanguage(detect: (text: string) => LanguageGuess): OperatorFunction<Redacted, Languaged> {
  return map((item) => ({
    ...item,
    language: item.event.lang ? { lang: item.event.lang, confidence: 1 } : detect(item.text),
  }));
}
