import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, validateManifest, versionWithOffsets, type ModelManifest } from '../../engine/model/index.ts';
import type { OffsetGroup } from '../../training/sentiment/offsets.ts';
import { fitClassScales, fitLanguageScale, fitScalesOnGroups, scaleGroups, scaledEce, scaledNll, storeClassScales, SCALE_RANGE } from '../../training/sentiment/scales.ts';

const softmax = (z: readonly number[]): number[] => {
  const m = Math.max(...z), e = z.map((v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

/**
 * A model `k` times too sure: for each logit pattern z, the labels occur exactly in the
 * proportions softmax(z) says (out of `n` lines per pattern), but the model outputs k * z. The
 * NLL-optimal scale is then 1 / k.
 */
function overConfident(k: number, patterns: readonly (readonly number[])[], n = 2000, binary = false): OffsetGroup {
  const logits: number[] = [], labels: number[] = [];
  for (const z of patterns) {
    softmax(z).forEach((p, label) => {
      for (let i = 0; i < Math.round(p * n); i++) { logits.push(...z.map((v) => v * k)); labels.push(label); }
    });
  }
  return { name: `x${k}`, logits: Float32Array.from(logits), labels, binary };
}

const PATTERNS = [[1.5, 0, -1], [-1, 1, 0], [0, -0.5, 2], [0.3, 0.2, 0]];

describe('per-language logit scale (temperature) fitted on validation NLL', () => {
  it('finds 1/k for logits k times over-confident, and 1 for calibrated ones', () => {
    expect(fitLanguageScale([overConfident(1.25, PATTERNS)])).toBeCloseTo(0.8, 2);
    expect(fitLanguageScale([overConfident(2, PATTERNS)])).toBeCloseTo(0.5, 2);
    expect(fitLanguageScale([overConfident(0.7, PATTERNS)])).toBeCloseTo(1 / 0.7, 2);
    expect(fitLanguageScale([overConfident(1, PATTERNS)])).toBe(1);
  });

  it('the fitted scale lowers NLL and ECE of over-confident logits', () => {
    const g = overConfident(1.25, PATTERNS);
    const s = fitLanguageScale([g]);
    expect(scaledNll(g.logits, g.labels, s)).toBeLessThan(scaledNll(g.logits, g.labels, 1));
    expect(scaledEce([g], 1)).toBeGreaterThan(0.05);
    expect(scaledEce([g], s)).toBeLessThan(0.01);
  });

  it('stays inside the searched range', () => {
    expect(fitLanguageScale([overConfident(10, PATTERNS)])).toBeCloseTo(SCALE_RANGE[0], 2);
    expect(fitLanguageScale([overConfident(0.1, PATTERNS)])).toBeCloseTo(SCALE_RANGE[1], 2);
  });

  it('binary groups take no part; a language with only binary validation, or mul, keeps 1 and is left out', () => {
    const bin = overConfident(2, PATTERNS, 500, true);
    expect(fitLanguageScale([bin])).toBe(1);
    expect(fitLanguageScale([bin, overConfident(1.25, PATTERNS)])).toBeCloseTo(0.8, 2);
    const fitted = fitClassScales(new Map([['nb', [overConfident(1.25, PATTERNS)]], ['da', [bin]], ['mul', [overConfident(2, PATTERNS)]], ['sv', [overConfident(1, PATTERNS)]]]));
    expect(Object.keys(fitted)).toEqual(['nb']);
    expect(fitted['nb']).toBeCloseTo(0.8, 2);
  });

  it('reports validation NLL/ECE before and after, and scales the groups the offsets are then fitted on', () => {
    const g = overConfident(1.25, PATTERNS);
    const fit = fitScalesOnGroups(new Map([['nb', [g]]]));
    const v = fit.validation[0]!;
    expect(v).toMatchObject({ lang: 'nb', n: g.labels.length, scale: fit.fitted['nb'] });
    expect(v.nllAfter).toBeLessThan(v.nllBefore);
    expect(v.eceAfter).toBeLessThan(v.eceBefore);
    const scaled = scaleGroups(new Map([['nb', [g]]]), fit.fitted).get('nb')![0]!;
    expect(scaled.logits[0]).toBeCloseTo(g.logits[0]! * fit.fitted['nb']!, 5);
    expect(scaled.labels).toBe(g.labels);
  });
});

describe('storing the scales in a model folder', () => {
  const manifest = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8')) as ModelManifest;
  const { classScales: _s, classOffsets: _o, ...bare } = manifest;
  const fit = { fitted: { nb: 0.8, da: 1.2 }, range: [0.5, 2.5] as [number, number], validation: [] };

  it('applied: the manifest holds them under a version that names them; not applied: only the training record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-store-scales-'));
    try {
      const read = (): ModelManifest => validateManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')), 'manifest.json');
      const applied = storeClassScales(dir, bare, fit, true);
      expect(read()).toEqual(applied);
      expect(applied.classScales).toEqual({ nb: 0.8, da: 1.2 });
      expect(applied.version).toBe(versionWithOffsets('sentiment-v1', manifest.weightsSha256, undefined, { nb: 0.8, da: 1.2 }));
      expect(applied.version).not.toBe(`sentiment-v1-${manifest.weightsSha256.slice(0, 8)}`);
      expect(applied.training?.['classScales']).toMatchObject({ fitted: fit.fitted, applied: true });
      const plain = storeClassScales(dir, applied, fit, false);
      expect(read().classScales).toBeUndefined();
      expect(plain.version).toBe(`sentiment-v1-${manifest.weightsSha256.slice(0, 8)}`);
      // Offsets already in the manifest stay named by the version.
      const both = storeClassScales(dir, { ...bare, classOffsets: { sv: [-0.4, 0, 0] } }, fit, true);
      expect(both.version).toBe(versionWithOffsets('sentiment-v1', manifest.weightsSha256, { sv: [-0.4, 0, 0] }, { nb: 0.8, da: 1.2 }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
