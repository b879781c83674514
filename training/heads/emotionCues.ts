/**
 * Weak emotion labels for the languages GoEmotions does not cover (sv, nb, da, de).
 *
 * No public emotion labels exist in those languages, but their sentiment sets carry a human
 * label per text (negative / neutral / positive). A text's emotion is taken from cue words of
 * its language only where the cue agrees with that human label: an anger word in a text people
 * called negative makes an anger example; "tack" in a text people called negative ("tack för
 * ingenting") makes nothing. A text people called neutral that carries no cue makes a neutral
 * example. Everything else abstains. The head then learns, from the texts' other n-grams, what
 * goes with each emotion in each language, the way the urgency and formality heads learn from
 * their rules (rules.ts).
 *
 * The cue lists are ours (written for this file), one per emotion and language.
 */
import { EMOTION_LABELS, type EmotionLabel } from '../../engine/event/index.ts';
import { anyOf } from './rules.ts';

/** Which sentiment an emotion belongs to (confusion counts as negative: in support text it is a bad experience). */
export const EMOTION_POLARITY: Record<EmotionLabel, 0 | 1 | 2> = {
  anger: 0, frustration: 0, disappointment: 0, confusion: 0, joy: 2, enthusiasm: 2, gratitude: 2, neutral: 1,
};

type Cued = Exclude<EmotionLabel, 'neutral'>;
type CueLang = 'sv' | 'nb' | 'da' | 'de';

/** Cue words and phrases per emotion and language (matched whole-word, case-insensitive). */
export const EMOTION_CUE_WORDS: Record<Cued, Record<CueLang, readonly string[]>> = {
  anger: {
    sv: ['arg', 'argt', 'arga', 'förbannad', 'förbannade', 'rasande', 'vansinnig', 'vansinnigt', 'ilsken', 'skandal', 'skandalöst', 'oacceptabelt', 'vidrigt', 'äckligt', 'hatar', 'ilska', 'vrede', 'upprörd', 'upprörande'],
    nb: ['sint', 'sinna', 'forbanna', 'forbannet', 'rasende', 'skandale', 'skandaløst', 'uakseptabelt', 'hater', 'raseri', 'sinne', 'opprørt', 'opprørende', 'ekkelt', 'motbydelig'],
    da: ['vred', 'vrede', 'rasende', 'skandale', 'skandaløst', 'uacceptabelt', 'hader', 'raseri', 'oprørt', 'oprørende', 'ulækkert', 'modbydeligt', 'harm', 'harme'],
    de: ['wütend', 'wut', 'sauer', 'stinksauer', 'empört', 'empörend', 'unverschämt', 'unverschämtheit', 'frechheit', 'skandal', 'skandalös', 'inakzeptabel', 'zornig', 'hasse', 'widerlich', 'ekelhaft', 'zumutung'],
  },
  frustration: {
    sv: ['frustrerad', 'frustrerande', 'frustration', 'irriterad', 'irriterande', 'irriterar', 'trött på', 'less på', 'störigt', 'störande', 'jobbigt', 'meningslöst', 'värdelöst', 'värdelös', 'hopplöst', 'löjligt'],
    nb: ['frustrert', 'frustrerende', 'frustrasjon', 'irritert', 'irriterende', 'irriterer', 'lei av', 'drittlei', 'håpløst', 'ubrukelig', 'ubrukelige', 'latterlig', 'teit', 'plagsomt', 'slitsomt'],
    da: ['frustreret', 'frustrerende', 'frustration', 'irriteret', 'irriterende', 'irriterer', 'træt af', 'led og ked', 'håbløst', 'ubrugelig', 'ubrugeligt', 'latterligt', 'tåbeligt', 'møgirriterende', 'besværligt'],
    de: ['frustriert', 'frustrierend', 'frust', 'genervt', 'nervig', 'nervt', 'ärgerlich', 'ärgere', 'ärgert', 'die nase voll', 'nutzlos', 'lächerlich', 'hoffnungslos', 'unbrauchbar', 'mühsam'],
  },
  disappointment: {
    sv: ['besviken', 'besviket', 'besvikna', 'besvikelse', 'ledsen', 'ledsna', 'tyvärr', 'synd', 'tråkigt', 'sorgligt', 'sorg'],
    nb: ['skuffet', 'skuffende', 'skuffelse', 'lei meg', 'dessverre', 'synd', 'trist', 'sørgelig', 'sorg', 'leit'],
    da: ['skuffet', 'skuffende', 'skuffelse', 'ked af det', 'desværre', 'synd', 'trist', 'sørgeligt', 'sorg', 'ærgerligt'],
    de: ['enttäuscht', 'enttäuschend', 'enttäuschung', 'schade', 'leider', 'traurig', 'bedauerlich', 'trauer'],
  },
  confusion: {
    sv: ['förvirrad', 'förvirrande', 'förvirring', 'förstår inte', 'fattar inte', 'begriper inte', 'oklart', 'obegripligt', 'konstigt', 'vad menas'],
    nb: ['forvirret', 'forvirrende', 'forvirring', 'forstår ikke', 'skjønner ikke', 'fatter ikke', 'uklart', 'uforståelig', 'rart', 'merkelig'],
    da: ['forvirret', 'forvirrende', 'forvirring', 'forstår ikke', 'fatter ikke', 'begriber ikke', 'uklart', 'uforståeligt', 'mærkeligt', 'underligt'],
    de: ['verwirrt', 'verwirrend', 'verwirrung', 'verstehe nicht', 'versteh ich nicht', 'verstehe ich nicht', 'unklar', 'unverständlich', 'komisch', 'seltsam', 'keine ahnung'],
  },
  joy: {
    sv: ['glad', 'glada', 'lycklig', 'lyckliga', 'nöjd', 'nöjda', 'härligt', 'härlig', 'älskar', 'kul', 'roligt', 'glädje', 'skönt'],
    nb: ['glad', 'glade', 'lykkelig', 'fornøyd', 'herlig', 'deilig', 'elsker', 'gøy', 'moro', 'morsomt', 'glede'],
    da: ['glad', 'glade', 'lykkelig', 'tilfreds', 'dejligt', 'dejlig', 'elsker', 'sjovt', 'skønt', 'glæde'],
    de: ['froh', 'glücklich', 'zufrieden', 'freue mich', 'freu mich', 'schön', 'herrlich', 'freude', 'lustig'],
  },
  enthusiasm: {
    sv: ['fantastisk', 'fantastiskt', 'grym', 'grymt', 'underbar', 'underbart', 'bäst', 'bästa', 'suveränt', 'toppen', 'ser fram emot', 'superbra', 'strålande', 'magiskt', 'imponerande'],
    nb: ['fantastisk', 'fantastiske', 'kjempebra', 'supert', 'best', 'beste', 'strålende', 'gleder meg', 'utrolig bra', 'imponerende', 'nydelig', 'genialt', 'fenomenal'],
    da: ['fantastisk', 'fantastiske', 'fremragende', 'super', 'bedste', 'glæder mig', 'genialt', 'imponerende', 'fed', 'fedt', 'vildt godt', 'forrygende', 'pragtfuld'],
    de: ['fantastisch', 'toll', 'super', 'großartig', 'hervorragend', 'genial', 'begeistert', 'klasse', 'spitze', 'wunderbar', 'wunderschön', 'beeindruckend', 'geil', 'mega'],
  },
  gratitude: {
    sv: ['tack', 'tacksam', 'tacksamma', 'tackar', 'uppskattar', 'tusen tack'],
    nb: ['takk', 'takker', 'takknemlig', 'setter pris på', 'tusen takk'],
    da: ['tak', 'takker', 'taknemmelig', 'sætter pris på', 'tusind tak'],
    de: ['danke', 'dankbar', 'vielen dank', 'bedanke', 'dankeschön'],
  },
};

