import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, initBackend, LEXICON_FILE, loadTextScorer } from '../../engine/model/index.ts';

const dirs: string[] = [];
const manifest = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8')) as Record<string, unknown>;

/** A temp model folder with the given manifest (object or raw text) and optional weights. */
function folder(m: unknown, weights: 'copy' | 'none' | Uint8Array = 'copy'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cxpulse-model-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'manifest.json'), typeof m === 'string' ? m : JSON.stringify(m));
  if (weights === 'copy') copyFileSync(join(DEFAULT_MODEL_DIR, 'weights.bin'), join(dir, 'weights.bin'));
  else if (weights instanceof Uint8Array) writeFileSync(join(dir, 'weights.bin'), weights);
  copyFileSync(join(DEFAULT_MODEL_DIR, LEXICON_FILE), join(dir, LEXICON_FILE));
  return dir;
}

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('loadTextScorer on broken folders', () => {
  it('a copy of the committed folder loads', async () => {
    const s = await loadTextScorer(folder(manifest));
    expect(s.version).toBe(manifest['version']);
    s.dispose();
  });

  it('names the missing folder / manifest', async () => {
    const missing = join(tmpdir(), 'cxpulse-no-such-model');
    await expect(loadTextScorer(missing)).rejects.toThrow(`${join(missing, 'manifest.json')} does not exist`);
  });

  it('names the missing weights file', async () => {
    const dir = folder(manifest, 'none');
    await expect(loadTextScorer(dir)).rejects.toThrow(`${join(dir, 'weights.bin')} does not exist`);
  });

  it('rejects a manifest that is not JSON', async () => {
    const dir = folder('{ not json');
    await expect(loadTextScorer(dir)).rejects.toThrow(/invalid model manifest .*manifest\.json: not valid JSON/);
  });

  it('rejects a weight of the wrong shape', async () => {
    const specs = (manifest['weightSpecs'] as { name: string; shape: number[] }[]).map((s) => (s.name === 'output/kernel' ? { ...s, shape: [16, 3] } : s));
    await expect(loadTextScorer(folder({ ...manifest, weightSpecs: specs }))).rejects.toThrow(/weight "output\/kernel" has shape \[16,3\], expected \[3,3\]/);
  });

  it('rejects a featurizer/embedding mismatch', async () => {
    const featurizer = { ...(manifest['featurizer'] as object), buckets: 1000 };
    await expect(loadTextScorer(folder({ ...manifest, featurizer }))).rejects.toThrow(/weight "embedding" has shape/);
  });

  it('rejects wrong labels and unknown tokenizer versions', async () => {
    await expect(loadTextScorer(folder({ ...manifest, labels: ['pos', 'neg'] }))).rejects.toThrow(/labels must be/);
    const featurizer = { ...(manifest['featurizer'] as object), tokenizerVersion: 999 };
    await expect(loadTextScorer(folder({ ...manifest, featurizer }))).rejects.toThrow(/tokenizerVersion 999/);
  });

  it('rejects a truncated or corrupted weights file', async () => {
    const bytes = readFileSync(join(DEFAULT_MODEL_DIR, 'weights.bin'));
    const dir = folder(manifest, bytes.subarray(0, 1000));
    await expect(loadTextScorer(dir)).rejects.toThrow(new RegExp(`invalid weights file ${join(dir, 'weights.bin')}: 1000 bytes`));
    const flipped = Uint8Array.from(bytes);
    flipped[12345] = flipped[12345]! ^ 0xff;
    await expect(loadTextScorer(folder(manifest, flipped))).rejects.toThrow(/SHA-256 does not match/);
  });
});
