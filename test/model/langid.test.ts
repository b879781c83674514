import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../engine/model/index.ts';
import { LANGUAGE_FIXTURES } from './fixtures.ts';

describe('detectLanguage', () => {
  for (const [lang, lines] of Object.entries(LANGUAGE_FIXTURES)) {
    it(`recognises ${lang}`, () => {
      for (const line of lines) {
        const g = detectLanguage(line);
        expect({ line, lang: g.lang }).toEqual({ line, lang });
        expect(g.confidence).toBeGreaterThan(0);
        expect(g.confidence).toBeLessThanOrEqual(1);
      }
    });
  }

  it("answers 'und' without evidence", () => {
    for (const t of ['', 'ok', '👍👍', '12345', '!!!']) expect(detectLanguage(t)).toEqual({ lang: 'und', confidence: 0 });
  });

  // Speed is measured by `npm run bench`, not asserted here: timed tests flake on a noisy machine.
  it('copes with very long texts', () => {
    expect(detectLanguage('Tack så mycket för hjälpen! '.repeat(10_000)).lang).toBe('sv');
  });
});