const CUED = EMOTION_LABELS.filter((l): l is Cued => l !== 'neutral');
const PATTERNS = new Map<string, Map<Cued, RegExp>>(
  (['sv', 'nb', 'da', 'de'] as const).map((lang) => [lang, new Map(CUED.map((e) => [e, anyOf(EMOTION_CUE_WORDS[e][lang])]))]),
);

/** The languages with cue lists. */
export const EMOTION_CUE_LANGS: readonly string[] = [...PATTERNS.keys()];

/** The emotions whose cue words occur in `text` (language `lang`; none for a language without lists). */
export function emotionCues(text: string, lang: string): Cued[] {
  const p = PATTERNS.get(lang);
  return p ? CUED.filter((e) => p.get(e)!.test(text)) : [];
}

/**
 * Emotion targets for a text with a human sentiment label (0 negative, 1 neutral, 2 positive),
 * or undefined to abstain. 1: a cued emotion that agrees with the label, or neutral for a neutral
 * text without any cue. 0: what the label rules out (the other polarity's emotions; neutral for a
 * negative or positive text). NaN (unknown, left out of the loss): the label's other emotions,
 * which no cue confirms or rules out. With `partial`, a negative or positive text without an
 * agreeing cue still teaches what it rules out (its own polarity's emotions all unknown);
 * without it, such a text abstains.
 */
export function emotionTargets(text: string, lang: string, polarity: 0 | 1 | 2, partial = true): Float32Array | undefined {
  if (!PATTERNS.has(lang)) return undefined;
  const cues = emotionCues(text, lang);
  const t = new Float32Array(EMOTION_LABELS.length);
  if (polarity === 1) {
    if (cues.length > 0) return undefined;
    t[EMOTION_LABELS.indexOf('neutral')] = 1;
    return t;
  }
  const agree = cues.filter((e) => EMOTION_POLARITY[e] === polarity);
  if (agree.length === 0 && !partial) return undefined;
  EMOTION_LABELS.forEach((e, j) => {
    if (EMOTION_POLARITY[e] === polarity) t[j] = agree.includes(e as Cued) ? 1 : NaN;
  });
  return t;
}
