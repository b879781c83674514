/**
 * Implicit complaints: customers rarely write an angry word when something is wrong, they state
 * the wrong state ("third time I ask", "on hold for 2 hours", "never arrived", "ingen svar",
 * "immer noch nicht"). Phrase rules in five languages find three kinds: repeated contact, waiting
 * time and an unresolved state. Deterministic and linear in the text: one compiled regex per
 * language whose every quantifier is bounded, so the work per start position is bounded too.
 *
 * Phrase grammar (lower case, words separated by one space):
 *   `a/b/c`  one of these words (`_` joins the words of one choice: `has_not`)         `<n>`  a count (digits or the language's count words)
 *   `<t>`    a unit of time               `~`    up to two other words ("already ~ called")
 *   `-a/b`   first token: not right after one of these words ("behöver inget svar" is no complaint)
 *   `!a/b`   last token: not right before one of these words ("no answer needed")
 */
import type { ClassScore, ComplaintKind, ImplicitComplaint, SentimentScore, UrgencyLabel } from '../event/types.ts';

type Phrases = Record<ComplaintKind, readonly string[]>;

/** Counts and units of time per language, for `<n>` and `<t>`. */
const COUNTS: Record<string, readonly string[]> = {
  en: ['a', 'an', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'several', 'many', 'a few', 'a couple of', 'multiple'],
  sv: ['en', 'ett', 'två', 'tre', 'fyra', 'fem', 'sex', 'sju', 'åtta', 'nio', 'tio', 'flera', 'många', 'några'],
  nb: ['en', 'ett', 'et', 'to', 'tre', 'fire', 'fem', 'seks', 'sju', 'syv', 'åtte', 'ni', 'ti', 'flere', 'mange', 'noen'],
  da: ['en', 'et', 'to', 'tre', 'fire', 'fem', 'seks', 'syv', 'otte', 'ni', 'ti', 'flere', 'mange', 'nogle'],
  de: ['ein', 'eine', 'einer', 'einem', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben', 'acht', 'neun', 'zehn', 'mehreren', 'mehrere', 'vielen', 'ein paar'],
};
const UNITS: Record<string, readonly string[]> = {
  en: ['minute', 'minutes', 'min', 'mins', 'hour', 'hours', 'hrs', 'day', 'days', 'week', 'weeks', 'month', 'months'],
  sv: ['minut', 'minuter', 'timme', 'timmar', 'timmen', 'dag', 'dagar', 'vecka', 'veckor', 'månad', 'månader'],
  nb: ['minutt', 'minutter', 'time', 'timer', 'dag', 'dager', 'døgn', 'uke', 'uker', 'måned', 'måneder'],
  da: ['minut', 'minutter', 'time', 'timer', 'dag', 'dage', 'døgn', 'uge', 'uger', 'måned', 'måneder'],
  // No years: "seit 10 Jahren Kunde" is loyalty, not waiting.
  de: ['minute', 'minuten', 'stunde', 'stunden', 'tag', 'tage', 'tagen', 'woche', 'wochen', 'monat', 'monate', 'monaten'],
};

/** The phrase lists. Written from how customers chase an issue; see the README for the firing rate on neutral and positive texts. */
export const COMPLAINT_PHRASES: Record<string, Phrases> = {
  en: {
    repeated_contact: [
      'third/fourth/fifth/sixth/3rd/4th/5th/6th/umpteenth/nth time',
      'second/2nd time ~ asking/ask/asked/writing/write/calling/call/called/contacting/contact/contacted/reporting/complaining/chasing',
      'already called/phoned/rang/wrote/written/emailed/e-mailed/mailed/messaged/contacted/asked/complained/reported/explained/sent',
      'called/phoned/rang/wrote/written/emailed/e-mailed/messaged/contacted/asked/chased/complained ~ <n> times',
      'called/phoned/rang/wrote/written/emailed/e-mailed/messaged/contacted/asked/chased/complained ~ twice/repeatedly',
      'again and again', 'over and over', 'yet again', 'how many times',
      'asking/writing/calling/chasing/contacting/messaging/emailing ~ again',
      'keep/kept asking/calling/writing/chasing/emailing/contacting',
      'follow/following up on my', 'my previous/last/earlier email/e-mail/mail/message/ticket/complaint/request/call',
    ],
    waiting: [
      'still waiting', 'been waiting', 'waiting since', 'waiting for/over <n> <t>', 'waiting <n> <t>', 'waited <n> <t>', 'waited for/over <n> <t>',
      'on hold for', 'on hold ~ <n> <t>', '<n> <t> on hold', 'in the queue for', 'in a queue for', '<n> <t> in the queue',
      'for <n> <t> now', 'days/weeks/months now', "it's/it_has/it’s been <n> <t>", 'since last week/month',
    ],
    unresolved: [
      'never arrived/came/received/got/showed/turned/delivered/answered/replied/responded/refunded/heard/fixed',
      'not yet received/arrived/refunded', 'not received', "haven't/have_not/hasn't/has_not received/arrived/heard/got/gotten",
      "didn't/did_not arrive/receive/get/hear", 'still no/not/nothing/none', "still hasn't/haven't/isn't/doesn't/don't/can't/cannot/wasn't",
      'still broken', 'still charged', 'still being charged',
      'charged/billed/debited/paid ~ twice', 'double charged', 'double-charged', 'double billed', 'charged two times',
      'no answer/reply/response/feedback/news/update/one_answers/one_replies/one_responds/one_called !needed/necessary/required',
      'nobody answers/replies/responds/called/calls/got/gets/has', 'without an/any answer/reply/response',
      'nothing happened/happens', 'nothing has happened',
    ],
  },
  sv: {
    repeated_contact: [
      'tredje/fjärde/femte gången', 'andra gången ~ frågar/skriver/ringer/mejlar/mailar/hör',
      'redan ringt/skrivit/mejlat/mailat/frågat/kontaktat/klagat/förklarat/skickat', 'redan hört av mig',
      'ringt/skrivit/mejlat/mailat/frågat/kontaktat ~ <n> gånger', 'gång på gång', 'om och om igen', 'hur många gånger',
      'frågar/skriver/ringer/mejlar/mailar ~ igen', 'hör av mig igen', 'mitt förra/tidigare mejl/mail/meddelande/ärende/samtal',
    ],
    waiting: [
      'väntar fortfarande', 'fortfarande väntar', 'har väntat', 'väntat i <n> <t>', 'väntat <n> <t>', 'i kö i <n> <t>', 'i telefonkö',
      '<n> <t> i kö', 'sedan förra veckan/månaden', 'i flera dagar/veckor/månader', 'i <n> <t> nu',
    ],
    unresolved: [
      'fortfarande inte/ingen/inget/inga/ingenting', 'ännu inte fått/kommit/fått', 'har inte fått/kommit', 'har ännu inte',
      'aldrig kommit/kom/fått/fick/levererats/svarat', '-behöver/behövs inget/ingen svar !behövs/nödvändigt', 'inte fått svar/något svar/någon återkoppling',
      'ingen har svarat/ringt', 'ingen återkoppling', 'dragit/dragits/debiterat/debiterats/debiterad/betalat/fakturerat ~ två gånger',
      'dubbel debitering', 'dubbeldebiterad', 'dubbeldebiterat', 'inget har hänt', 'ingenting händer', 'ingenting har hänt',
    ],
  },
  nb: {
    repeated_contact: [
      'tredje/fjerde/femte gang/gangen', 'andre gang ~ spør/skriver/ringer/mailer/tar',
      'allerede ringt/skrevet/sendt/spurt/kontaktet/klaget/mailet/forklart', 'har ringt/skrevet/mailet/spurt/kontaktet ~ <n> ganger',
      'gang på gang', 'om og om igjen', 'igjen og igjen', 'hvor mange ganger', 'spør/skriver/ringer/mailer ~ igjen',
      'min forrige/tidligere mail/e-post/melding/henvendelse/sak',
    ],
    waiting: [
      'venter fortsatt/fremdeles/ennå', 'har ventet', 'ventet i <n> <t>', 'ventet <n> <t>', 'i kø i <n> <t>', '<n> <t> i kø', 'i telefonkø',
      'siden forrige uke/måned', 'i flere dager/uker/måneder',
    ],
    unresolved: [
      'fortsatt/fremdeles/ennå ikke/ingen/intet/ingenting', 'har ikke fått/mottatt', 'aldri kommet/kom/fått/mottatt/levert/svart',
      '-trenger/trengs ingen/intet svar !nødvendig/trengs', 'ikke fått svar/noe svar', 'ingen har svart/ringt', 'ingen tilbakemelding',
      'trukket/belastet/betalt/fakturert ~ to ganger', 'dobbelt trukket/belastet/fakturert', 'ingenting skjer', 'ingenting har skjedd',
    ],
  },
  da: {
    repeated_contact: [
      'tredje/fjerde/femte gang', 'anden gang ~ spørger/skriver/ringer/mailer',
      'allerede ringet/skrevet/sendt/spurgt/kontaktet/klaget/mailet/forklaret', 'har ringet/skrevet/mailet/spurgt/kontaktet ~ <n> gange',
      'gang på gang', 'om og om igen', 'igen og igen', 'hvor mange gange', 'spørger/skriver/ringer/mailer ~ igen',
      'min forrige/tidligere mail/e-mail/besked/henvendelse/sag',
    ],
    waiting: [
      'venter stadig/stadigvæk/endnu', 'har ventet', 'ventet i <n> <t>', 'ventet <n> <t>', 'i kø i <n> <t>', '<n> <t> i kø', 'i telefonkø',
      'siden sidste uge/måned', 'i flere dage/uger/måneder',
    ],
    unresolved: [
      'stadig/stadigvæk/endnu ikke/ingen/intet/ingenting', 'har ikke fået/modtaget', 'aldrig kommet/kom/fået/modtaget/leveret/svaret',
      '-behøver/behøves ingen/intet svar !nødvendigt/påkrævet', 'ikke fået svar/noget svar', 'ingen har svaret/ringet', 'ingen tilbagemelding',
      'trukket/betalt/opkrævet/faktureret ~ to gange', 'dobbelt trukket/opkrævet/faktureret', 'der sker ingenting/intet', 'intet er sket', 'ingenting er sket',
    ],
  },
  de: {
    repeated_contact: [
      'zum dritten/vierten/fünften/x-ten/wiederholten mal', 'schon/bereits wieder',
      'schon/bereits ~ angerufen/geschrieben/gemailt/nachgefragt/kontaktiert/beschwert/gemeldet/reklamiert/erklärt',
      'zweimal/dreimal/viermal/mehrmals/mehrfach/x-mal ~ angerufen/geschrieben/gemailt/nachgefragt/kontaktiert/gemeldet/reklamiert',
      'immer wieder', 'wie oft noch', 'wie oft muss', 'frage/schreibe/melde ~ erneut', 'meine letzte/vorherige/frühere mail/e-mail/nachricht/anfrage/reklamation',
    ],
    waiting: [
      'warte/warten immer noch', 'warte/warten noch immer', 'warte/warten seit', 'seit <n> <t>', 'seit tagen/wochen/monaten',
      'in der warteschleife', 'seit letzter woche', 'seit letztem monat',
    ],
    unresolved: [
      'immer noch nicht/kein/keine/keinen/nichts', 'noch immer nicht/kein/keine/keinen/nichts', 'bis heute nicht/kein/keine/nichts',
      'nie/niemals angekommen/erhalten/bekommen/geliefert/beantwortet', 'noch nicht erhalten/bekommen/angekommen/erstattet',
      'keine antwort/rückmeldung/reaktion !nötig/notwendig/erforderlich', 'niemand antwortet/meldet/ruft', 'doppelt/zweimal abgebucht/belastet/berechnet',
      'nichts passiert', 'nichts ist passiert', 'es passiert nichts', 'tut sich nichts',
    ],
  },
};

export const COMPLAINT_LANGS = Object.keys(COMPLAINT_PHRASES);
const KINDS: readonly ComplaintKind[] = ['repeated_contact', 'waiting', 'unresolved'];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Whitespace between words: bounded, so no start position can scan far. */
const SP = '\\s{1,8}';
const WORD = "[\\p{L}\\p{N}'’-]{1,40}";
const alts = (words: readonly string[]): string => `(?:${[...words].sort((a, b) => b.length - a.length).map((w) => w.split(/[ _]/).map(escape).join(SP)).join('|')})`;

/** One phrase as a regex source, for the given languages' counts and units. */
export function phraseSource(phrase: string, langs: readonly string[]): string {
  const counts = [...new Set(langs.flatMap((l) => COUNTS[l] ?? []))];
  const units = [...new Set(langs.flatMap((l) => UNITS[l] ?? []))];
  let out = '';
  let needSpace = false;
  let before = '';
  let after = '';
  for (const token of phrase.split(' ')) {
    if (token.startsWith('-')) {
      before = `(?<!(?<![\\p{L}\\p{N}])${alts(token.slice(1).split('/'))}${SP})`;
      continue;
    }
    if (token.startsWith('!')) {
      after = `(?!${SP}${alts(token.slice(1).split('/'))}(?![\\p{L}\\p{N}]))`;
      continue;
    }
    if (token === '~') {
      // Up to two other words, each followed by its own space.
      out += `${needSpace ? SP : ''}(?:${WORD}${SP}){0,2}`;
      needSpace = false;
      continue;
    }
    const body = token === '<n>' ? `(?:\\d{1,3}|${alts(counts)})` : token === '<t>' ? alts(units) : alts(token.split('/'));
    out += (needSpace ? SP : '') + body;
    needSpace = true;
  }
  return before + out + after;
}

/** Compiled once per language key: this runs for every scored text. */
const compiled = new Map<string, RegExp>();
function complaintRe(lang: string | undefined): RegExp {
  const l = lang?.toLowerCase().slice(0, 2);
  // A known language: its phrases plus English (customers code-switch); unknown: all of them.
  const langs = l && COMPLAINT_PHRASES[l] ? [...new Set([l, 'en'])] : COMPLAINT_LANGS;
  const key = langs.join();
  let re = compiled.get(key);
  if (!re) {
    const group = (k: ComplaintKind): string => `(?<${k}>${langs.flatMap((x) => COMPLAINT_PHRASES[x]![k].map((p) => phraseSource(p, [x]))).join('|')})`;
    re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${KINDS.map(group).join('|')})(?![\\p{L}\\p{N}])`, 'iu');
    compiled.set(key, re);
  }
  return re;
}

/** The first implicit complaint in `text` (its kind and the words as written), or undefined. */
export function implicitComplaint(text: string, lang?: string): ImplicitComplaint | undefined {
  const m = complaintRe(lang).exec(text);
  if (!m?.groups) return undefined;
  const kind = KINDS.find((k) => m.groups![k] !== undefined)!;
  return { kind, phrase: m[0].replace(/\s+/g, ' ') };
}

/** Urgency an implicit complaint lifts the head's label to. */
export const COMPLAINT_URGENCY: UrgencyLabel = 'high';
const RANK: Record<UrgencyLabel, number> = { low: 0, normal: 1, high: 2, critical: 3 };

/**
 * The urgency to serve: the head's, or `high` when the text carries an implicit complaint, the
 * head said less and the text is not positive ("finally arrived after three weeks, thanks!" is
 * not urgent). A raised label keeps the head's own answer in `raisedFrom`, states the reason, and
 * its `confidence` is the head's probability of the raised label, so the model-driven
 * urgency cue does not fire twice for what the complaint cue already says.
 */
export function raisedUrgency(
  u: ClassScore<UrgencyLabel>, complaint: ImplicitComplaint | undefined, sentiment: SentimentScore, probOf: (label: UrgencyLabel) => number,
): ClassScore<UrgencyLabel> {
  if (!complaint || sentiment.label === 'positive' || RANK[u.label] >= RANK[COMPLAINT_URGENCY]) return u;
  return {
    label: COMPLAINT_URGENCY,
    confidence: probOf(COMPLAINT_URGENCY),
    raisedFrom: { label: u.label, confidence: u.confidence },
    reason: `${complaint.kind.replace('_', ' ')}: "${complaint.phrase}"`,
  };
}
