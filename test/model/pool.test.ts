import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from 'node:worker_threads';
import { DEFAULT_MODEL_DIR, initBackend, loadTextScorer, type TextScorer } from '../../engine/model/index.ts';
import { ScoringPool, type PoolEvent } from '../../engine/model/pool.ts';
import { takeEvents } from '../../simulator/index.ts';
import { waitUntil } from '../helpers/engine.ts';
import { modelFolders } from '../helpers/modelFolders.ts';

// Real worker threads, each loading the model folder on the wasm backend, as the engine runs them.
const folders = modelFolders();
let main: TextScorer;
let pool: ScoringPool;
const events: PoolEvent[] = [];

beforeAll(async () => {
  await initBackend('wasm');
  main = await loadTextScorer(DEFAULT_MODEL_DIR);
  pool = new ScoringPool({ size: 1, dir: DEFAULT_MODEL_DIR, backend: 'wasm', onEvent: (e) => events.push(e) });
  await pool.ready();
}, 60_000);
afterAll(async () => {
  await pool?.close();
  main?.dispose();
  folders.cleanup();
});

describe('ScoringPool', () => {
  it('featurizes and scores on a worker thread exactly as the main thread does', async () => {
    expect(pool.versions()).toEqual([main.version]);
    const sample = takeEvents(200, { seed: 11 });
    const texts = sample.map((e) => e.text);
    const langs = sample.map((e, i) => (i % 3 === 0 ? undefined : e.lang));
    const there = await pool.score(main.version, texts, langs);
    const here = await main.predictAll(texts.map((t, i) => main.featurize(t, langs[i])), texts, langs);
    expect(there).toEqual(here);
  });

  it('rejects a batch the worker cannot score, and scores the next one', async () => {
    await expect(pool.score(main.version, [null as unknown as string], [undefined])).rejects.toThrow(/scoring worker 0: /);
    await expect(pool.score(main.version, ['Thanks, that fixed it!'], ['en'])).resolves.toHaveLength(1);
  });

  it('takes no batch for a version it does not hold; after load(dir) it holds the new folder\'s version', async () => {
    const other = folders.valid('sentiment-v1-reloaded');
    const candidate = await loadTextScorer(other);
    expect(pool.score(candidate.version, ['hello'], ['en'])).toBeUndefined();
    await pool.load(other);
    expect(pool.versions()).toEqual([candidate.version]);
    expect(pool.score(main.version, ['hello'], ['en'])).toBeUndefined();
    const texts = ['Where is my refund?', 'Tack, det löste sig!'];
    const scored = await pool.score(candidate.version, texts, ['en', 'sv']);
    expect(scored).toEqual(await candidate.predictAll(texts.map((t, i) => candidate.featurize(t, ['en', 'sv'][i])), texts, ['en', 'sv']));
    candidate.dispose();
    await pool.load(DEFAULT_MODEL_DIR);
    expect(pool.versions()).toEqual([main.version]);
  });

  it('rejects the batches of a worker that dies, and starts it again with the current model', async () => {
    const slots = (pool as unknown as { slots: { worker: Worker }[] }).slots;
    const pending = pool.score(main.version, takeEvents(500, { seed: 12 }).map((e) => e.text), [])!;
    const died = expect(pending).rejects.toThrow(/scoring worker 0 exited/);
    await slots[0]!.worker.terminate();
    await died;
    expect(pool.score(main.version, ['hello'], ['en'])).toBeUndefined();
    await waitUntil(() => pool.versions()[0] === main.version, 30_000, () => `worker not back: ${JSON.stringify(events)}`);
    expect(events.some((e) => e.kind === 'crashed')).toBe(true);
    await expect(pool.score(main.version, ['Thanks, that fixed it!'], ['en'])).resolves.toHaveLength(1);
  });
});
