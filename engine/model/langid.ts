/**
 * Rule-based language guess for en, sv, nb, da, de: frequent function words (a word shared by
 * k languages gives each 1/k), letters only some of the languages use (ä ö ü ß æ ø å), and a
 * few spelling patterns that separate Norwegian from Danish. Pure and allocation-light: a chat
 * line takes a few microseconds. Looks at the first MAX_CHARS characters only.
 */
import type { LanguageGuess } from '../event/types.ts';

export const DETECTED_LANGUAGES = ['en', 'sv', 'nb', 'da', 'de'] as const;
type Lang = (typeof DETECTED_LANGUAGES)[number];
const L: Record<Lang, number> = { en: 0, sv: 1, nb: 2, da: 3, de: 4 };
const MAX_CHARS = 1000;

// Hand-picked frequent words; spelling differences (meg/mig, noen/nogen, hva/hvad/vad) carry
// most of the weight between the three Scandinavian languages.
const WORDS: Record<Lang, string> = {
  en: `the a an and or but is are was were be been am i'm it's im dont don't can't cant you your he she it we they them their
    this that these those what which who how why when where there here have has had do does did not no yes to of on at by
    from with about as into than then very just only please thanks thank would could should shall may might must my me our
    us his its get got make made like want need know think good bad great really still even because if while after before
    again new one all any some more most much many other out up off any anyone something nothing ever never order account`,
  sv: `och är inte jag att det som på med för av till om vad hur när här där också bara nu från efter mycket tack hej mig
    dig sig vi ni de du hon han min din sin vår er era något några ingen inget inga alla får fick blir blev varit eller
    sedan sen än då ju väl nog kanske bra dålig dåligt tyvärr hade igen hela ska skulle kommer finns vara göra gör säger
    själv mer inom utan varför vilken vilket dem dom mitt mina ett en den denna detta dessa kan vill skall har lite riktigt
    verkligen aldrig alltid jättebra fortfarande behöver tycker känns mej dej sej va nån nåt`,
  nb: `og er ikke jeg det at som på med for av til om hva hvordan når her der også bare nå fra etter mye takk hei meg deg
    seg vi dere de du hun han min din sin vår noe noen ingen alle får fikk blir ble vært eller siden enn da jo vel nok
    kanskje bra dårlig dessverre hadde igjen hele skal skulle kommer finnes være gjøre gjør sier selv mer uten hvorfor
    hvilken dem mitt mine et en den denne dette disse kan vil har litt veldig virkelig aldri alltid fortsatt trenger synes
    sånn mellom opp ut gikk kjøpt ikkje eg kva nei å gjennom bli fordi ha gått tatt gitt henne gjerne ennå lage tenke tenker
    kjenne si spørre vite vet hjelp hjelpe blitt ganger`,
  da: `og er ikke jeg det at som på med for af til om hvad hvordan når her der også bare nu fra efter meget tak hej mig
    dig sig vi jer de du hun han min din sin vores noget nogen nogle ingen alle får fik bliver blev været eller siden end da jo
    vel nok måske godt dårlig desværre havde igen hele skal skulle kommer findes være gøre gør siger selv mere uden hvorfor
    hvilken dem mit mine et en den denne dette disse kan vil har lidt rigtig virkelig aldrig altid stadig synes sådan mellem
    op ud gik købt nej os lige blive gennem fordi have gået taget givet hende gerne endnu lave tænke
    tænker kende sige spørge vide ved hjælp hjælpe igennem sgu blevet gange`,
  de: `ich du er sie es wir ihr und oder aber nicht kein keine ist sind war waren bin bist hat haben hatte wird werden wurde
    kann können muss müssen soll will das die der den dem des ein eine einen einem einer zu von mit für auf aus bei nach
    über durch um im am vom zum zur ins auch nur noch schon sehr mehr jetzt immer wieder hier heute was wie wer wo warum
    weil dass daß wenn ob mich mir dich dir sich uns euch mein meine dein sein seine ihre unser gut danke bitte hallo ja
    nein doch mal gibt geht macht leider wirklich etwas nichts alles diese dieser dieses habe hab ganz schon`,
};

