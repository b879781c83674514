import { readFileSync } from 'node:fs';
import { DEFAULT_MODEL_DIR, initBackend, loadTextScorer } from '../engine/model/index.ts';
import { writeFileAtomic } from '../engine/util/index.ts';
import { buildGate, checkGate, type GateFile } from '../training/sentiment/index.ts';
import { buildEmotionGate, buildHeadsGate, checkEmotionGate, checkHeadsGate, type EmotionGateFile, type HeadsGateFile } from '../training/heads/index.ts';
import { fromPackageRoot } from '../engine/config/index.ts';
import { requireDataDir } from './dataDir.ts';

/** Where the registered parts and floors live; the gate test reads the same file. */
export const GATE_FILE = fromPackageRoot('models', 'sentiment', 'quality-gate.json');
/** The heads' registered floors on their hand-written held-out lines; the heads gate test reads it. */
export const HEADS_GATE_FILE = fromPackageRoot('models', 'sentiment', 'heads', 'quality-gate.json');
/** The emotion head's registered floors against human sentiment labels (held-out parts of ../shared/data). */
export const EMOTION_GATE_FILE = fromPackageRoot('models', 'sentiment', 'heads', 'emotion-gate.json');

export interface GateOptions {
  data: string;
  model?: string;
  /** Re-measure the model and write new floors (after a retrain that is to become the reference). */
  write?: boolean;
  /** The heads (urgency, formality, topic) on their held-out lines in data/heads instead of the sentiment model. */
  heads?: boolean;
  /** The emotion head's direction against the human sentiment labels of the held-out parts in --data. */
  emotion?: boolean;
}

/**
 * `cxpulse gate`: the model against the registered held-out parts and their floors; exits 1 when
 * a floor is missed. `--write` makes the model the reference: measures it and writes the floors.
 */
export async function runGate(o: GateOptions): Promise<void> {
  await initBackend();
  const dir = o.model ?? DEFAULT_MODEL_DIR;
  if (o.heads) return runHeadsGate(dir, o.write === true);
  if (o.emotion) return runEmotionGate(dir, requireDataDir(o.data), o.write === true);
  const dataDir = requireDataDir(o.data);
  const scorer = await loadTextScorer(dir, { heads: false });
  if (o.write) {
    const gate = await buildGate(dataDir, scorer, scorer.version);
    writeFileAtomic(GATE_FILE, `${JSON.stringify(gate, null, 2)}\n`);
    process.stdout.write(`wrote ${GATE_FILE}: ${gate.parts.length} parts, floors from ${scorer.version}\n`);
    return;
  }
  const gate = JSON.parse(readFileSync(GATE_FILE, 'utf8')) as GateFile;
  const missed = printParts(await checkGate(dataDir, scorer, gate), 20);
  process.stdout.write(`${scorer.version} against floors from ${gate.model}: ${missed === 0 ? 'passes' : `${missed} floor(s) missed`}\n`);
  if (missed > 0) process.exitCode = 1;
}

/** `cxpulse gate --heads`: the heads against their floors (no ../shared data needed: the lines are in data/heads). */
async function runHeadsGate(dir: string, write: boolean): Promise<void> {
  const scorer = await loadTextScorer(dir);
  if (write) {
    const gate = await buildHeadsGate(scorer);
    writeFileAtomic(HEADS_GATE_FILE, `${JSON.stringify(gate, null, 2)}\n`);
    process.stdout.write(`wrote ${HEADS_GATE_FILE}: ${gate.parts.length} parts, floors from ${scorer.version}\n`);
    scorer.dispose();
    return;
  }
  const gate = JSON.parse(readFileSync(HEADS_GATE_FILE, 'utf8')) as HeadsGateFile;
  const results = await checkHeadsGate(scorer, gate);
  let missed = 0;
  for (const r of results) {
    const recall = Object.entries(r.figures.recall).map(([l, v]) => `${l} ${v.toFixed(3)}`).join(', ');
    process.stdout.write(`${r.misses.length ? 'MISS' : 'ok  '} ${r.head.padEnd(10)} ${r.part.padEnd(4)} macro-F1 ${r.figures.macroF1.toFixed(3)}${r.part === 'all' ? `  recall ${recall}` : ''}${r.misses.length ? `  (${r.misses.join('; ')})` : ''}\n`);
    missed += r.misses.length;
  }
  process.stdout.write(`${scorer.version} heads against floors from ${gate.model}: ${missed === 0 ? 'passes' : `${missed} floor(s) missed`}\n`);
  if (missed > 0) process.exitCode = 1;
  scorer.dispose();
}

/** `cxpulse gate --emotion`: the emotion head's direction against human sentiment labels in every language. */
async function runEmotionGate(dir: string, dataDir: string, write: boolean): Promise<void> {
  const scorer = await loadTextScorer(dir);
  try {
    if (write) {
      const gate = await buildEmotionGate(dataDir, scorer);
      writeFileAtomic(EMOTION_GATE_FILE, `${JSON.stringify(gate, null, 2)}\n`);
      process.stdout.write(`wrote ${EMOTION_GATE_FILE}: ${gate.parts.length} parts, floors from ${scorer.version}\n`);
      return;
    }
    const gate = JSON.parse(readFileSync(EMOTION_GATE_FILE, 'utf8')) as EmotionGateFile;
    const missed = printParts(await checkEmotionGate(dataDir, scorer, gate), 26);
    process.stdout.write(`${scorer.version} emotion direction against floors from ${gate.model}: ${missed === 0 ? 'passes' : `${missed} floor(s) missed`}\n`);
    if (missed > 0) process.exitCode = 1;
  } finally {
    scorer.dispose();
  }
}

/** One line per gate part (ok or MISS, macro-F1, recall per class, the misses); returns the floors missed. */
function printParts(results: readonly { part: string; figures: { macroF1: number; recall: Record<string, number> }; misses: string[] }[], width: number): number {
  let missed = 0;
  for (const r of results) {
    const recall = Object.entries(r.figures.recall).map(([l, v]) => `${l} ${v.toFixed(3)}`).join(', ');
    process.stdout.write(`${r.misses.length ? 'MISS' : 'ok  '} ${r.part.padEnd(width)} macro-F1 ${r.figures.macroF1.toFixed(3)}  recall ${recall}${r.misses.length ? `  (${r.misses.join('; ')})` : ''}\n`);
    missed += r.misses.length;
  }
  return missed;
}
