import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ClassScore, ComplaintKind, SentimentScore, UrgencyLabel } from '../../engine/event/types.ts';
import { COMPLAINT_LANGS, implicitComplaint, raisedUrgency } from '../../engine/model/index.ts';
import { useCommittedTextScorer } from '../helpers/model.ts';

// Written after the phrase lists and not used to write them: other wordings, other orders.
const COMPLAINTS: [string, string, ComplaintKind][] = [
  ['en', 'This is the 4th time I am writing about the same invoice.', 'repeated_contact'],
  ['en', 'I have already emailed your team and got nothing back.', 'repeated_contact'],
  ['en', 'I rang you guys three times last week about this.', 'repeated_contact'],
  ['en', 'Been stuck on hold for 45 minutes, is anyone there?', 'waiting'],
  ['en', 'My replacement phone never showed up.', 'unresolved'],
  ['en', 'You charged my card twice for one order.', 'unresolved'],
  ['en', 'Still nothing from your side about the missing refund.', 'unresolved'],
  ['sv', 'Det här är fjärde gången jag hör av mig om samma sak.', 'repeated_contact'],
  ['sv', 'Jag har redan mejlat två gånger utan resultat.', 'repeated_contact'],
  ['sv', 'Paketet har aldrig kommit fram.', 'unresolved'],
  ['sv', 'Har suttit i telefonkö hela förmiddagen.', 'waiting'],
  ['nb', 'Jeg har allerede sendt kvitteringen, hva mer trenger dere?', 'repeated_contact'],
  ['nb', 'Venter fremdeles på pengene tilbake.', 'waiting'],
  ['nb', 'Fikk aldri noen bekreftelse, og ingen svar på e-posten.', 'unresolved'],
  ['da', 'Jeg har allerede ringet til jer i går.', 'repeated_contact'],
  ['da', 'Ordren er stadig ikke leveret efter en måned.', 'unresolved'],
  ['da', 'Har siddet i telefonkø i over en time.', 'waiting'],
  ['de', 'Ich habe bereits zweimal angerufen und niemand konnte helfen.', 'repeated_contact'],
  ['de', 'Das Paket ist bis heute nicht da.', 'unresolved'],
  ['de', 'Ich hänge seit 40 Minuten in der Warteschleife.', 'waiting'],
  ['de', 'Die Rückzahlung ist noch immer nicht auf meinem Konto.', 'unresolved'],
];

const PLAIN: [string, string][] = [
  ['en', 'Can I change the delivery address for order 5521?'],
  ['en', 'Thanks, the new router works great.'],
  ['en', 'Is the shop open on Saturday?'],
  ['en', 'I would like to add my partner to the account.'],
  ['sv', 'Kan jag byta leveransadress på min order?'],
  ['sv', 'Tack, allt fungerar nu!'],
  ['nb', 'Hvordan endrer jeg passordet mitt?'],
  ['nb', 'Tusen takk for god hjelp i dag.'],
  ['da', 'Hvornår åbner butikken i morgen?'],
  ['da', 'Tak for den hurtige hjælp.'],
  ['de', 'Wie kann ich meine Adresse ändern?'],
  ['de', 'Ich bin seit 10 Jahren zufriedener Kunde.'],
];

