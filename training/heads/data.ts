/**
 * Training data of the heads, read from the shared data folder (never copied into the repo)
 * and from the hand-written seed files in data/heads/ (data/heads/*.jsonl, each line
 * {"lang","label","split":"train"|"test","text"}; the test lines are never trained on).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromPackageRoot } from '../../engine/config/index.ts';
import { EMOTION_LABELS, TOPIC_LABELS } from '../../engine/event/index.ts';
import { hashString } from '../../engine/model/index.ts';
import { parseDelimited } from '../eval/csv.ts';

export const SEED_DIR = fromPackageRoot('data', 'heads');

export interface HeadExample { text: string; lang: string; label: number; targets?: Float32Array; source: string }
export interface HeadSplits { train: HeadExample[]; valid: HeadExample[]; tests: Record<string, HeadExample[]> }

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read training file ${path}: ${(err as Error).message}`);
  }
}

/** Deterministic 0..99 bucket of a text for seeded train/valid splits. */
export function bucket(text: string, seed: number): number {
  return hashString(`${seed}\u0000${text.trim().toLowerCase()}`) % 100;
}

export interface SeedLine { lang: string; label: string; split: 'train' | 'valid' | 'test'; text: string }

/** Reads data/heads/<name>.jsonl; every label must be one of `labels`. */
export function readSeed(name: string, labels: readonly string[], dir = SEED_DIR): SeedLine[] {
  const file = join(dir, `${name}.jsonl`);
  return read(file).split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    let o: SeedLine;
    try {
      o = JSON.parse(line) as SeedLine;
    } catch {
      throw new Error(`${file}: line ${i + 1}: not valid JSON`);
    }
    if (!labels.includes(o.label)) throw new Error(`${file}: line ${i + 1}: unknown label ${JSON.stringify(o.label)}`);
    if (o.split !== 'train' && o.split !== 'test' && o.split !== 'valid') throw new Error(`${file}: line ${i + 1}: split must be "train", "valid" or "test"`);
    if (typeof o.text !== 'string' || o.text.trim() === '') throw new Error(`${file}: line ${i + 1}: empty text`);
    return o;
  });
}

/** Reads a JSON mapping file {target: [source labels]} into source -> target index. */
export function readMapping(name: string, targets: readonly string[]): Map<string, number> {
  const file = fromPackageRoot('training', 'heads', name);
  const raw = JSON.parse(read(file)) as Record<string, unknown>;
  const out = new Map<string, number>();
  for (const [target, sources] of Object.entries(raw)) {
    if (target.startsWith('_')) continue;
    const t = targets.indexOf(target);
    if (t < 0 || !Array.isArray(sources)) throw new Error(`${file}: "${target}" is not a label of ${JSON.stringify(targets)}`);
    for (const s of sources as string[]) out.set(s, t);
  }
  return out;
}

export interface BankingRow { text: string; intent: string }

export function readBanking77(dataDir: string, part: 'train' | 'test'): BankingRow[] {
  const file = join(dataDir, 'en-banking77', `${part}.csv`);
  const rows = parseDelimited(read(file), { file });
  const head = rows.shift();
  if (!head || head[0] !== 'text' || head[2] !== 'label_text') throw new Error(`${file}: expected the header text,label,label_text`);
  return rows.map((r, i) => {
    if (r.length < 3 || !r[0]) throw new Error(`${file}: row ${i + 2}: expected 3 fields`);
    return { text: r[0], intent: r[2]! };
  });
}

/** Banking77 part mapped to topic ids; an intent missing from the mapping is an error, not a silent drop. */
export function bankingTopics(dataDir: string, part: 'train' | 'test'): HeadExample[] {
  const map = readMapping('banking77-topics.json', TOPIC_LABELS);
  return readBanking77(dataDir, part).map((r) => {
    const label = map.get(r.intent);
    if (label === undefined) throw new Error(`banking77-topics.json has no topic for intent "${r.intent}"`);
    return { text: r.text, lang: 'en', label, source: 'banking77' };
  });
}

export interface GoRow { text: string; labels: number[] }

export function readGoEmotions(dataDir: string, part: 'train' | 'dev' | 'test'): GoRow[] {
  const dir = join(dataDir, 'en-goemotions');
  const names = read(join(dir, 'original_labels.txt')).split('\n').map((s) => s.trim()).filter(Boolean);
  const file = join(dir, `original_${part}.tsv`);
  return read(file).split('\n').filter((l) => l !== '').map((line, i) => {
    const [text, ids] = line.split('\t');
    const labels = (ids ?? '').split(',').map(Number);
    if (!text || labels.some((x) => !Number.isInteger(x) || x < 0 || x >= names.length)) throw new Error(`${file}: line ${i + 1}: malformed`);
    return { text, labels };
  });
}

/** GoEmotions part as multi-label targets over EMOTION_LABELS (goemotions-emotions.json). */
export function goEmotions(dataDir: string, part: 'train' | 'dev' | 'test'): HeadExample[] {
  const names = read(join(dataDir, 'en-goemotions', 'original_labels.txt')).split('\n').map((s) => s.trim()).filter(Boolean);
  const map = readMapping('goemotions-emotions.json', EMOTION_LABELS);
  return readGoEmotions(dataDir, part).map((r) => {
    const targets = new Float32Array(EMOTION_LABELS.length);
    for (const id of r.labels) {
      const t = map.get(names[id]!);
      if (t !== undefined) targets[t] = 1;
    }
    return { text: r.text, lang: 'en', label: -1, targets, source: 'goemotions' };
  });
}
