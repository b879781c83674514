/**
 * Loading the text model's heads (the table in engine/event/heads.ts), each a model folder under
 * `<main model>/heads/<head>/`. A head must use exactly the main model's featurizer spec, because
 * at load time its embedding table is glued column-wise onto the main one and one
 * sparseSegmentMean per batch serves every head: a head hashed into other buckets would silently
 * read the wrong rows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { HEAD_NAMES, HEADS, type HeadName } from '../event/types.ts';
import { MANIFEST_FILE, sha256, type ManifestExpectation, type ModelManifest } from './manifest.ts';
import type { FeaturizerSpec } from './featurize.ts';

export { HEAD_NAMES, type HeadName };

export const HEADS_DIR = 'heads';

/** What a head's manifest must declare: its name as task, the table's labels, multiLabel for `multi` heads. */
export function headExpectation(name: HeadName): ManifestExpectation {
  const h = HEADS[name];
  return { task: name, labels: h.labels, ...(h.kind === 'multi' ? { multiLabel: true } : {}) };
}

export interface LoadedHead {
  name: HeadName;
  dir: string;
  manifest: ModelManifest;
  weights: tf.NamedTensorMap;
}

/** Folders of the heads present under `mainDir/heads`, in name order. */
export function headFolders(mainDir: string): { name: HeadName; dir: string }[] {
  return HEAD_NAMES.map((name) => ({ name, dir: join(mainDir, HEADS_DIR, name) })).filter((h) => existsSync(join(h.dir, MANIFEST_FILE)));
}

/** Canonical JSON (sorted keys), so key order in a hand-edited manifest does not matter. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x !== null && typeof x === 'object') {
    return `{${Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${canonical((x as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(x);
}

export function sameFeaturizer(a: FeaturizerSpec, b: FeaturizerSpec): boolean {
  return canonical(a) === canonical(b);
}

/** Throws naming both manifests when a head was trained with another featurizer than the main model. */
export function assertSameFeaturizer(head: ModelManifest, headDir: string, main: ModelManifest, mainDir: string): void {
  if (sameFeaturizer(head.featurizer, main.featurizer)) return;
  throw new Error(
    `cannot load model head ${join(headDir, MANIFEST_FILE)}: its featurizer ${canonical(head.featurizer)} differs from the main model's `
    + `${join(mainDir, MANIFEST_FILE)} (${canonical(main.featurizer)}); retrain the heads with \`cxpulse train --heads-only\``,
  );
}

/**
 * No heads: the main version. With heads: `<main>+<8 hex of sha256 over the heads' weightsSha256
 * in name order>`, so retraining any head changes the version stored with every scored event.
 */
export function combinedVersion(mainVersion: string, heads: readonly Pick<LoadedHead, 'name' | 'manifest'>[]): string {
  if (heads.length === 0) return mainVersion;
  const sorted = [...heads].sort((a, b) => a.name.localeCompare(b.name));
  const digest = sha256(new TextEncoder().encode(sorted.map((h) => h.manifest.weightsSha256).join('')));
  return `${mainVersion}+${digest.slice(0, 8)}`;
}

/**
 * The version loadTextScorer(dir) reports, from the manifests alone (no weights read): for
 * tests and tools that compare scored events' modelVersion with a folder.
 */
export function readModelVersion(dir: string): string {
  const version = (file: string): { version: string; weightsSha256: string } => JSON.parse(readFileSync(file, 'utf8')) as { version: string; weightsSha256: string };
  const main = version(join(dir, MANIFEST_FILE));
  const heads = headFolders(dir).map((h) => ({ name: h.name, manifest: version(join(h.dir, MANIFEST_FILE)) as ModelManifest }));
  return combinedVersion(main.version, heads);
}
