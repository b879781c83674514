import { describe, expect, it } from 'vitest';
import { EMOTION_LABELS } from '../../engine/event/types.ts';
import { readSeed } from '../../training/heads/data.ts';
import { EMOTION_CUE_LANGS, EMOTION_CUE_WORDS, EMOTION_POLARITY, emotionCues, emotionTargets } from '../../training/heads/emotionCues.ts';

/** Targets as { label: 1 | 0 | 'unknown' } for readable expectations. */
function named(t: Float32Array | undefined): Record<string, number | 'unknown'> | undefined {
  if (!t) return undefined;
  return Object.fromEntries(EMOTION_LABELS.map((l, j) => [l, Number.isNaN(t[j]!) ? 'unknown' : t[j]!]));
}

describe('emotion cue words (weak labels for sv, nb, da, de)', () => {
  it('has a list for every emotion but neutral in each of the four languages', () => {
    expect([...EMOTION_CUE_LANGS].sort()).toEqual(['da', 'de', 'nb', 'sv']);
    for (const e of EMOTION_LABELS.filter((l) => l !== 'neutral')) {
      for (const lang of EMOTION_CUE_LANGS) expect(EMOTION_CUE_WORDS[e as Exclude<typeof e, 'neutral'>][lang as 'sv'].length).toBeGreaterThan(3);
    }
  });

  it('matches whole words in any case, in the text\'s own language only', () => {
    expect(emotionCues('Tack så mycket!', 'sv')).toEqual(['gratitude']);
    expect(emotionCues('Vi ska tackla det', 'sv')).toEqual([]);
    expect(emotionCues('Ich bin total VERWIRRT', 'de')).toEqual(['confusion']);
    expect(emotionCues('Ich bin total verwirrt', 'sv')).toEqual([]);
    expect(emotionCues('I am so angry', 'en')).toEqual([]);
  });

  it('labels a negative text by its agreeing cue, rules out neutral and the positive emotions, and leaves the other negative ones unknown', () => {
    expect(named(emotionTargets('Jag är så arg på er', 'sv', 0))).toEqual({
      anger: 1, frustration: 'unknown', disappointment: 'unknown', confusion: 'unknown', joy: 0, enthusiasm: 0, gratitude: 0, neutral: 0,
    });
  });

  it('does not take a cue that disagrees with the human label ("tack för ingenting" said in anger)', () => {
    const t = named(emotionTargets('Tack för ingenting', 'sv', 0));
    expect(t).toMatchObject({ gratitude: 0, neutral: 0, anger: 'unknown' });
    expect(emotionTargets('Tack för ingenting', 'sv', 0, false)).toBeUndefined();
  });

  it('makes neutral only from a neutral text without any cue', () => {
    expect(named(emotionTargets('Pakken kom på tirsdag', 'da', 1))).toEqual({
      anger: 0, frustration: 0, disappointment: 0, confusion: 0, joy: 0, enthusiasm: 0, gratitude: 0, neutral: 1,
    });
    expect(emotionTargets('Tak, pakken kom på tirsdag', 'da', 1)).toBeUndefined();
  });

  it('mirrors the negative case for positive texts, and abstains outside the four languages', () => {
    expect(named(emotionTargets('Vielen Dank, alles super', 'de', 2))).toEqual({
      anger: 0, frustration: 0, disappointment: 0, confusion: 0, joy: 'unknown', enthusiasm: 1, gratitude: 1, neutral: 0,
    });
    expect(emotionTargets('Thanks a lot', 'en', 2)).toBeUndefined();
  });

  it('gives every emotion a polarity, confusion among the negative ones', () => {
    expect(EMOTION_LABELS.map((l) => EMOTION_POLARITY[l])).toEqual([0, 0, 0, 0, 2, 2, 2, 1]);
  });
});

describe('the hand-written emotion lines (data/heads/emotion.jsonl, held out only)', () => {
  it('hold 16 lines of every emotion in each of the five languages, all held out, no text twice', () => {
    const lines = readSeed('emotion', EMOTION_LABELS);
    const cells = new Map<string, number>();
    for (const l of lines) cells.set(`${l.lang}/${l.label}`, (cells.get(`${l.lang}/${l.label}`) ?? 0) + 1);
    for (const lang of ['en', 'sv', 'nb', 'da', 'de']) for (const label of EMOTION_LABELS) expect(cells.get(`${lang}/${label}`), `${lang}/${label}`).toBe(16);
    expect(lines.every((l) => l.split === 'test')).toBe(true);
    expect(new Set(lines.map((l) => l.text.toLowerCase())).size).toBe(lines.length);
  });
});
