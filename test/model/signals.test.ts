import { describe, expect, it } from 'vitest';
import type { SentimentScore } from '../../engine/event/types.ts';
import { hiddenSignals, politeMarker, tailClause } from '../../engine/model/index.ts';
import { useCommittedTextScorer } from '../helpers/model.ts';

const neutral: SentimentScore = { label: 'neutral', score: 0, confidence: 0.6 };
const negative: SentimentScore = { label: 'negative', score: -0.8, confidence: 0.9 };
const positive: SentimentScore = { label: 'positive', score: 0.8, confidence: 0.9 };

describe('tailClause', () => {
  it('takes the clause after the last contrast marker of the language', () => {
    expect(tailClause('Thanks, it works in principle, but the answers are sometimes slow.', 'en'))
      .toEqual({ marker: 'but', tail: 'the answers are sometimes slow.' });
    expect(tailClause('Tack, det fungerar men svaren är ibland långsamma, dock inte alltid', 'sv'))
      .toEqual({ marker: 'dock', tail: 'inte alltid' });
    expect(tailClause('Danke, es geht, allerdings dauert alles sehr lange.', 'de')?.marker).toBe('allerdings');
  });

  it('finds no tail without a marker, inside other words, or when the tail is too short', () => {
    expect(tailClause('Thank you for the quick help!', 'en')).toBeUndefined();
    expect(tailClause('The butter arrived', 'en')).toBeUndefined();
    expect(tailClause('Fine, but ok', 'en')).toBeUndefined();
  });

  it('does not read English "men" as a Nordic marker when the language is known', () => {
    expect(tailClause('The men at the desk were helpful', 'en')).toBeUndefined();
    expect(tailClause('Bra service men lång väntetid i telefon', 'sv')?.marker).toBe('men');
  });
});

describe('politeMarker', () => {
  it('finds polite wording per language', () => {
    expect(politeMarker('Could you please check my order?', 'en')).toBe('please');
    expect(politeMarker('Tack för hjälpen', 'sv')).toBe('tack');
    expect(politeMarker('Bitte um Rückruf', 'de')).toBe('bitte');
    expect(politeMarker('Send venligst fakturaen', 'da')).toBe('venligst');
    expect(politeMarker('Where is my parcel?', 'en')).toBeUndefined();
  });
});

describe('hiddenSignals', () => {
  const tail = { marker: 'but', tail: 'the answers are slow' };
  it('flags polite, not-negative text with a negative tail and says why', () => {
    const s = hiddenSignals({ text: 'Thanks, it works, but the answers are slow', lang: 'en', overall: positive, tail: { ...tail, sentiment: negative } });
    expect(s.politeNegative).toBe(true);
    expect(s.evidence).toContain('"thanks"');
    expect(s.evidence).toContain('after "but": "the answers are slow"');
  });

  it('does not flag impolite text, text already negative overall, or a positive tail', () => {
    expect(hiddenSignals({ text: 'It works, but the answers are slow', lang: 'en', overall: neutral, tail: { ...tail, sentiment: negative } }).politeNegative).toBe(false);
    expect(hiddenSignals({ text: 'Thanks, but the answers are slow', lang: 'en', overall: negative, tail: { ...tail, sentiment: negative } }).politeNegative).toBe(false);
    expect(hiddenSignals({ text: 'Thanks, but the answers are fast', lang: 'en', overall: positive, tail: { ...tail, sentiment: positive } })).toEqual({ politeNegative: false });
  });
});

describe('politeNegative through the committed model', () => {
  const scorer = useCommittedTextScorer();

  const run = (cases: readonly [string, string][]) =>
    scorer().predictAll(cases.map(([t, l]) => scorer().featurize(t, l)), cases.map((c) => c[0]), cases.map((c) => c[1]));

  it('flags polite complaints in English and Swedish and names the clause', async () => {
    const [en, sv] = await run([
      ['Thanks, it works in principle, but the answers are sometimes slow', 'en'],
      ['Tack, det fungerar i princip men svaren är ibland långsamma', 'sv'],
    ]);
    expect(en!.signals).toMatchObject({ politeNegative: true });
    expect(en!.signals!.evidence).toMatch(/"thanks".*"but".*the answers are sometimes slow/);
    expect(sv!.signals).toMatchObject({ politeNegative: true });
    expect(sv!.signals!.evidence).toMatch(/"tack".*"men".*svaren är ibland långsamma/);
  });

  it('does not flag a plain polite thank-you', async () => {
    const out = await run([
      ['Thank you so much for your help, everything works now!', 'en'],
      ['Tack så mycket för hjälpen, nu fungerar allt!', 'sv'],
      ['Vielen Dank für die schnelle Hilfe, jetzt klappt alles!', 'de'],
    ]);
    expect(out.map((s) => s.signals)).toEqual([{ politeNegative: false }, { politeNegative: false }, { politeNegative: false }]);
  });

  it('leaves signals out when predictAll gets no texts', async () => {
    const [s] = await scorer().predictAll([scorer().featurize('Thanks, but it is slow', 'en')]);
    expect(s!.signals).toBeUndefined();
  });
});
