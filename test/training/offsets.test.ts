import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, validateManifest, versionWithOffsets, type ModelManifest } from '../../engine/model/index.ts';
import { DEFAULT_OFFSET_SEARCH, fitClassOffsets, fitLanguageOffsets, groupMacroF1, storeClassOffsets, type OffsetGroup } from '../../training/sentiment/offsets.ts';

/** `n` rows of the same logits and label. */
function rows(n: number, logits: [number, number, number], label: number): { logits: number[]; labels: number[] } {
  return { logits: Array.from({ length: n }, () => logits).flat(), labels: new Array<number>(n).fill(label) };
}

function group(name: string, parts: { logits: number[]; labels: number[] }[], binary = false): OffsetGroup {
  return { name, logits: Float32Array.from(parts.flatMap((p) => p.logits)), labels: parts.flatMap((p) => p.labels), binary };
}

describe('per-language class offsets', () => {
  // Negatives sit 0.35 below neutral on the negative logit: any negative offset in (0.35, 1) gets
  // every line right; the penalty picks the smallest one on the 0.1 grid, 0.4.
  const shy = group('shy', [rows(50, [0, 0.35, -1], 0), rows(50, [0, 1, -1], 1), rows(50, [-1, 0, 1], 2)]);

  it('finds the known offset of a model that under-calls negatives', () => {
    expect(groupMacroF1(shy, 0, 0)).toBeCloseTo((0 + 2 / 3 + 1) / 3, 6);
    expect(fitLanguageOffsets([shy])).toEqual([0.4, 0, 0]);
    expect(groupMacroF1(shy, 0.4, 0)).toBe(1);
  });

  it('finds a positive offset below zero when positives are over-called', () => {
    // Neutral lines lean positive by 0.25: the positive logit must come down by more than 0.25 (but less than 1).
    const eager = group('eager', [rows(40, [1, 0, -1], 0), rows(40, [-1, 0, 0.25], 1), rows(40, [-1, 0, 1], 2)]);
    expect(fitLanguageOffsets([eager])).toEqual([0, 0, -0.3]);
  });

  it('keeps 0 when nothing is wrong, and when a gain does not pay its penalty', () => {
    const right = group('right', [rows(30, [1, 0, 0], 0), rows(30, [0, 1, 0], 1), rows(30, [0, 0, 1], 2)]);
    expect(fitLanguageOffsets([right])).toEqual([0, 0, 0]);
    // One negative line in 3001 is 0.04 below neutral: fixing it gains less than the penalty of the 0.1 offset.
    const tiny = group('tiny', [rows(1, [0, 0.04, -1], 0), rows(1000, [1, 0, -1], 0), rows(1000, [0, 1, -1], 1), rows(1000, [-1, 0, 1], 2)]);
    expect(groupMacroF1(tiny, 0.1, 0) - groupMacroF1(tiny, 0, 0)).toBeLessThan(0.01 * 0.1);
    expect(fitLanguageOffsets([tiny])).toEqual([0, 0, 0]);
    expect(fitLanguageOffsets([tiny], { penalty: 0 })).toEqual([0.1, 0, 0]);
  });

  it('binary groups are decided by the sign of positive minus negative', () => {
    // Negative reviews score slightly positive (0.2 above): a negative offset above 0.2 fixes them.
    const reviews = group('reviews', [rows(20, [0, 5, 0.2], 0), rows(20, [0, 5, 1], 2)], true);
    expect(groupMacroF1(reviews, 0, 0)).toBeCloseTo(1 / 3, 6);
    // Raising negative or lowering positive by 0.3 is the same for a sign: either is the smallest fix.
    const [o0, o1, o2] = fitLanguageOffsets([reviews]);
    expect(o1).toBe(0);
    expect(Math.abs(o0) + Math.abs(o2)).toBeCloseTo(0.3, 9);
    expect(groupMacroF1(reviews, o0, o2)).toBe(1);
  });

  it('fits each language on its own groups and leaves out the languages best at 0', () => {
    const right = group('right', [rows(30, [1, 0, 0], 0), rows(30, [0, 1, 0], 1), rows(30, [0, 0, 1], 2)]);
    expect(fitClassOffsets(new Map([['nb', [shy]], ['da', [right]]]))).toEqual({ nb: [0.4, 0, 0] });
  });
});

describe('storing the offsets in a model folder', () => {
  const manifest = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8')) as ModelManifest;
  const fit = { fitted: { nb: [0, 0, -0.2] }, search: DEFAULT_OFFSET_SEARCH, validation: [] };

  it('applied: the manifest holds them under a version that names them; not applied: only the training record, the weights\' version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-store-offsets-'));
    try {
      const read = (): ModelManifest => validateManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')), 'manifest.json');
      const applied = storeClassOffsets(dir, manifest, fit, true);
      expect(read()).toEqual(applied);
      expect(applied.classOffsets).toEqual({ nb: [0, 0, -0.2] });
      // The version names the applied offsets and whatever class scales the manifest already holds.
      expect(applied.version).toBe(versionWithOffsets('sentiment-v1', manifest.weightsSha256, { nb: [0, 0, -0.2] }, manifest.classScales));
      expect(applied.training?.['classOffsets']).toMatchObject({ fitted: fit.fitted, applied: true });
      // Stored again without applying (from the applied manifest): the field goes, the version names the scales alone again.
      const plain = storeClassOffsets(dir, applied, fit, false);
      expect(read().classOffsets).toBeUndefined();
      expect(plain.version).toBe(versionWithOffsets('sentiment-v1', manifest.weightsSha256, undefined, manifest.classScales));
      const { classScales: _s, ...unscaled } = manifest;
      expect(storeClassOffsets(dir, unscaled, fit, false).version).toBe(`sentiment-v1-${manifest.weightsSha256.slice(0, 8)}`);
      expect(plain.training?.['classOffsets']).toMatchObject({ fitted: fit.fitted, applied: false });
      // Nothing fitted: nothing to apply, whatever was asked.
      expect(storeClassOffsets(dir, manifest, { ...fit, fitted: {} }, true).classOffsets).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
