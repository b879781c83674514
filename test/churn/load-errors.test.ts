import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/model/backend.ts';
import { sha256 } from '../../engine/model/manifest.ts';
import { DEFAULT_CHURN_MODEL_DIR, loadChurnModel } from '../../engine/churn/index.ts';

const dirs: string[] = [];
const manifest = JSON.parse(readFileSync(join(DEFAULT_CHURN_MODEL_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;
const weights = readFileSync(join(DEFAULT_CHURN_MODEL_DIR, 'weights.bin'));

/** A temp model folder with the given manifest (object or raw text) and optional weights. */
function folder(m: unknown, w: 'copy' | 'none' | Uint8Array = 'copy'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cxpulse-churn-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'manifest.json'), typeof m === 'string' ? m : JSON.stringify(m));
  if (w === 'copy') copyFileSync(join(DEFAULT_CHURN_MODEL_DIR, 'weights.bin'), join(dir, 'weights.bin'));
  else if (w instanceof Uint8Array) writeFileSync(join(dir, 'weights.bin'), w);
  return dir;
}

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('loadChurnModel on broken folders', () => {
  it('a copy of the committed folder loads', async () => {
    const m = await loadChurnModel(folder(manifest));
    expect(m.version).toBe(manifest['version']);
    m.dispose();
  });

  it('names the missing folder / manifest and the missing weights', async () => {
    const missing = join(tmpdir(), 'cxpulse-no-such-churn-model');
    await expect(loadChurnModel(missing)).rejects.toThrow(`cannot load churn model: manifest ${join(missing, 'manifest.json')} does not exist`);
    const dir = folder(manifest, 'none');
    await expect(loadChurnModel(dir)).rejects.toThrow(`weights file ${join(dir, 'weights.bin')} does not exist`);
  });

  it('rejects a manifest that is not JSON, not an object, or another model kind', async () => {
    const dir = folder('{ not json');
    await expect(loadChurnModel(dir)).rejects.toThrow(`invalid churn model manifest ${join(dir, 'manifest.json')}: not valid JSON`);
    await expect(loadChurnModel(folder('[1,2]'))).rejects.toThrow(/manifest\.json: not a JSON object/);
    await expect(loadChurnModel(folder({ ...manifest, format: 'cxpulse-embedding-bag' }))).rejects.toThrow(/format is "cxpulse-embedding-bag", expected "cxpulse-churn"/);
    await expect(loadChurnModel(folder({ ...manifest, formatVersion: 9 }))).rejects.toThrow(/formatVersion 9 is not supported/);
  });

  it('rejects malformed feature specs and weight shapes that do not match them', async () => {
    const features = manifest['features'] as Record<string, unknown>[];
    const noStd = features.map((f, i) => (i === 0 ? { ...f, columns: [{ transform: 'identity', mean: 0, std: 0 }] } : f));
    await expect(loadChurnModel(folder({ ...manifest, features: noStd }))).rejects.toThrow(/features\[0\] \(tenureMonths\) has a malformed column/);
    const oddKind = features.map((f, i) => (i === 1 ? { ...f, kind: 'ordinal' } : f));
    await expect(loadChurnModel(folder({ ...manifest, features: oddKind }))).rejects.toThrow(/features\[1\] kind "ordinal"/);
    // One feature fewer = fewer input columns than output/kernel has rows.
    await expect(loadChurnModel(folder({ ...manifest, features: features.slice(1) }))).rejects.toThrow(/weight "output\/kernel" has shape \[\d+,1\], expected \[\d+,1\]/);
    await expect(loadChurnModel(folder({ ...manifest, architecture: { type: 'mlp', hidden: 4 } }))).rejects.toThrow(/weight "hidden\/kernel" missing/);
  });

  it('rejects truncated, corrupt and non-finite weights', async () => {
    const short = folder(manifest, weights.subarray(0, weights.byteLength - 4));
    await expect(loadChurnModel(short)).rejects.toThrow(`invalid churn weights file ${join(short, 'weights.bin')}: ${weights.byteLength - 4} bytes`);
    const flipped = Uint8Array.from(weights);
    flipped[0] = flipped[0]! ^ 0xff;
    await expect(loadChurnModel(folder(manifest, flipped))).rejects.toThrow(/SHA-256 does not match/);
    const nan = Uint8Array.from(weights);
    new DataView(nan.buffer).setFloat32(0, Number.NaN, true);
    await expect(loadChurnModel(folder({ ...manifest, weightsSha256: sha256(nan) }, nan))).rejects.toThrow(/weight "output\/kernel" holds NaN or Infinity/);
  });
});
