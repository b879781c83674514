/**
 * One train / valid / held-out split per head. Held-out parts are never trained on:
 * GoEmotions `test`, Banking77 `test`, and the seed files' "test" lines (hand-labelled, not
 * by the rules). Validation (epoch and threshold choice) comes from training data only.
 */
import { FORMALITY_LABELS, TOPIC_LABELS, URGENCY_LABELS, type UrgencyLabel } from '../../engine/event/index.ts';
import { loadSentimentSets } from '../sentiment/data.ts';
import { bankingTopics, bucket, goEmotions, readBanking77, readSeed, type HeadExample, type HeadSplits } from './data.ts';
import { formalityRule, urgencyRule } from './rules.ts';

const VALID_PCT = 10;
/** Non-English sentiment sets whose (training) texts the urgency and formality rules label. */
const NORDIC_GERMAN_SETS = ['sv-twitter', 'sv-swe-sentiment', 'nb-norec-sentence', 'da-political', 'de-sb10k', 'de-potts'];
/** At most this many rule-labelled texts per source and label, so one chatty source cannot dominate. */
const MAX_PER_SOURCE_LABEL = 2500;

function seedSplits(name: string, labels: readonly string[]): { train: HeadExample[]; test: HeadExample[] } {
  const lines = readSeed(name, labels);
  const toEx = (l: (typeof lines)[number]): HeadExample => ({ text: l.text, lang: l.lang, label: labels.indexOf(l.label), source: `seed/${name}` });
  return { train: lines.filter((l) => l.split === 'train').map(toEx), test: lines.filter((l) => l.split === 'test').map(toEx) };
}

/** Held-out seed lines per language, plus all of them pooled. */
function byLang(test: readonly HeadExample[], prefix: string): Record<string, HeadExample[]> {
  const out: Record<string, HeadExample[]> = { [`${prefix} (all)`]: [...test] };
  for (const ex of test) (out[`${prefix} ${ex.lang}`] ??= []).push(ex);
  return out;
}

function splitValid(pool: readonly HeadExample[], seed: number): { train: HeadExample[]; valid: HeadExample[] } {
  const train: HeadExample[] = [], valid: HeadExample[] = [];
  for (const ex of pool) (bucket(ex.text, seed) < VALID_PCT ? valid : train).push(ex);
  return { train, valid };
}

export function emotionSets(dataDir: string): HeadSplits {
  return { train: goEmotions(dataDir, 'train'), valid: goEmotions(dataDir, 'dev'), tests: { 'goemotions test (en)': goEmotions(dataDir, 'test') } };
}

export function topicSets(dataDir: string, seed: number): HeadSplits {
  const bank = splitValid(bankingTopics(dataDir, 'train'), seed);
  const own = seedSplits('topic', TOPIC_LABELS);
  return {
    train: [...bank.train, ...own.train],
    valid: bank.valid,
    tests: { 'banking77 test (en, mapped)': bankingTopics(dataDir, 'test'), ...byLang(own.test, 'seed held-out') },
  };
}

/** Banking77 intents whose very nature sets the urgency (the keyword rules come first for "critical"). */
const URGENCY_BY_INTENT: Record<string, UrgencyLabel> = {
  compromised_card: 'critical', lost_or_stolen_card: 'critical', lost_or_stolen_phone: 'critical', card_payment_not_recognised: 'critical',
  cash_withdrawal_not_recognised: 'critical', direct_debit_payment_not_recognised: 'critical',
  card_swallowed: 'high', pin_blocked: 'high', transaction_charged_twice: 'high', wrong_amount_of_cash_received: 'high',
  transfer_not_received_by_recipient: 'high', declined_transfer: 'high', failed_transfer: 'high', unable_to_verify_identity: 'high',
};

/** Real texts for the rules: Banking77 train, GoEmotions train, the Nordic and German sets' training parts. */
export function realTexts(dataDir: string, seed: number): { text: string; lang: string; source: string; intent?: string }[] {
  const out: { text: string; lang: string; source: string; intent?: string }[] = [];
  for (const r of readBanking77(dataDir, 'train')) out.push({ text: r.text, lang: 'en', source: 'banking77', intent: r.intent });
  for (const r of goEmotions(dataDir, 'train')) out.push({ text: r.text, lang: 'en', source: 'goemotions' });
  for (const s of loadSentimentSets(dataDir, seed, NORDIC_GERMAN_SETS)) for (const ex of s.train) out.push({ text: ex.text, lang: s.lang, source: s.name });
  return out;
}

/** Applies a rule, caps each (source, label) cell, and keeps the labelled texts. */
function ruleLabelled(
  texts: ReturnType<typeof realTexts>, labels: readonly string[], rule: (t: (typeof texts)[number]) => string | undefined, seed: number,
): HeadExample[] {
  const counts = new Map<string, number>();
  const out: HeadExample[] = [];
  // Cap by a seeded order, not file order, so the kept texts are a random sample of each cell.
  const order = texts.map((t, i) => ({ t, k: bucket(`${i}\u0000${t.text}`, seed ^ 0x77) * 1e6 + i })).sort((a, b) => a.k - b.k);
  for (const { t } of order) {
    const l = rule(t);
    if (l === undefined) continue;
    const key = `${t.source}/${l}`;
    const c = counts.get(key) ?? 0;
    if (c >= MAX_PER_SOURCE_LABEL) continue;
    counts.set(key, c + 1);
    out.push({ text: t.text, lang: t.lang, label: labels.indexOf(l), source: `rules:${t.source}` });
  }
  return out;
}

export function urgencySets(dataDir: string, seed: number, texts = realTexts(dataDir, seed)): HeadSplits & { ruleCounts: Record<string, number> } {
  const weak = ruleLabelled(texts, URGENCY_LABELS, (t) => {
    const k = urgencyRule(t.text, t.lang);
    if (k === 'critical') return k;
    return (t.intent && URGENCY_BY_INTENT[t.intent]) ?? k;
  }, seed);
  const own = seedSplits('urgency', URGENCY_LABELS);
  const { train, valid } = splitValid(weak, seed);
  return { train: [...train, ...own.train], valid, tests: byLang(own.test, 'seed held-out'), ruleCounts: countLabels(weak, URGENCY_LABELS) };
}

export function formalitySets(dataDir: string, seed: number, texts = realTexts(dataDir, seed)): HeadSplits & { ruleCounts: Record<string, number> } {
  const weak = ruleLabelled(texts, FORMALITY_LABELS, (t) => formalityRule(t.text, t.lang), seed);
  const own = seedSplits('formality', FORMALITY_LABELS);
  const { train, valid } = splitValid(weak, seed);
  return { train: [...train, ...own.train], valid, tests: byLang(own.test, 'seed held-out'), ruleCounts: countLabels(weak, FORMALITY_LABELS) };
}

function countLabels(xs: readonly HeadExample[], labels: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[l] = 0;
  for (const x of xs) out[labels[x.label]!]!++;
  return out;
}

