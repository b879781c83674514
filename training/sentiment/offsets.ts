/**
 * Per-language class offsets ("class priors"): one logit offset per class and language, added
 * after the temperature and before a deployment's CXPULSE_SENTIMENT_NEGATIVE_BIAS
 * (engine/model/outputs.ts), chosen by the language block the text's features use. Fitted on the
 * validation parts only: for each language, a coarse grid over the negative and positive offsets
 * (neutral fixed at 0) maximising the mean per-set validation macro-F1 of that language, minus a
 * small penalty per unit of offset, so a change has to earn its size and "no change" wins ties.
 *
 * Why per language: the training mix is mostly English, and the class balance of the language
 * blocks differs (NoReC is neutral-heavy, da-political is not); one global offset (tried as
 * `tuneClassBias`) moved every language the same way and gained nothing on validation.
 */
import { SENTIMENT_LABELS } from '../../engine/event/index.ts';
import { join } from 'node:path';
import { MANIFEST_FILE, modelFeatures, readLexiconSigns, readModelFolder, versionWithOffsets, rowLanguage, type ClassOffsets, type ModelManifest } from '../../engine/model/index.ts';
import { writeFileAtomic } from '../../engine/util/index.ts';
import type { OffsetsReport } from './report.ts';
import { forwardLogits } from './calibrate.ts';
import type { Example, LabelledSet } from './data.ts';
import type { HeadWeights } from './trainer.ts';

/** Validation logits of one set in one language: macro-F1 is taken per group, then averaged. */
export interface OffsetGroup {
  name: string;
  /** n x 3 logits (negative, neutral, positive), temperature already applied. */
  logits: Float32Array;
  labels: readonly number[];
  /** Binary sets are decided by the sign of p(pos) - p(neg), as the card scores them. */
  binary: boolean;
}

export interface OffsetSearch {
  /** Largest absolute offset tried (default 1). */
  range: number;
  /** Grid step (default 0.1: coarse on purpose, the Nordic validation parts have 600-900 lines). */
  step: number;
  /** Macro-F1 charged per unit of |negative| + |positive| offset (default 0.01). */
  penalty: number;
}

export const DEFAULT_OFFSET_SEARCH: OffsetSearch = { range: 1, step: 0.1, penalty: 0.01 };

/** Predicted class of row i with offsets (neg, 0, pos) added to the logits; binary: the sign of pos - neg. */
function decide(l: Float32Array, i: number, o0: number, o2: number, binary: boolean): number {
  const neg = l[i * 3]! + o0, neu = l[i * 3 + 1]!, pos = l[i * 3 + 2]! + o2;
  if (binary) return pos >= neg ? 2 : 0;
  return neg >= neu && neg >= pos ? 0 : pos >= neu ? 2 : 1;
}

/** Macro-F1 of one group under offsets (over negative/positive for binary groups). */
export function groupMacroF1(g: OffsetGroup, o0: number, o2: number): number {
  const conf = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let i = 0; i < g.labels.length; i++) conf[g.labels[i]!]![decide(g.logits, i, o0, o2, g.binary)]!++;
  const f1 = (k: number): number => {
    const tp = conf[k]![k]!, col = conf[0]![k]! + conf[1]![k]! + conf[2]![k]!, row = conf[k]![0]! + conf[k]![1]! + conf[k]![2]!;
    return tp === 0 ? 0 : (2 * tp) / (col + row);
  };
  return g.binary ? (f1(0) + f1(2)) / 2 : (f1(0) + f1(1) + f1(2)) / 3;
}

export const meanMacroF1 = (groups: readonly OffsetGroup[], o0: number, o2: number): number =>
  groups.reduce((a, g) => a + groupMacroF1(g, o0, o2), 0) / Math.max(1, groups.length);

/**
 * The offsets [negative, 0, positive] on the grid maximising mean macro-F1 - penalty * (|neg| + |pos|);
 * ties keep the offsets closest to zero, so [0, 0, 0] when nothing helps.
 */
export function fitLanguageOffsets(groups: readonly OffsetGroup[], search: Partial<OffsetSearch> = {}): [number, number, number] {
  const { range, step, penalty } = { ...DEFAULT_OFFSET_SEARCH, ...search };
  if (groups.every((g) => g.labels.length === 0)) return [0, 0, 0];
  const n = Math.round(range / step);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  let best = { f: meanMacroF1(groups, 0, 0), size: 0, o0: 0, o2: 0 };
  for (let i = -n; i <= n; i++) {
    for (let j = -n; j <= n; j++) {
      const o0 = round(i * step), o2 = round(j * step), size = Math.abs(o0) + Math.abs(o2);
      const f = meanMacroF1(groups, o0, o2) - penalty * size;
      if (f > best.f + 1e-9 || (Math.abs(f - best.f) <= 1e-9 && size < best.size)) best = { f, size, o0, o2 };
    }
  }
  return [best.o0, 0, best.o2];
}

