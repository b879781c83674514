/**
 * The canary check registry.ts runs at start and on every reload. Sentiment: obvious sentences
 * per language must get their obvious label. Heads: each loaded head must give, for the canary sentences, a known label and probabilities that are
 * numbers in 0..1, and predictAll must agree with predict on sentiment. A head whose weights
 * decode to NaN (a corrupt re-quantization) or that was wired to the wrong columns fails here.
 */
import { SENTIMENT_LABELS, headDef, type HeadName, type SentimentScore, type TextScores } from '../event/types.ts';
import type { TextScorer } from './scorer.ts';

/** Sentences whose heads must be sane; one per language, varied in topic and tone. */
export const HEAD_CANARY: readonly { text: string; lang: string }[] = [
  { text: 'Thanks for the help, but my card has still not arrived and I am getting frustrated.', lang: 'en' },
  { text: 'Hej! Jag har blivit debiterad två gånger för samma beställning, kan ni hjälpa mig?', lang: 'sv' },
  { text: 'Appen krasjer hver gang jeg prøver å logge inn.', lang: 'nb' },
  { text: 'Jeg vil gerne opsige mit abonnement hurtigst muligt.', lang: 'da' },
  { text: 'Vielen Dank, der Kundenservice war super freundlich!', lang: 'de' },
];

const inUnit = (x: number): boolean => Number.isFinite(x) && x >= 0 && x <= 1;

function checkClass(head: string, labels: readonly string[], s: { label: string; confidence: number } | undefined, text: string): void {
  if (!s) throw new Error(`canary: head "${head}" gave no output for "${text}"`);
  if (!labels.includes(s.label)) throw new Error(`canary: head "${head}" gave unknown label ${JSON.stringify(s.label)} for "${text}"`);
  if (!inUnit(s.confidence)) throw new Error(`canary: head "${head}" confidence ${s.confidence} for "${text}" is not in 0..1`);
}

interface AnyMultiLabelScore {
  labels: string[];
  probs: Record<string, number>;
  intensityScore: number;
}

function checkMultiLabel(head: string, labels: readonly string[], s: AnyMultiLabelScore | undefined, text: string): void {
  if (!s || s.labels.length === 0) throw new Error(`canary: head "${head}" gave no labels for "${text}"`);
  for (const l of s.labels) if (!labels.includes(l)) throw new Error(`canary: head "${head}" gave unknown label ${JSON.stringify(l)} for "${text}"`);
  for (const l of labels) if (!inUnit(s.probs[l]!)) throw new Error(`canary: head "${head}" p(${l}) = ${s.probs[l]} for "${text}" is not in 0..1`);
  if (!inUnit(s.intensityScore)) throw new Error(`canary: head "${head}" intensity ${s.intensityScore} for "${text}" is not in 0..1`);
}

function checkOne(heads: readonly HeadName[], s: TextScores, text: string): void {
  for (const h of heads) {
    const def = headDef(h);
    const out: unknown = s[h];
    if (def.kind === 'multi') checkMultiLabel(h, def.labels, out as AnyMultiLabelScore | undefined, text);
    else checkClass(h, def.labels, out as { label: string; confidence: number } | undefined, text);
  }
}

/**
 * `sentiment` are predict()'s scores of the `sentences` (registry.ts's CANARY): predictAll must
 * give the same labels for them, then every head is checked on those sentences and HEAD_CANARY.
 */
export async function checkHeads(
  scorer: Pick<TextScorer, 'featurize' | 'predictAll'> & { heads?: readonly HeadName[] },
  sentences: readonly { text: string; lang: string }[],
  sentiment: readonly SentimentScore[],
): Promise<void> {
  const all = [...sentences, ...HEAD_CANARY];
  const scores = await scorer.predictAll(all.map((c) => scorer.featurize(c.text, c.lang)), all.map((c) => c.text), all.map((c) => c.lang));
  if (scores.length !== all.length) throw new Error(`canary: predictAll gave ${scores.length} results for ${all.length} sentences`);
  sentiment.forEach((s, i) => {
    if (scores[i]!.sentiment.label !== s.label) throw new Error(`canary: predictAll and predict disagree on "${all[i]!.text}" (${scores[i]!.sentiment.label} vs ${s.label})`);
  });
  const heads = scorer.heads ?? [];
  scores.forEach((s, i) => checkOne(heads, s, all[i]!.text));
}

/** Sentences every usable model must score sanely, one obviously positive and negative per language. */
export const CANARY: readonly { text: string; lang: string; label: 'negative' | 'positive'; strict: boolean }[] = [
  { text: 'Thank you so much, this is wonderful, I love it!', lang: 'en', label: 'positive', strict: true },
  { text: 'This is terrible, the worst service ever. I am very angry.', lang: 'en', label: 'negative', strict: true },
  { text: 'Tack så mycket, jättebra service, jag är supernöjd!', lang: 'sv', label: 'positive', strict: false },
  { text: 'Helt värdelöst, jag är så besviken och arg.', lang: 'sv', label: 'negative', strict: false },
  { text: 'Tusen takk, fantastisk hjelp, jeg er veldig fornøyd!', lang: 'nb', label: 'positive', strict: false },
  { text: 'Dette er elendig, jeg er veldig skuffet og sint.', lang: 'nb', label: 'negative', strict: false },
  { text: 'Tusind tak, fantastisk service, jeg er meget glad!', lang: 'da', label: 'positive', strict: false },
  { text: 'Det er elendigt, jeg er meget skuffet og vred.', lang: 'da', label: 'negative', strict: false },
  { text: 'Vielen Dank, super Service, ich bin sehr zufrieden!', lang: 'de', label: 'positive', strict: false },
  { text: 'Das ist furchtbar, ich bin sehr enttäuscht und wütend.', lang: 'de', label: 'negative', strict: false },
];
/** Non-strict canaries may miss (the smaller languages are weaker), but not most of them. */
const MIN_CANARY_HITS = 0.6;

/**
 * Scores the canary set; throws a sentence naming the first failed check. A scorer with
 * predictAll also has every head's output checked (checkHeads).
 */
export async function validateScorer(scorer: Pick<TextScorer, 'featurize' | 'predict'> & Partial<Pick<TextScorer, 'predictAll'>>): Promise<void> {
  const scores = await scorer.predict(CANARY.map((c) => scorer.featurize(c.text, c.lang)));
  if (scores.length !== CANARY.length) throw new Error(`canary: ${scores.length} scores for ${CANARY.length} sentences`);
  let hits = 0;
  for (const [i, c] of CANARY.entries()) {
    const s = scores[i]!;
    if (!Number.isFinite(s.score) || s.score < -1 || s.score > 1) throw new Error(`canary: score ${s.score} for "${c.text}" is not a number in -1..1`);
    if (!Number.isFinite(s.confidence) || s.confidence < 0 || s.confidence > 1) throw new Error(`canary: confidence ${s.confidence} for "${c.text}" is not in 0..1`);
    if (!SENTIMENT_LABELS.includes(s.label)) throw new Error(`canary: unknown label ${String(s.label)}`);
    if (s.label === c.label) hits++;
    else if (c.strict) throw new Error(`sanity check failed: "${c.text}" (${c.lang}) scored ${s.label}, expected ${c.label}`);
  }
  if (hits < MIN_CANARY_HITS * CANARY.length) throw new Error(`sanity check failed: only ${hits} of ${CANARY.length} canary sentences got their obvious label`);
  if (scorer.predictAll) await checkHeads(scorer as Pick<TextScorer, 'featurize' | 'predictAll'>, CANARY, scores);
}
