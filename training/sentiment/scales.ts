/**
 * Per-language logit scales (one temperature per language, stored as its inverse): the global
 * temperature (calibrate.ts) is fitted on the pooled validation parts, which are mostly English,
 * so a language whose block is sharper or flatter than the pool stays over- or under-confident.
 * Each language's scale s multiplies its logits after the global temperature and before the class
 * offsets and CXPULSE_SENTIMENT_NEGATIVE_BIAS (engine/model/outputs.ts); it is fitted on that
 * language's 3-class validation lines only, minimising their negative log-likelihood over s in
 * [0.5, 2.5] (golden-section search). Binary validation sets take no part (their labels say
 * nothing about how probable neutral is) and 'mul' (the hand-written set's catch-all block) keeps
 * 1. A scale never changes the argmax, so labels and macro-F1 without offsets are unchanged.
 */
import { join } from 'node:path';
import { MANIFEST_FILE, versionWithOffsets, type ClassScales, type ModelManifest } from '../../engine/model/index.ts';
import { writeFileAtomic } from '../../engine/util/index.ts';
import { ece } from '../churn/metrics.ts';
import type { OffsetGroup } from './offsets.ts';
import type { ScalesReport } from './report.ts';

/** The interval searched; the card states it. */
export const SCALE_RANGE = [0.5, 2.5] as const;

/** Languages whose block is not one language: their scale stays 1. */
const UNSCALED = new Set(['mul']);

/** Mean negative log-likelihood of `labels` under softmax(s * logits), n x 3 logits. */
export function scaledNll(logits: Float32Array, labels: readonly number[], s: number): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const a = s * logits[i * 3]!, b = s * logits[i * 3 + 1]!, c = s * logits[i * 3 + 2]!;
    const max = Math.max(a, b, c);
    total += Math.log(Math.exp(a - max) + Math.exp(b - max) + Math.exp(c - max)) + max - s * logits[i * 3 + labels[i]!]!;
  }
  return total / Math.max(1, labels.length);
}

/** The 3-class groups' logits and labels pooled (what a scale is fitted on). */
function pooled(groups: readonly OffsetGroup[]): { logits: Float32Array; labels: number[] } {
  const three = groups.filter((g) => !g.binary);
  const logits = new Float32Array(three.reduce((a, g) => a + g.logits.length, 0));
  let at = 0;
  for (const g of three) { logits.set(g.logits, at); at += g.logits.length; }
  return { logits, labels: three.flatMap((g) => [...g.labels]) };
}

/**
 * The scale in SCALE_RANGE minimising the 3-class validation NLL of `groups` (golden-section
 * search, rounded to 0.01); 1 when they hold no 3-class line.
 */
export function fitLanguageScale(groups: readonly OffsetGroup[], range: readonly [number, number] = SCALE_RANGE): number {
  const { logits, labels } = pooled(groups);
  if (labels.length === 0) return 1;
  const f = (s: number): number => scaledNll(logits, labels, s);
  const g = (Math.sqrt(5) - 1) / 2;
  let lo = range[0], hi = range[1];
  let a = hi - g * (hi - lo), b = lo + g * (hi - lo), fa = f(a), fb = f(b);
  for (let it = 0; it < 40; it++) {
    if (fa < fb) { hi = b; b = a; fb = fa; a = hi - g * (hi - lo); fa = f(a); }
    else { lo = a; a = b; fa = fb; b = lo + g * (hi - lo); fb = f(b); }
  }
  return Math.round(((lo + hi) / 2) * 100) / 100;
}

/** Fits every language with 3-class validation lines (not 'mul'); scales of 1 are left out. */
export function fitClassScales(byLang: ReadonlyMap<string, readonly OffsetGroup[]>): ClassScales {
  const out: ClassScales = {};
  for (const [lang, groups] of [...byLang].sort(([a], [b]) => a.localeCompare(b))) {
    if (UNSCALED.has(lang)) continue;
    const s = fitLanguageScale(groups);
    if (s !== 1) out[lang] = s;
  }
  return out;
}

/** The groups with each language's logits multiplied by its scale (what the offsets are then fitted on). */
export function scaleGroups(byLang: ReadonlyMap<string, readonly OffsetGroup[]>, scales: ClassScales): Map<string, OffsetGroup[]> {
  return new Map([...byLang].map(([lang, gs]) => {
    const s = scales[lang] ?? 1;
    return [lang, gs.map((g) => (s === 1 ? g : { ...g, logits: g.logits.map((v) => v * s) }))];
  }));
}

/** ECE of the stated confidence (max softmax probability of s * logits) on the 3-class lines of `groups`. */
export function scaledEce(groups: readonly OffsetGroup[], s: number): number {
  const { logits, labels } = pooled(groups);
  const correct: number[] = [], conf: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const z = [s * logits[i * 3]!, s * logits[i * 3 + 1]!, s * logits[i * 3 + 2]!];
    const max = Math.max(...z), e = z.map((v) => Math.exp(v - max)), sum = e[0]! + e[1]! + e[2]!;
    const best = z[0]! >= z[1]! && z[0]! >= z[2]! ? 0 : z[2]! >= z[1]! ? 2 : 1;
    correct.push(best === labels[i] ? 1 : 0);
    conf.push(e[best]! / sum);
  }
  return ece(correct, conf);
}

/** Fits the scales and reports each language's validation NLL and ECE without and with its scale. */
export function fitScalesOnGroups(byLang: ReadonlyMap<string, readonly OffsetGroup[]>): Omit<ScalesReport, 'heldOut' | 'applied'> {
  const fitted = fitClassScales(byLang);
  const validation = [...byLang].sort(([a], [b]) => a.localeCompare(b)).flatMap(([lang, gs]) => {
    const { logits, labels } = pooled(gs);
    if (labels.length === 0) return [];
    const s = fitted[lang] ?? 1;
    return [{
      lang, sets: gs.filter((g) => !g.binary).map((g) => g.name), n: labels.length, scale: s,
      nllBefore: scaledNll(logits, labels, 1), nllAfter: scaledNll(logits, labels, s), eceBefore: scaledEce(gs, 1), eceAfter: scaledEce(gs, s),
    }];
  });
  return { fitted, range: [SCALE_RANGE[0], SCALE_RANGE[1]], validation };
}

/** One line for the progress log. */
export function describeScales(scales: ClassScales): string {
  const langs = Object.keys(scales);
  return langs.length === 0 ? 'none (every language is best at 1 on validation)' : langs.map((l) => `${l} ${scales[l]!.toFixed(2)}`).join(', ');
}

/**
 * Rewrites the folder's manifest: `training.classScales` always records what was fitted; the
 * top-level `classScales` (what the engine applies) only when `apply`. The version names the
 * applied scales together with any applied class offsets. The weights are not touched.
 */
export function storeClassScales(dir: string, manifest: ModelManifest, fit: Omit<ScalesReport, 'heldOut' | 'applied'>, apply: boolean): ModelManifest {
  const applied = apply && Object.keys(fit.fitted).length > 0;
  const { classScales: _old, ...rest } = manifest;
  const name = manifest.version.replace(/-[0-9a-f]{8}$/, '');
  const out: ModelManifest = {
    ...rest,
    version: versionWithOffsets(name, manifest.weightsSha256, manifest.classOffsets, applied ? fit.fitted : undefined),
    ...(applied ? { classScales: fit.fitted } : {}),
    training: { ...manifest.training, classScales: { fitted: fit.fitted, applied, range: fit.range } },
  };
  writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}
