import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { firstValueFrom, of } from 'rxjs';
import { score } from '../../engine/pipeline/score.ts';
import type { Featurized } from '../../engine/pipeline/types.ts';
import { DEFAULT_MODEL_DIR, initBackend, readModelVersion } from '../../engine/model/index.ts';
import { CANARY, ModelInvalidError, ModelRegistry, validateScorer, watchModelDir } from '../../engine/model/registry.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelFolders } from '../helpers/modelFolders.ts';

const folders = modelFolders();
// The committed folder's version includes its heads' hash (models/sentiment/heads).
const v0 = readModelVersion(DEFAULT_MODEL_DIR);

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => folders.cleanup());

/** Spies on dispose() of whatever scorer the registry holds as active right now. */
function spyActiveDispose(r: ModelRegistry) {
  const lease = r.acquire();
  const spy = vi.spyOn(lease.model as unknown as { dispose(): void }, 'dispose');
  lease.release();
  return spy;
}

describe('ModelRegistry', () => {
  it('the committed model passes the canary set', async () => {
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR);
    const lease = r.acquire();
    await expect(validateScorer(lease.model)).resolves.toBeUndefined();
    lease.release();
    expect(new Set(CANARY.map((c) => c.lang))).toEqual(new Set(['en', 'sv', 'nb', 'da', 'de']));
    r.close();
  });

  it('reload swaps to a valid folder and disposes the old model', async () => {
    const swaps: string[] = [];
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR, { onSwap: (a, p) => swaps.push(`${p}->${a}`) });
    const oldDispose = spyActiveDispose(r);
    const dir = folders.valid('sentiment-reload-a');
    await expect(r.reload({ dir })).resolves.toEqual({ active: 'sentiment-reload-a', previous: v0 });
    expect(r.version).toBe('sentiment-reload-a');
    expect(r.status().activeDir).toBe(dir);
    expect(swaps).toEqual([`${v0}->sentiment-reload-a`]);
    expect(oldDispose).toHaveBeenCalledTimes(1); // nothing held it
    r.close();
  });

  it('reload with no dir re-reads the configured folder', async () => {
    const dir = folders.valid('sentiment-reload-b');
    const r = await ModelRegistry.open(dir);
    const spy = spyActiveDispose(r);
    await expect(r.reload()).resolves.toEqual({ active: 'sentiment-reload-b', previous: 'sentiment-reload-b' });
    expect(spy).toHaveBeenCalledTimes(1);
    r.close();
  });

  it('refuses corrupt weights, keeps the old model, names the file', async () => {
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR);
    const dir = folders.corruptWeights();
    const err = await r.reload({ dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelInvalidError);
    expect((err as Error).message).toMatch(/weights\.bin: SHA-256 does not match/);
    expect((err as Error).message).toContain(dir);
    expect(r.version).toBe(v0);
    await expect(r.predict([r.featurize('Thanks, great help!', 'en')])).resolves.toHaveLength(1);
    r.close();
  });

  it('refuses a model that loads but fails the sanity canary', async () => {
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR);
    await expect(r.reload({ dir: folders.flipped('sentiment-flipped') })).rejects.toThrow(/sanity check failed: .* scored negative, expected positive/);
    expect(r.version).toBe(v0);
    r.close();
  });

  it('disposes the old model only after in-flight batches release it', async () => {
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR);
    const spy = spyActiveDispose(r);
    const inFlight = r.acquire();
    await r.reload({ dir: folders.valid('sentiment-reload-c') });
    expect(r.version).toBe('sentiment-reload-c');
    expect(inFlight.model.version).toBe(v0);
    expect(spy).not.toHaveBeenCalled();
    // The pinned old model still predicts after the swap.
    await expect(inFlight.model.predict([inFlight.model.featurize('Awful, I want a refund', 'en')])).resolves.toHaveLength(1);
    inFlight.release();
    expect(spy).toHaveBeenCalledTimes(1);
    inFlight.release(); // idempotent
    expect(spy).toHaveBeenCalledTimes(1);
    r.close();
  });

  it('shadow: scores beside the active model, counts agreement, promotes and drops', async () => {
    const results: boolean[] = [];
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR, { onShadowResult: (a) => results.push(a) });
    await expect(r.reload({ dir: folders.valid('sentiment-shadow'), shadow: true })).resolves.toMatchObject({ active: v0, shadow: 'sentiment-shadow' });
    expect(r.version).toBe(v0);
    const texts = ['Thank you, wonderful!', 'Terrible, I am furious.', 'Tack så mycket!'];
    const lease = r.acquire();
    const scores = await lease.model.predict(texts.map((t) => lease.model.featurize(t)));
    await lease.compare!(texts.map((text) => ({ text })), scores);
    lease.release();
    const s = r.status().shadow!;
    // Same weights under another version: every label agrees.
    expect(s).toMatchObject({ version: 'sentiment-shadow', n: 3, agree: 3, agreementRate: 1, errors: 0 });
    expect(Object.values(s.confusion).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0)).toBe(3);
    expect(results).toEqual([true, true, true]);

    await expect(r.promote()).resolves.toEqual({ active: 'sentiment-shadow', previous: v0 });
    expect(r.status()).toMatchObject({ active: 'sentiment-shadow', shadow: null });
    await expect(r.promote()).rejects.toThrow(/no shadow/);

    await r.reload({ dir: folders.valid('sentiment-shadow-2'), shadow: true });
    expect(r.dropShadow()).toBe('sentiment-shadow-2');
    expect(r.dropShadow()).toBeUndefined();
    expect(r.version).toBe('sentiment-shadow');
    r.close();
  });

  it('a broken shadow candidate is refused like an active one', async () => {
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR);
    await expect(r.reload({ dir: folders.corruptWeights(), shadow: true })).rejects.toBeInstanceOf(ModelInvalidError);
    expect(r.shadowVersion).toBeUndefined();
    r.close();
  });

  it('the score step re-featurizes items featurized by a model swapped out before batching', async () => {
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR);
    const text = 'Thank you so much, this is wonderful!';
    const expected = await r.predict([r.featurize(text, 'en')]);
    await r.reload({ dir: folders.valid('sentiment-after-swap') });
    // Features from "another" model: garbage ids under an old version tag must not be used.
    const item = { text, language: { lang: 'en', confidence: 1 }, features: new Int32Array([1, 2, 3]), featuresVersion: v0 } as unknown as Featurized;
    const { scored: [out] } = await firstValueFrom(of([item]).pipe(score(r)));
    expect(out!.modelVersion).toBe('sentiment-after-swap');
    expect(out!.featuresVersion).toBe('sentiment-after-swap');
    expect(out!.sentiment).toEqual(expected[0]);
    r.close();
  });

  it('CXPULSE_MODEL_WATCH: a changed manifest.json is reloaded; a broken one is refused and the old model kept', async () => {
    const dir = folders.valid('sentiment-watch-a');
    const r = await ModelRegistry.open(dir);
    const results: string[] = [];
    const stop = watchModelDir(r, dir, (err, res) => results.push(err ? `refused: ${err.message}` : `ok: ${res!.active}`), 100);
    const path = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify({ ...m, version: 'sentiment-watch-b' }));
    await vi.waitFor(() => expect(results).toEqual(['ok: sentiment-watch-b']), { timeout: 5000, interval: 50 });
    writeFileSync(path, '{ not json');
    await vi.waitFor(() => expect(results[1]).toMatch(/^refused: .*manifest\.json: not valid JSON/), { timeout: 5000, interval: 50 });
    expect(r.version).toBe('sentiment-watch-b');
    stop();
    r.close();
  });
});