/** Fits every language that has validation groups; languages whose best offsets are 0 are left out. */
export function fitClassOffsets(byLang: ReadonlyMap<string, readonly OffsetGroup[]>, search: Partial<OffsetSearch> = {}): ClassOffsets {
  const out: ClassOffsets = {};
  for (const [lang, groups] of [...byLang].sort(([a], [b]) => a.localeCompare(b))) {
    const o = fitLanguageOffsets(groups, search);
    if (o.some((x) => x !== 0)) out[lang] = o;
  }
  return out;
}

/** The model folder's weights as plain arrays (uint8 table dequantized: exactly what ships). */
function shippedWeights(dir: string): { manifest: ModelManifest; weights: HeadWeights[] } {
  const { manifest, weights } = readModelFolder(dir);
  try {
    return {
      manifest,
      weights: Object.entries(weights).map(([name, t]) => ({ name, shape: [...t.shape], values: Float32Array.from(t.dataSync() as Float32Array) })),
    };
  } finally {
    for (const t of Object.values(weights)) t.dispose();
  }
}

/**
 * Validation groups per language block of a written model folder: each set's validation lines
 * featurized as the engine featurizes them (`langOf` picks the language, as at training), logits
 * from the shipped weights, grouped by the block the features use. Lines whose language has no
 * block (or sets without a validation part) take no part: their offsets stay 0.
 */
export function validationGroups(dir: string, sets: readonly LabelledSet[], langOf: (e: Example, s: LabelledSet) => string): Map<string, OffsetGroup[]> {
  const { manifest, weights } = shippedWeights(dir);
  const f = manifest.featurizer, blocks = manifest.architecture.languageRows ?? [];
  const signs = manifest.lexiconCounts ? readLexiconSigns(dir, manifest.lexiconCounts) : undefined;
  const byLang = new Map<string, OffsetGroup[]>();
  for (const s of sets) {
    const perLang = new Map<string, Example[]>();
    for (const e of s.valid) {
      const l = rowLanguage(langOf(e, s)) ?? '';
      if (!blocks.includes(l)) continue;
      const list = perLang.get(l);
      if (list) list.push(e);
      else perLang.set(l, [e]);
    }
    for (const [l, exs] of perLang) {
      const feats = exs.map((e) => modelFeatures(f, blocks, signs, e.text, l));
      const group: OffsetGroup = { name: s.name, logits: forwardLogits(weights, feats, manifest.architecture.pooling), labels: exs.map((e) => e.label), binary: s.binary };
      const list = byLang.get(l);
      if (list) list.push(group);
      else byLang.set(l, [group]);
    }
  }
  return byLang;
}

/** One line per fitted language for the progress log and the card. */
export function describeOffsets(offsets: ClassOffsets): string {
  const langs = Object.keys(offsets);
  if (langs.length === 0) return 'none (every language is best at 0 on validation)';
  return langs.map((l) => `${l} [${offsets[l]!.map((x, k) => `${SENTIMENT_LABELS[k]} ${x >= 0 ? '+' : ''}${x.toFixed(1)}`).join(', ')}]`).join('; ');
}

/**
 * Fits the offsets on a folder's validation groups (validationGroups, with the class scales
 * already applied: scaleGroups); returns them with each language's validation figure before and
 * after (what the search maximised).
 */
export function fitFolderOffsets(groups: ReadonlyMap<string, readonly OffsetGroup[]>, search: OffsetSearch = DEFAULT_OFFSET_SEARCH): Omit<OffsetsReport, 'heldOut' | 'applied'> {
  const fitted = fitClassOffsets(groups, search);
  const validation = [...groups].sort(([a], [b]) => a.localeCompare(b)).map(([lang, gs]) => {
    const o = fitted[lang] ?? [0, 0, 0];
    return { lang, sets: gs.map((g) => g.name), before: meanMacroF1(gs, 0, 0), after: meanMacroF1(gs, o[0]!, o[2]!) };
  });
  return { fitted, search, validation };
}

/**
 * Rewrites the folder's manifest: `training.classOffsets` always records what was fitted; the
 * top-level `classOffsets` (what the engine applies) and the version that names them only when
 * `apply` (the version also names any applied class scales). The weights are not touched.
 */
export function storeClassOffsets(dir: string, manifest: ModelManifest, fit: Omit<OffsetsReport, 'heldOut' | 'applied'>, apply: boolean): ModelManifest {
  const applied = apply && Object.keys(fit.fitted).length > 0;
  const { classOffsets: _old, ...rest } = manifest;
  const name = manifest.version.replace(/-[0-9a-f]{8}$/, '');
  const out: ModelManifest = {
    ...rest,
    version: versionWithOffsets(name, manifest.weightsSha256, applied ? fit.fitted : undefined, manifest.classScales),
    ...(applied ? { classOffsets: fit.fitted } : {}),
    training: { ...manifest.training, classOffsets: { fitted: fit.fitted, applied, search: fit.search } },
  };
  writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}
