/**
 * The sentiment quality gate: pre-registered held-out parts of real labelled sets (texts someone
 * else wrote and labelled), each with floors for macro-F1 and per-class recall. A model that falls
 * below a floor is worse than the one the floors were taken from, beyond the stated tolerance.
 *
 * The parts are not copied into the repository: they are re-made from ../shared/data by the
 * training loaders (the seeded split) and pinned by the SHA-256 of their lines, so a changed
 * split or file is an error, not a silently different test. The 300 customer messages are the
 * 100 held-out texts with the lowest SHA-256 from each customer-to-brand set, listed by hash.
 */
import { createHash } from 'node:crypto';
import { SENTIMENT_LABELS } from '../../engine/event/index.ts';
import type { TextScorer } from '../../engine/model/index.ts';
import { classificationReport } from '../eval/metrics.ts';
import { predictExamples } from './predict.ts';
import { HANDWRITTEN_SET, SEED_SET, SENTIMENT_SETS, loadSentimentSets, type LabelledSet } from './data.ts';

/** What a gate part must reach: macro-F1 and recall per class present in the part. */
export interface Figures {
  macroF1: number;
  recall: Record<string, number>;
  support: Record<string, number>;
}

export interface GatePart {
  name: string;
  lang: string;
  binary: boolean;
  n: number;
  /** SHA-256 over the part's lines `label<TAB>normalised text`, in loader order. */
  sha256: string;
  /** The registered model's figures, and the floors derived from them. */
  measured: Figures;
  floors: Omit<Figures, 'support'>;
}

export interface GateFile {
  about: string;
  seed: number;
  model: string;
  tolerance: string;
  parts: GatePart[];
  /** SHA-256 of each text of the customer-message sample (see customerSample). */
  customerMessages: string[];
}

export const GATE_SEED = 42;
/** Customers talking to and about companies: the sets the 300 customer messages are drawn from. */
export const CUSTOMER_SETS: readonly string[] = ['en-tweeteval', 'en-brand-tweets', 'en-trustpilot-mt'];
export const CUSTOMER_SAMPLE_PER_SET = 100;
export const CUSTOMER_PART = 'customer-messages';
export const TOLERANCE_TEXT =
  'floor = measured - max(0.02, 2 * sqrt(f * (1 - f) / n)), with n the class support (recall) or the part size (macro-F1): two standard errors of a proportion, at least 0.02';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const textKey = (text: string): string => text.normalize('NFC').replace(/\s+/g, ' ').trim();
export const textHash = (text: string): string => sha256(textKey(text));

export function partHash(examples: readonly { text: string; label: number }[]): string {
  return sha256(examples.map((e) => `${e.label}\t${textKey(e.text)}`).join('\n'));
}

/** The floors `figures` misses, in words (macro-F1, then recall per class). */
export function floorMisses(figures: Omit<Figures, 'support'>, floors: Omit<Figures, 'support'>): string[] {
  const misses: string[] = [];
  if (figures.macroF1 < floors.macroF1) misses.push(`macro-F1 ${figures.macroF1.toFixed(3)} < floor ${floors.macroF1}`);
  for (const [label, floor] of Object.entries(floors.recall)) {
    const r = figures.recall[label] ?? 0;
    if (r < floor) misses.push(`${label} recall ${r.toFixed(3)} < floor ${floor}`);
  }
  return misses;
}

/** Tolerance of a figure f measured on n items: two standard errors, at least 0.02. */
export function tolerance(f: number, n: number): number {
  return Math.max(0.02, 2 * Math.sqrt((f * (1 - f)) / Math.max(1, n)));
}

/** The held-out part of every public set (not our own written seed and test set). */
export function gateSets(dataDir: string, seed = GATE_SEED): LabelledSet[] {
  const names = SENTIMENT_SETS.filter((n) => n !== SEED_SET && n !== HANDWRITTEN_SET);
  return loadSentimentSets(dataDir, seed, names).filter((s) => s.test.length > 0);
}

