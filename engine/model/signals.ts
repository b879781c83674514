/**
 * The "polite but negative" signal: customers in the Nordics and Germany often wrap a complaint
 * in thanks ("Tack, det fungerar i princip men svaren är ibland långsamma"), so the whole text
 * scores neutral or positive and the complaint is lost. We look for a contrast marker, score the
 * clause after the last one separately (in the same forward pass as the whole texts) and flag the
 * text when it is polite, not negative overall, but the tail (or the emotion head) is negative.
 */
import type { EmotionScore, HiddenSignals, SentimentScore } from '../event/types.ts';
import { implicitComplaint } from './complaints.ts';

/** Contrast markers by language; the clause after the last one is where the complaint sits. */
export const CONTRAST_MARKERS: Record<string, readonly string[]> = {
  en: ['but', 'however', 'though', 'although', 'yet', 'unfortunately', 'except'],
  sv: ['men', 'dock', 'fast', 'tyvärr', 'däremot', 'ändå'],
  nb: ['men', 'dessverre', 'likevel', 'derimot', 'imidlertid'],
  da: ['men', 'dog', 'desværre', 'alligevel', 'derimod', 'imidlertid'],
  de: ['aber', 'jedoch', 'allerdings', 'leider', 'trotzdem', 'doch', 'nur'],
};

/** Polite wording by language (lower case; multi-word phrases match on word boundaries). */
export const POLITENESS_MARKERS: Record<string, readonly string[]> = {
  en: ['please', 'thanks', 'thank you', 'thx', 'kindly', 'i would appreciate', 'much appreciated', 'appreciate', 'grateful', 'kind regards', 'best regards', 'dear'],
  sv: ['tack', 'snälla', 'vänligen', 'gärna', 'hälsningar', 'vänliga hälsningar', 'uppskattar', 'tacksam'],
  nb: ['takk', 'vennligst', 'gjerne', 'hilsen', 'setter pris på', 'takknemlig', 'vær så snill'],
  da: ['tak', 'venligst', 'gerne', 'hilsen', 'sætter pris på', 'taknemmelig', 'vær så venlig'],
  de: ['bitte', 'danke', 'vielen dank', 'herzlichen dank', 'gerne', 'freundlichen grüßen', 'mit freundlichen grüßen', 'sehr geehrte', 'ich wäre dankbar', 'dankbar'],
};

const LANGS = Object.keys(CONTRAST_MARKERS);
/** The tail must carry some content: "…, but ok" is not a complaint worth a second look. */
const MIN_TAIL_CHARS = 8;

function markersFor(table: Record<string, readonly string[]>, lang: string | undefined): string[] {
  const l = lang?.toLowerCase().slice(0, 2);
  // A known language: its own words plus English (customers code-switch); unknown: all of them.
  if (l && table[l]) return [...new Set([...table[l]!, ...(l === 'en' ? [] : table['en']!)])];
  return [...new Set(LANGS.flatMap((k) => table[k]!))];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wordRe = (words: readonly string[]): RegExp => new RegExp(`(?<![\\p{L}\\p{N}])(${words.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'giu');

/** Compiled once per (table, language): this runs for every scored text. */
const compiled = new Map<string, RegExp>();
function markerRe(kind: 'contrast' | 'polite', lang: string | undefined): RegExp {
  // Keyed by the table language actually used, so arbitrary language tags cannot grow the cache.
  const l = lang?.toLowerCase().slice(0, 2);
  const key = `${kind}\u0000${l && CONTRAST_MARKERS[l] ? l : '*'}`;
  let re = compiled.get(key);
  if (!re) {
    re = wordRe(markersFor(kind === 'contrast' ? CONTRAST_MARKERS : POLITENESS_MARKERS, lang));
    compiled.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

export interface TailClause {
  marker: string;
  tail: string;
}

/** The clause after the last contrast marker, or undefined when there is none (or it is too short). */
export function tailClause(text: string, lang?: string): TailClause | undefined {
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(markerRe('contrast', lang))) last = m as RegExpExecArray;
  if (!last) return undefined;
  const tail = text.slice(last.index + last[0].length).replace(/^[\s,;:–-]+/u, '').trim();
  return tail.length >= MIN_TAIL_CHARS ? { marker: last[0].toLowerCase(), tail } : undefined;
}

/** The first polite marker in the text, lower case, or undefined. */
export function politeMarker(text: string, lang?: string): string | undefined {
  const m = markerRe('polite', lang).exec(text);
  return m ? m[0].toLowerCase() : undefined;
}

export interface SignalInput {
  text: string;
  lang?: string | undefined;
  overall: SentimentScore;
  tail?: (TailClause & { sentiment: SentimentScore; emotion?: EmotionScore | undefined }) | undefined;
  emotion?: EmotionScore | undefined;
}

/** Negative-leaning emotions that make a polite text a complaint. */
const COMPLAINT_EMOTIONS = ['frustration', 'disappointment', 'anger'] as const;
/**
 * A tail clause whose score is below this counts as negative even when "neutral" wins the argmax:
 * a short clause like "svaren är ibland långsamma" rarely gets a confident negative. 0 means the
 * clause merely leans negative (p(negative) > p(positive)). Chosen for sentiment-v1 (wide linear
 * model) on the 50 validation sentences of data/heads/signals-valid.jsonl: F1 0.80 at
 * 0 against 0.76 at -0.05 and 0.47 at -0.25.
 */
export const TAIL_NEGATIVE_SCORE = 0;

/**
 * Only English texts use the emotion head here. Outside English the head learned from weak labels
 * (its model card); reading it in every language was tried on data/heads/signals-valid.jsonl and
 * lost precision (0.947 -> 0.900: a Danish thank-you with no complaint flagged) for the same
 * recall (0.783).
 */
function complaintEmotion(e: EmotionScore | undefined, lang: string | undefined): string | undefined {
  if (lang !== undefined && !lang.toLowerCase().startsWith('en')) return undefined;
  return e?.labels.find((l) => (COMPLAINT_EMOTIONS as readonly string[]).includes(l));
}

/** The polite-but-negative flag and, when the text states one, its implicit complaint (complaints.ts). */
export function hiddenSignals(x: SignalInput): HiddenSignals {
  const out = politeNegative(x);
  const complaint = implicitComplaint(x.text, x.lang);
  if (complaint) out.implicitComplaint = complaint;
  return out;
}

/**
 * Flagged when polite wording is present, the overall label is not negative, and the tail clause
 * is negative (label negative or score < TAIL_NEGATIVE_SCORE, or an English complaint emotion),
 * or an English text as a whole carries a complaint emotion.
 */
function politeNegative(x: SignalInput): HiddenSignals {
  const polite = politeMarker(x.text, x.lang);
  if (!polite || x.overall.label === 'negative') return { politeNegative: false };
  if (x.tail) {
    const s = x.tail.sentiment;
    const why = s.label === 'negative' || s.score < TAIL_NEGATIVE_SCORE ? 'negative' : complaintEmotion(x.tail.emotion, x.lang);
    if (why) {
      return { politeNegative: true, evidence: `polite marker "${polite}"; ${why} clause after "${x.tail.marker}": "${x.tail.tail}"` };
    }
  }
  const whole = complaintEmotion(x.emotion, x.lang);
  if (whole) return { politeNegative: true, evidence: `polite marker "${polite}"; ${whole} in the whole text` };
  return { politeNegative: false };
}
