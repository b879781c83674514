import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MODEL_DIR, initBackend, loadTextScorer, readModelVersion, sha256 } from '../../engine/model/index.ts';
import { ModelInvalidError, ModelRegistry, validateScorer } from '../../engine/model/registry.ts';
import { modelFolders } from '../helpers/modelFolders.ts';

const folders = modelFolders();
const dirs: string[] = [];

/** A copy of the committed model folder, heads included. */
function copyModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cxpulse-canary-'));
  dirs.push(dir);
  cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
  return dir;
}

/** Overwrites a head's output bias (the last float32s of weights.bin) and fixes the checksum, so it loads. */
function poisonHeadBias(dir: string, head: string, value: number): void {
  const hd = join(dir, 'heads', head);
  const m = JSON.parse(readFileSync(join(hd, 'manifest.json'), 'utf8')) as { labels: string[]; weightsSha256: string };
  const w = new Uint8Array(readFileSync(join(hd, 'weights.bin')));
  const f = new Float32Array(w.buffer, w.byteOffset + w.byteLength - 4 * m.labels.length, m.labels.length);
  f.fill(value);
  writeFileSync(join(hd, 'weights.bin'), w);
  writeFileSync(join(hd, 'manifest.json'), JSON.stringify({ ...m, weightsSha256: sha256(w) }, null, 2));
}

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => {
  folders.cleanup();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('start-up canary check', () => {
  it('the committed model with its heads starts', async () => {
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR);
    expect(r.version).toBe(readModelVersion(DEFAULT_MODEL_DIR));
    expect(r.heads).toEqual(['emotion', 'formality', 'topic', 'urgency']);
    r.close();
  });

  it('refuses to start a model that loads but gets the canary sentences backwards', async () => {
    const dir = folders.flipped('sentiment-flipped');
    const err = await ModelRegistry.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelInvalidError);
    expect((err as Error).message).toContain(dir);
    expect((err as Error).message).toMatch(/start-up canary check failed: sanity check failed: .* scored negative, expected positive/);
  });

  it('refuses to start when a head gives NaN, naming the head', async () => {
    const dir = copyModel();
    poisonHeadBias(dir, 'urgency', Number.NaN);
    const err = await ModelRegistry.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelInvalidError);
    expect((err as Error).message).toMatch(/start-up canary check failed: canary: head "urgency" confidence NaN/);
  });

  it('the same check refuses such a head on reload and keeps the running model', async () => {
    const dir = copyModel();
    poisonHeadBias(dir, 'emotion', Number.NaN);
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR);
    await expect(r.reload({ dir })).rejects.toThrow(/head "emotion" p\(anger\) = NaN/);
    expect(r.version).toBe(readModelVersion(DEFAULT_MODEL_DIR));
    r.close();
  });

  it('validateScorer passes a healthy scorer with heads', async () => {
    const s = await loadTextScorer();
    await expect(validateScorer(s)).resolves.toBeUndefined();
    s.dispose();
  });
});
