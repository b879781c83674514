/**
 * Weak supervision for the urgency and formality heads. No public labels exist for either, so
 * real texts (Banking77, GoEmotions, the Nordic and German sentiment sets) are labelled by these
 * keyword rules, which abstain (undefined) when no cue fires. The heads learn to generalise
 * from the cues to the texts' other n-grams; they can never be better than the rules' idea of
 * urgency and formality, which is why the card reports them on hand-written texts that no rule
 * labelled (seed/*.jsonl, split "test").
 */
import type { FormalityLabel, UrgencyLabel } from '../../engine/event/index.ts';
import { implicitComplaint } from '../../engine/model/index.ts';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Case-insensitive whole-word (or whole-phrase) match of any of `words`. */
export const anyOf = (words: readonly string[]): RegExp => new RegExp(`(?<![\\p{L}\\p{N}])(${words.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'iu');

/** Fraud, theft, locked out of money, legal threats, "emergency": act now. */
const CRITICAL_WORDS = [
  'fraud', 'fraudulent', 'stolen', 'hacked', 'scam', 'scammed', 'unauthorized', 'unauthorised', 'emergency', 'lawyer', 'legal action', 'police',
  'someone used my card', 'compromised', 'identity theft',
  'bedrägeri', 'stulen', 'stulet', 'kapat', 'hackad', 'polisen', 'advokat', 'nödläge', 'akut',
  'svindel', 'stjålet', 'stjålen', 'hacket', 'politiet', 'advokat', 'nødstilfelle',
  'bedrageri', 'stjålet', 'hacket', 'politiet',
  'betrug', 'gestohlen', 'gehackt', 'polizei', 'anwalt', 'notfall', 'missbrauch',
];
/** A stated deadline or escalation words: high unless a critical cue is present too. */
const HIGH_WORDS = [
  'urgent', 'urgently', 'asap', 'immediately', 'right now', 'right away', 'as soon as possible', 'still not', 'still have not', "still haven't",
  'third time', 'again and again', 'days now', 'weeks now', 'not received', 'never arrived', 'can\'t access', 'cannot access', 'locked out', 'blocked',
  'brådskande', 'omedelbart', 'snarast', 'fortfarande inte', 'tredje gången', 'direkt', 'spärrat', 'spärrad', 'kommer inte åt',
  'haster', 'umiddelbart', 'snarest', 'fortsatt ikke', 'fremdeles ikke', 'tredje gang', 'sperret', 'kommer ikke inn',
  'hurtigst muligt', 'straks', 'stadig ikke', 'spærret', 'kan ikke komme ind',
  'dringend', 'sofort', 'umgehend', 'schnellstmöglich', 'immer noch nicht', 'zum dritten mal', 'gesperrt', 'komme nicht',
];
/** No request at all, or an explicit "no rush": low. */
const LOW_WORDS = [
  'no rush', 'no hurry', 'whenever you can', 'just wondering', 'just curious', 'out of curiosity', 'thank you', 'thanks', 'great job', 'love it',
  'ingen brådska', 'bara nyfiken', 'tack', 'ingen hast', 'bare nysgjerrig', 'takk', 'ingen hast', 'bare nysgerrig', 'tak',
  'keine eile', 'nur neugierig', 'danke', 'vielen dank',
];
const CRITICAL = anyOf(CRITICAL_WORDS);
const HIGH = anyOf(HIGH_WORDS);
const LOW = anyOf(LOW_WORDS);
const QUESTION = /\?|(?<![\p{L}])(how|what|where|when|can i|is it|do you|hur|vad|var|när|kan jag|hvordan|hva|hvor|når|hvad|wie|was|wo|wann|kann ich)(?![\p{L}])/iu;
const SHOUTING = /(!{2,})|(\b[A-ZÄÖÅÆØÜ]{4,}\b.*\b[A-ZÄÖÅÆØÜ]{4,}\b)/u;

/**
 * Urgency of a real text (abstains with undefined): critical on fraud/theft/legal cues; high on
 * deadline, escalation or access-loss cues, shouting, or an implicit complaint (the phrases the
 * engine serves as signals.implicitComplaint: repeated contact, waiting, unresolved states); low
 * on thanks/"no rush" without a request; normal for a plain question with none of those cues.
 */
export function urgencyRule(text: string, lang?: string): UrgencyLabel | undefined {
  if (CRITICAL.test(text)) return 'critical';
  if (HIGH.test(text) || SHOUTING.test(text) || implicitComplaint(text, lang)) return 'high';
  if (LOW.test(text) && !QUESTION.test(text)) return 'low';
  if (QUESTION.test(text)) return 'normal';
  return undefined;
}

/** Salutations, sign-offs, polite formulas and (de) the formal "Sie". */
const FORMAL_WORDS = [
  'dear', 'sincerely', 'kind regards', 'best regards', 'yours faithfully', 'i am writing', 'i would like to', 'i would be grateful', 'could you please',
  'would you kindly', 'please advise', 'i would appreciate', 'furthermore', 'regarding', 'hereby', 'could you', 'would it be possible', 'may i',
  'skulle ni kunna', 'vore det möjligt', 'kunne dere', 'ville det være mulig', 'kunne i', 'ville det være muligt', 'wäre es möglich',
  'med vänlig hälsning', 'vänliga hälsningar', 'bästa hälsningar', 'jag skulle vilja', 'jag vore tacksam', 'angående', 'vänligen', 'härmed',
  'med vennlig hilsen', 'vennlig hilsen', 'jeg ønsker å', 'jeg ville sette pris på', 'vennligst', 'angående', 'herved',
  'med venlig hilsen', 'venlig hilsen', 'jeg vil gerne bede', 'jeg ville sætte pris på', 'venligst', 'vedrørende', 'hermed',
  'sehr geehrte', 'sehr geehrter', 'mit freundlichen grüßen', 'freundliche grüße', 'hochachtungsvoll', 'ich möchte sie', 'könnten sie', 'würden sie',
  'bezüglich', 'hiermit',
];
/** Slang, chat spellings and swearing. */
const INFORMAL_WORDS = [
  'lol', 'omg', 'wtf', 'lmao', 'gonna', 'wanna', 'gotta', 'u', 'ur', 'thx', 'pls', 'plz', 'btw', 'yeah', 'yep', 'nope', 'hey', 'hi guys', 'dude', 'fuck', 'fucking', 'shit', 'damn', 'cool', 'awesome', 'ya',
  'typ', 'asså', 'liksom', 'fan', 'jävla', 'tjena', 'tja', 'hallå', 'grymt', 'sjukt', 'najs', 'ba', 'aa', 'ok', 'okej',
  'hei hei', 'faen', 'jævla', 'sykt', 'digg', 'kjempe', 'lissom', 'heisann',
  'fedt', 'sgu', 'pisse', 'hej hej', 'nå men', 'dælme', 'vildt',
  'krass', 'geil', 'voll', 'mega', 'alter', 'digga', 'scheiße', 'scheisse', 'bock', 'hey leute', 'na ja', 'jo',
];
const FORMAL = anyOf(FORMAL_WORDS);
const INFORMAL = anyOf(INFORMAL_WORDS);
const INFORMAL_DU = /(?<![\p{L}])(du|dich|dir|dein|deine|euch|eure)(?![\p{L}])/iu;
const FORMAL_SIE = /(?<=[\p{L},;]\s+)(Sie|Ihnen|Ihr|Ihre|Ihrem|Ihren)(?![\p{L}])/u;
const EMOJI = /\p{Extended_Pictographic}|:\)|:-\)|:D|;\)|xD/u;

/**
 * Formality of a real text (abstains with undefined): formal on salutations, sign-offs and
 * polite formulas (or German mid-sentence "Sie"); informal on slang, swearing, emoji, repeated
 * punctuation, German "du", or no capital letter at the start of a longer text.
 */
export function formalityRule(text: string, lang?: string): FormalityLabel | undefined {
  const t = text.trim();
  const formal = FORMAL.test(t) || (lang === 'de' && FORMAL_SIE.test(t));
  const informal = INFORMAL.test(t) || EMOJI.test(t) || /[!?]{3,}/.test(t) || (lang === 'de' && INFORMAL_DU.test(t))
    || (t.length > 25 && /^[\p{Ll}]/u.test(t));
  if (formal === informal) return undefined;
  return formal ? 'formal' : 'informal';
}

/** Every keyword list and pattern the two rules label by, per head, named for messages. */
export const RULE_CUES: Record<'urgency' | 'formality', Record<string, (text: string, lang?: string) => string | undefined>> = {
  urgency: {
    critical: (t) => firstOf(CRITICAL_WORDS, t),
    high: (t) => firstOf(HIGH_WORDS, t),
    low: (t) => firstOf(LOW_WORDS, t),
    question: (t) => QUESTION.exec(t)?.[0],
    shouting: (t) => SHOUTING.exec(t)?.[0],
    complaint: (t, lang) => implicitComplaint(t, lang)?.phrase,
  },
  formality: {
    formal: (t) => firstOf(FORMAL_WORDS, t),
    informal: (t) => firstOf(INFORMAL_WORDS, t),
    emoji: (t) => EMOJI.exec(t)?.[0],
    punctuation: (t) => /[!?]{3,}/.exec(t)?.[0],
    du: (t, lang) => (lang === 'de' ? INFORMAL_DU.exec(t)?.[0] : undefined),
    sie: (t, lang) => (lang === 'de' ? FORMAL_SIE.exec(t.trim())?.[0] : undefined),
    lowerStart: (t) => (t.trim().length > 25 && /^[\p{Ll}]/u.test(t.trim()) ? t.trim().slice(0, 12) : undefined),
  },
};

function firstOf(words: readonly string[], text: string): string | undefined {
  return anyOf(words).exec(text)?.[0];
}

/** The rule cues of `head` in `text`, as `list: "words"` (empty: the rule has nothing to go on). */
export function ruleCuesIn(head: 'urgency' | 'formality', text: string, lang?: string): string[] {
  return Object.entries(RULE_CUES[head]).flatMap(([name, find]) => {
    const m = find(text, lang);
    return m === undefined ? [] : [`${name}: "${m}"`];
  });
}