const WORD_WEIGHTS = new Map<string, Float32Array>();
for (const lang of DETECTED_LANGUAGES) {
  for (const w of WORDS[lang].split(/\s+/)) {
    if (!w) continue;
    const v = WORD_WEIGHTS.get(w) ?? new Float32Array(5);
    v[L[lang]] = 1;
    WORD_WEIGHTS.set(w, v);
  }
}
for (const v of WORD_WEIGHTS.values()) {
  const k = v.reduce((a, b) => a + b, 0);
  for (let i = 0; i < 5; i++) v[i]! /= k;
}
// "at" is the Danish infinitive marker as well as a conjunction, so it is far more frequent
// in Danish than in Norwegian (which uses "å") or English.
WORD_WEIGHTS.set('at', Float32Array.from([0.2, 0, 0.25, 0.55, 0]));

/** Letter cues, per occurrence: [en, sv, nb, da, de]. */
const CHAR_CUES: Record<string, readonly number[]> = {
  ä: [0, 0.6, 0, 0, 0.4], ö: [0, 0.6, 0, 0, 0.4], ü: [0, 0, 0, 0, 1], ß: [0, 0, 0, 0, 1],
  æ: [0, 0, 0.4, 0.6, 0], ø: [0, 0, 0.5, 0.5, 0], å: [0, 0.34, 0.33, 0.33, 0],
};

/** Spelling patterns inside words not in the lists, per occurrence. */
const PATTERNS: readonly [RegExp, readonly number[]][] = [
  [/øy|kj|gj|ei(?=[ksnrt]|$)|sjon$|ene$|^ut/u, [0, 0, 0.5, 0, 0]], // nb: høy, kjøp, gjøre, -sjon, bilene, utvikling
  [/øj|hed$|heden$|erne$|^ud|igt$|ede$/u, [0, 0, 0, 0.5, 0]], // da: høj, -hed, bilerne, udvikling, vigtigt
  [/arna$|erna$|orna$|igt$|ligt$|tj|ck/u, [0, 0.4, 0, 0, 0]], // sv: bilarna, viktigt, tjej, tack
  [/sch|cht|ung$|keit$|heit$|tz|ei/u, [0, 0, 0, 0, 0.4]],
  [/th|wh|ing$|ght|ould|tion$|ly$/u, [0.5, 0, 0, 0, 0]],
];

const WORD_RE = /[\p{L}']+/gu;
const UNKNOWN_SCORE = 0.5;

/** Best guess among en, sv, nb, da, de; 'und' (confidence 0) when the evidence is too thin. */
export function detectLanguage(text: string): LanguageGuess {
  const s = new Float64Array(5);
  const sample = (text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text).toLowerCase();
  for (const m of sample.matchAll(WORD_RE)) {
    const w = m[0];
    const v = WORD_WEIGHTS.get(w);
    if (v) {
      for (let i = 0; i < 5; i++) s[i]! += v[i]!;
      continue;
    }
    for (let c = 0; c < w.length; c++) {
      const cue = CHAR_CUES[w[c]!];
      if (cue) for (let i = 0; i < 5; i++) s[i]! += cue[i]!;
    }
    if (w.length >= 4) for (const [re, cue] of PATTERNS) if (re.test(w)) for (let i = 0; i < 5; i++) s[i]! += cue[i]!;
  }
  let best = 0;
  for (let i = 1; i < 5; i++) if (s[i]! > s[best]!) best = i;
  // Softmax against a constant "unknown" score, so one weak cue is not a confident guess.
  const top = Math.max(s[best]!, UNKNOWN_SCORE);
  let z = Math.exp(2 * (UNKNOWN_SCORE - top));
  for (let i = 0; i < 5; i++) z += Math.exp(2 * (s[i]! - top));
  const p = Math.exp(2 * (s[best]! - top)) / z;
  if (s[best]! < 0.5) return { lang: 'und', confidence: 0 };
  if (p < 0.4) {
    // Written Bokmål and Danish share most short sentences; when the text is clearly one of the
    // two, answer the better (Norwegian on a tie: a seed market) at its honest, low confidence.
    const nbOrDa = (Math.exp(2 * (s[L.nb]! - top)) + Math.exp(2 * (s[L.da]! - top))) / z;
    if (!(best === L.nb || best === L.da) || nbOrDa < 0.6) return { lang: 'und', confidence: 0 };
  }
  return { lang: DETECTED_LANGUAGES[best]!, confidence: Math.round(p * 1000) / 1000 };
}
