/** Temporary copies of models/sentiment for reload tests: valid, corrupt, or loadable but wrong. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, LEXICON_FILE, sha256 } from '../../engine/model/index.ts';

type Manifest = Record<string, unknown> & { weightSpecs: { name: string; shape: number[] }[] };

export function modelFolders() {
  const dirs: string[] = [];
  const manifest = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'manifest.json'), 'utf8')) as Manifest;
  const make = (m: unknown, weights: Uint8Array | 'copy'): string => {
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-reload-'));
    dirs.push(dir);
    if (weights === 'copy') copyFileSync(join(DEFAULT_MODEL_DIR, 'weights.bin'), join(dir, 'weights.bin'));
    else writeFileSync(join(dir, 'weights.bin'), weights);
    // The word-list counts file the manifest names (lexicon.json), unchanged.
    copyFileSync(join(DEFAULT_MODEL_DIR, LEXICON_FILE), join(dir, LEXICON_FILE));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
    return dir;
  };
  return {
    manifest,
    /** The committed model under another version string (the loader takes the manifest's version). */
    valid: (version: string) => make({ ...manifest, version }, 'copy'),
    /** weights.bin with flipped bytes: its SHA-256 no longer matches the manifest. */
    corruptWeights: () => {
      const w = new Uint8Array(readFileSync(join(DEFAULT_MODEL_DIR, 'weights.bin')));
      for (let i = 0; i < 4096; i++) w[i] = w[i]! ^ 0xff;
      return make(manifest, w);
    },
    /** Loads fine (checksum updated) but negative and positive are swapped: the canary must refuse it. */
    flipped: (version: string) => {
      const w = new Uint8Array(readFileSync(join(DEFAULT_MODEL_DIR, 'weights.bin')));
      const f = new Float32Array(w.buffer, w.byteOffset, w.byteLength / 4);
      const kernel = manifest.weightSpecs.find((s) => s.name === 'output/kernel')!;
      const rows = kernel.shape[0]!;
      // Layout: ..., output/kernel [rows,3], output/bias [3] (float32, at the end of weights.bin).
      const biasAt = f.length - 3, kernelAt = biasAt - rows * 3;
      const swap = (a: number, b: number) => { const t = f[a]!; f[a] = f[b]!; f[b] = t; };
      for (let r = 0; r < rows; r++) swap(kernelAt + r * 3, kernelAt + r * 3 + 2);
      swap(biasAt, biasAt + 2);
      return make({ ...manifest, version, weightsSha256: sha256(w) }, w);
    },
    cleanup: () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })),
  };
}