describe('implicitComplaint', () => {
  for (const [lang, text, kind] of COMPLAINTS) {
    it(`finds ${kind} in "${text}" (${lang})`, () => {
      const c = implicitComplaint(text, lang);
      expect(c?.kind).toBe(kind);
      expect(text.replace(/\s+/g, ' ')).toContain(c!.phrase);
    });
  }

  it('finds nothing in plain questions, requests and thanks', () => {
    expect(PLAIN.map(([lang, t]) => [t, implicitComplaint(t, lang)]).filter(([, c]) => c)).toEqual([]);
  });

  it('is not fooled by "no answer needed" in any language', () => {
    const polite: [string, string][] = [
      ['en', 'No answer needed, just letting you know.'], ['sv', 'Behöver inget svar, ville bara tacka.'], ['sv', 'Inget svar behövs.'],
      ['nb', 'Trenger ingen svar på dette.'], ['da', 'Behøver intet svar.'], ['de', 'Keine Antwort nötig, nur zur Info.'],
    ];
    expect(polite.filter(([l, t]) => implicitComplaint(t, l))).toEqual([]);
    expect(implicitComplaint('Ich habe keine Antwort bekommen.', 'de')?.phrase).toBe('keine Antwort');
    expect(implicitComplaint('Jag har fått inget svar.', 'sv')?.phrase).toBe('inget svar');
  });

  it('matches whole words only, and other languages\' phrases only when the language is unknown', () => {
    expect(implicitComplaint('the thirdtimer club', 'en')).toBeUndefined();
    expect(implicitComplaint('Ich warte immer noch', 'de')?.kind).toBe('waiting');
    // German phrase, Swedish text: not looked for; unknown language: every list.
    expect(implicitComplaint('Ich warte immer noch', 'sv')).toBeUndefined();
    expect(implicitComplaint('Ich warte immer noch')?.kind).toBe('waiting');
    expect(implicitComplaint('Ich warte immer noch', 'xx-unknown')?.kind).toBe('waiting');
    // English is looked for in every language (customers switch).
    expect(implicitComplaint('Hej, still waiting på svar', 'sv')?.kind).toBe('waiting');
    expect(COMPLAINT_LANGS).toEqual(['en', 'sv', 'nb', 'da', 'de']);
  });

  it('reads counts and units: digits and count words, not years in German', () => {
    expect(implicitComplaint('waited 3 days for a call', 'en')?.phrase).toBe('waited 3 days');
    expect(implicitComplaint('we have been waiting for two weeks', 'en')?.kind).toBe('waiting');
    expect(implicitComplaint('Wir warten auf nichts, seit zwei Wochen ist alles gut', 'de')?.phrase).toBe('seit zwei Wochen');
    expect(implicitComplaint('Kunde seit 12 Jahren', 'de')).toBeUndefined();
  });

  it('never throws, is deterministic and quotes words that are in the text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.constantFrom(undefined, 'en', 'sv', 'nb', 'da', 'de', 'fr'), (s, lang) => {
      const a = implicitComplaint(s, lang);
      expect(implicitComplaint(s, lang)).toEqual(a);
      if (a) expect(s.replace(/\s+/g, ' ')).toContain(a.phrase);
    }), { numRuns: 500 });
    const words = fc.constantFrom('still', 'waiting', 'for', '3', 'days', 'already', 'called', 'never', 'no', 'answer', 'immer', 'noch', 'nicht', ' ', '\n');
    fc.assert(fc.property(fc.array(words, { maxLength: 40 }), (ws) => {
      const s = ws.join(' ');
      const a = implicitComplaint(s);
      if (a) expect(s.replace(/\s+/g, ' ')).toContain(a.phrase);
    }), { numRuns: 500 });
  });

  it('finishes a megabyte of near-misses (every quantifier is bounded)', () => {
    const hostile = [
      'already '.repeat(130_000),
      'waiting for '.repeat(90_000),
      `${'a'.repeat(1_000_000)} still waiting`,
      `seit ${' '.repeat(1_000_000)}3 Wochen`,
      'on hold on hold 1 1 1 '.repeat(45_000),
    ];
    const found = hostile.map((s) => implicitComplaint(s)?.kind);
    expect(found).toEqual([undefined, undefined, 'waiting', undefined, undefined]);
  });
});

const normal: ClassScore<UrgencyLabel> = { label: 'normal', confidence: 0.94 };
const neutral: SentimentScore = { label: 'neutral', score: -0.1, confidence: 0.5 };
const positive: SentimentScore = { label: 'positive', score: 0.7, confidence: 0.8 };
const p = (l: UrgencyLabel): number => ({ low: 0.01, normal: 0.94, high: 0.04, critical: 0.01 })[l];

describe('raisedUrgency', () => {
  const complaint = { kind: 'repeated_contact' as const, phrase: 'Third time' };

  it('raises low or normal to high with the head\'s own answer and the reason', () => {
    expect(raisedUrgency(normal, complaint, neutral, p)).toEqual({
      label: 'high', confidence: 0.04, raisedFrom: { label: 'normal', confidence: 0.94 }, reason: 'repeated contact: "Third time"',
    });
    expect(raisedUrgency({ label: 'low', confidence: 0.7 }, complaint, neutral, p).label).toBe('high');
  });

  it('leaves the head\'s answer without a complaint, on a positive text, or when it already says high or critical', () => {
    expect(raisedUrgency(normal, undefined, neutral, p)).toBe(normal);
    expect(raisedUrgency(normal, complaint, positive, p)).toBe(normal);
    const critical: ClassScore<UrgencyLabel> = { label: 'critical', confidence: 0.8 };
    expect(raisedUrgency(critical, complaint, neutral, p)).toBe(critical);
  });
});

describe('served urgency with the committed model', () => {
  const scorer = useCommittedTextScorer();

  it('carries the complaint in signals and, unless the text is positive, urgency at least high with the reason', async () => {
    const texts = ['Third time I ask: where is my refund?', 'Tredje gången jag frågar om fakturan.', 'Where is the nearest shop?'];
    const langs = ['en', 'sv', 'en'];
    const out = await scorer().predictAll(texts.map((t, i) => scorer().featurize(t, langs[i])), texts, langs);
    for (const s of out.slice(0, 2)) {
      expect(s.signals!.implicitComplaint?.kind).toBe('repeated_contact');
      if (s.sentiment.label === 'positive') continue;
      expect(['high', 'critical']).toContain(s.urgency!.label);
      if (s.urgency!.raisedFrom) expect(s.urgency!.reason).toMatch(/^repeated contact: "(Third time|Tredje gången)"$/);
    }
    expect(out[2]!.signals!.implicitComplaint).toBeUndefined();
    expect(out[2]!.urgency!.raisedFrom).toBeUndefined();
    // Without texts there are no signals, and urgency is the head's.
    const bare = await scorer().predictAll([scorer().featurize(texts[0]!, 'en')]);
    expect(bare[0]!.signals).toBeUndefined();
    expect(bare[0]!.urgency!.raisedFrom).toBeUndefined();
  });
});
