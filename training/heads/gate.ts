/**
 * The heads' quality gate: the hand-written held-out lines of data/heads/<head>.jsonl (split
 * "test", never trained on), with floors for macro-F1 (pooled and per language) and recall per
 * class (pooled), taken from a registered model minus the sentiment gate's tolerance. The urgency
 * and formality lines carry none of their weak-labelling rules' cues (rules.ts, RULE_CUES), so a
 * head that only learned the keywords back scores low here. Pinned by the SHA-256 of the lines.
 * The head is measured on its own: without the texts, so urgency is not raised by the
 * implicit-complaint rule (engine/model/complaints.ts).
 */
import { createHash } from 'node:crypto';
import { FORMALITY_LABELS, TOPIC_LABELS, URGENCY_LABELS } from '../../engine/event/index.ts';
import type { TextScorer } from '../../engine/model/index.ts';
import { classificationReport } from '../eval/metrics.ts';
import { floorMisses, floorsOf, TOLERANCE_TEXT, type Figures } from '../sentiment/gate.ts';
import { readSeed, SEED_DIR, type SeedLine } from './data.ts';

/** The single-label heads with hand-written held-out lines. */
export const GATED_HEADS = { urgency: URGENCY_LABELS, formality: FORMALITY_LABELS, topic: TOPIC_LABELS } as const;
export type GatedHead = keyof typeof GATED_HEADS;

export interface HeadsGatePart {
  head: GatedHead;
  /** `all` (every language pooled: macro-F1 and recall per class) or a language (macro-F1 only). */
  part: string;
  n: number;
  measured: Figures;
  floors: Omit<Figures, 'support'>;
}

export interface HeadsGateFile {
  about: string;
  model: string;
  tolerance: string;
  /** SHA-256 over each head's held-out lines `lang<TAB>label<TAB>text`, in file order. */
  sha256: Record<GatedHead, string>;
  parts: HeadsGatePart[];
}

export function heldOutLines(head: GatedHead, dir = SEED_DIR): SeedLine[] {
  return readSeed(head, GATED_HEADS[head], dir).filter((l) => l.split === 'test');
}

export function linesHash(lines: readonly SeedLine[]): string {
  return createHash('sha256').update(lines.map((l) => `${l.lang}\t${l.label}\t${l.text.normalize('NFC').trim()}`).join('\n')).digest('hex');
}

/** The head's label for each line, from one forward pass per 256 lines (the head alone, no rules on top). */
export async function predictHead(scorer: Pick<TextScorer, 'featurize' | 'predictAll'>, head: GatedHead, lines: readonly SeedLine[]): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 256) {
    const batch = lines.slice(i, i + 256);
    const scores = await scorer.predictAll(batch.map((l) => scorer.featurize(l.text, l.lang)));
    for (const s of scores) {
      const h = s[head];
      if (!h) throw new Error(`heads gate: the model has no ${head} head`);
      out.push(h.label);
    }
  }
  return out;
}

function figures(labels: readonly string[], truth: readonly string[], pred: readonly string[]): Figures {
  const r = classificationReport(truth.map((t) => labels.indexOf(t)), pred.map((p) => labels.indexOf(p)), labels);
  const present = r.perClass.filter((c) => c.support > 0);
  return {
    macroF1: r.macroF1,
    recall: Object.fromEntries(present.map((c) => [c.label, c.recall])),
    support: Object.fromEntries(present.map((c) => [c.label, c.support])),
  };
}

/** Figures of `head` on its held-out lines: pooled, then per language in first-seen order. */
export async function measureHead(scorer: Pick<TextScorer, 'featurize' | 'predictAll'>, head: GatedHead, lines = heldOutLines(head)): Promise<{ part: string; n: number; figures: Figures }[]> {
  const pred = await predictHead(scorer, head, lines);
  const labels = GATED_HEADS[head];
  const parts = [{ part: 'all', idx: lines.map((_, i) => i) }];
  for (const lang of [...new Set(lines.map((l) => l.lang))]) parts.push({ part: lang, idx: lines.flatMap((l, i) => (l.lang === lang ? [i] : [])) });
  return parts.map(({ part, idx }) => ({ part, n: idx.length, figures: figures(labels, idx.map((i) => lines[i]!.label), idx.map((i) => pred[i]!)) }));
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Measures every gated head of `scorer` and writes down the floors: the file the heads gate test reads. */
export async function buildHeadsGate(scorer: Pick<TextScorer, 'featurize' | 'predictAll' | 'version'>): Promise<HeadsGateFile> {
  const parts: HeadsGatePart[] = [];
  const sha256 = {} as Record<GatedHead, string>;
  for (const head of Object.keys(GATED_HEADS) as GatedHead[]) {
    const lines = heldOutLines(head);
    sha256[head] = linesHash(lines);
    for (const { part, n, figures: m } of await measureHead(scorer, head, lines)) {
      const f = floorsOf(m, n);
      // Per language only macro-F1: 5 to 14 lines per class are too few for a recall floor.
      const floors = part === 'all' ? f : { macroF1: f.macroF1, recall: {} };
      const measured = { macroF1: round(m.macroF1), recall: Object.fromEntries(Object.entries(m.recall).map(([k, v]) => [k, round(v)])), support: m.support };
      parts.push({ head, part, n, measured, floors });
    }
  }
  return {
    about: 'Heads quality gate (training/heads/gate.ts): the hand-written held-out lines of data/heads/<head>.jsonl, pinned by hash; the urgency and formality lines carry none of their labelling rules\' cues',
    model: scorer.version,
    tolerance: TOLERANCE_TEXT,
    sha256,
    parts,
  };
}

/** Each floor `scorer` misses, in words, per part; throws when the lines are not the registered ones. */
export async function checkHeadsGate(scorer: Pick<TextScorer, 'featurize' | 'predictAll'>, gate: HeadsGateFile): Promise<{ head: GatedHead; part: string; figures: Figures; misses: string[] }[]> {
  const out: { head: GatedHead; part: string; figures: Figures; misses: string[] }[] = [];
  for (const head of Object.keys(GATED_HEADS) as GatedHead[]) {
    const lines = heldOutLines(head);
    const hash = linesHash(lines);
    if (hash !== gate.sha256[head]) throw new Error(`heads gate: the held-out lines of data/heads/${head}.jsonl changed (sha256 ${hash.slice(0, 12)}, registered ${gate.sha256[head]?.slice(0, 12)}); re-register with cxpulse gate --heads --write`);
    const measured = await measureHead(scorer, head, lines);
    for (const reg of gate.parts.filter((p) => p.head === head)) {
      const got = measured.find((m) => m.part === reg.part);
      if (!got) throw new Error(`heads gate: ${head} has no part ${reg.part} any more`);
      const misses = floorMisses(got.figures, reg.floors);
      out.push({ head, part: reg.part, figures: got.figures, misses });
    }
  }
  return out;
}