/** The 100 distinct held-out texts with the lowest SHA-256 from each customer-to-brand set. */
export function customerSample(sets: readonly LabelledSet[]): LabelledSet {
  const test = CUSTOMER_SETS.flatMap((name) => {
    const s = sets.find((x) => x.name === name);
    if (!s) throw new Error(`quality gate: set ${name} is missing`);
    // One line per distinct text (retweets and repeated reviews would otherwise count twice).
    const byHash = new Map(s.test.map((e) => [textHash(e.text), { ...e, lang: 'en' }] as const));
    return [...byHash.keys()].sort().slice(0, CUSTOMER_SAMPLE_PER_SET).map((h) => byHash.get(h)!);
  });
  return { name: CUSTOMER_PART, lang: 'en', binary: false, outOfDomain: false, heldOut: 'pre-registered sample of held-out parts', train: [], valid: [], test };
}

/** Scores a part as training reports it: binary sets by the sign of the score, others by the label. */
export async function measure(scorer: TextScorer, s: LabelledSet): Promise<Figures> {
  const { pred } = await predictExamples(scorer, s.test, (e) => e.lang ?? s.lang, s.binary);
  const r = classificationReport(s.test.map((e) => e.label), pred, SENTIMENT_LABELS);
  const present = r.perClass.filter((c) => c.support > 0);
  return {
    macroF1: s.binary ? mean(present.map((c) => c.f1)) : r.macroF1,
    recall: Object.fromEntries(present.map((c) => [c.label, c.recall])),
    support: Object.fromEntries(present.map((c) => [c.label, c.support])),
  };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);
const round = (x: number): number => Math.round(x * 1000) / 1000;

export function floorsOf(m: Figures, n: number): GatePart['floors'] {
  return {
    macroF1: round(m.macroF1 - tolerance(m.macroF1, n)),
    recall: Object.fromEntries(Object.entries(m.recall).map(([label, r]) => [label, round(r - tolerance(r, m.support[label]!))])),
  };
}

/** The registered parts in gate order: every held-out part, then the customer-message sample. */
export function gateParts(dataDir: string, seed = GATE_SEED): LabelledSet[] {
  const sets = gateSets(dataDir, seed);
  return [...sets, customerSample(sets)];
}

/** Measures `scorer` on every part and writes down the floors: the file the gate test reads. */
export async function buildGate(dataDir: string, scorer: TextScorer, model: string): Promise<GateFile> {
  const parts: GatePart[] = [];
  const all = gateParts(dataDir);
  for (const s of all) {
    const measured = await measure(scorer, s);
    parts.push({ name: s.name, lang: s.lang, binary: s.binary, n: s.test.length, sha256: partHash(s.test), measured: roundFigures(measured), floors: floorsOf(measured, s.test.length) });
  }
  return {
    about: 'Sentiment quality gate (training/sentiment/gate.ts): held-out parts re-made from ../shared/data by the training loaders, pinned by hash; a model must reach every floor',
    seed: GATE_SEED,
    model,
    tolerance: TOLERANCE_TEXT,
    parts,
    customerMessages: all.at(-1)!.test.map((e) => textHash(e.text)),
  };
}

function roundFigures(f: Figures): Figures {
  return { macroF1: round(f.macroF1), recall: Object.fromEntries(Object.entries(f.recall).map(([k, v]) => [k, round(v)])), support: f.support };
}

/** Each floor a scorer misses on the registered parts, in words; empty when it passes. */
export async function checkGate(dataDir: string, scorer: TextScorer, gate: GateFile): Promise<{ part: string; figures: Figures; misses: string[] }[]> {
  const parts = gateParts(dataDir, gate.seed);
  const out: { part: string; figures: Figures; misses: string[] }[] = [];
  for (const reg of gate.parts) {
    const s = parts.find((p) => p.name === reg.name);
    if (!s) throw new Error(`quality gate: part ${reg.name} is no longer made by the loaders`);
    const hash = partHash(s.test);
    if (hash !== reg.sha256 || s.test.length !== reg.n) {
      throw new Error(`quality gate: part ${reg.name} changed (${s.test.length} lines, sha256 ${hash.slice(0, 12)}; registered ${reg.n}, ${reg.sha256.slice(0, 12)}): the split or the data moved`);
    }
    if (reg.name === CUSTOMER_PART) {
      const hashes = s.test.map((e) => textHash(e.text));
      if (hashes.join() !== gate.customerMessages.join()) throw new Error('quality gate: the customer-message sample is not the registered one');
    }
    const figures = await measure(scorer, s);
    const misses = floorMisses(figures, reg.floors);
    out.push({ part: reg.name, figures, misses });
  }
  return out;
}
