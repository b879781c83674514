/**
 * The emotion head's gate outside English, where no emotion labels exist: its direction (the
 * most probable listed emotion read as negative, neutral or positive) against the human sentiment
 * labels of the sentiment sets' held-out parts (../shared/data), with floors for macro-F1 and
 * recall per class taken from a registered model minus the sentiment gate's tolerance. Each part
 * is pinned by the SHA-256 of its labelled lines, as in the sentiment gate.
 */
import type { TextScorer } from '../../engine/model/index.ts';
import { floorMisses, floorsOf, partHash, TOLERANCE_TEXT, type Figures } from '../sentiment/gate.ts';
import { evaluateEmotionPolarity } from './evaluate.ts';
import { emotionPolaritySets } from './sets.ts';

/** The split seed of the held-out parts (the one the shipped models were trained with). */
const GATE_SEED = 42;

export interface EmotionGatePart {
  name: string;
  n: number;
  sha256: string;
  measured: Figures;
  floors: Omit<Figures, 'support'>;
}

export interface EmotionGateFile {
  about: string;
  model: string;
  tolerance: string;
  parts: EmotionGatePart[];
}

type Scorer = Pick<TextScorer, 'featurize' | 'predictAll'>;

async function measure(scorer: Scorer, exs: Parameters<typeof evaluateEmotionPolarity>[1]): Promise<Figures> {
  const r = await evaluateEmotionPolarity(scorer, exs);
  const present = r.perClass.filter((c) => c.support > 0);
  return {
    macroF1: r.macroF1,
    recall: Object.fromEntries(present.map((c) => [c.label, c.recall])),
    support: Object.fromEntries(present.map((c) => [c.label, c.support])),
  };
}

/** Measures the emotion head on every held-out part and writes down the floors. */
export async function buildEmotionGate(dataDir: string, scorer: Scorer & Pick<TextScorer, 'version'>): Promise<EmotionGateFile> {
  const parts: EmotionGatePart[] = [];
  for (const [name, exs] of Object.entries(emotionPolaritySets(dataDir, GATE_SEED, 'test'))) {
    const m = await measure(scorer, exs);
    parts.push({ name, n: exs.length, sha256: partHash(exs), measured: m, floors: floorsOf(m, exs.length) });
  }
  return {
    about: 'Emotion direction gate (training/heads/emotionGate.ts): the emotion head\'s most probable listed emotion, read as negative / neutral / positive, against the human sentiment labels of the held-out parts in ../shared/data, pinned by hash',
    model: scorer.version,
    tolerance: TOLERANCE_TEXT,
    parts,
  };
}

/** Each floor `scorer` misses, in words, per part; throws when a part is not the registered one. */
export async function checkEmotionGate(dataDir: string, scorer: Scorer, gate: EmotionGateFile): Promise<{ part: string; figures: Figures; misses: string[] }[]> {
  const sets = emotionPolaritySets(dataDir, GATE_SEED, 'test');
  const out: { part: string; figures: Figures; misses: string[] }[] = [];
  for (const reg of gate.parts) {
    const exs = sets[reg.name];
    if (!exs) throw new Error(`emotion gate: no held-out part ${reg.name} in ${dataDir}`);
    const hash = partHash(exs);
    if (hash !== reg.sha256) throw new Error(`emotion gate: the held-out part ${reg.name} changed (sha256 ${hash.slice(0, 12)}, registered ${reg.sha256.slice(0, 12)}); re-register with cxpulse gate --emotion --write`);
    const figures = await measure(scorer, exs);
    const misses = floorMisses(figures, reg.floors);
    out.push({ part: reg.name, figures, misses });
  }
  return out;
}
