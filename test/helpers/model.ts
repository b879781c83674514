/**
 * The committed models (models/sentiment, models/churn) on the wasm backend, loaded once before
 * the tests of the file or describe block the helper is called in and disposed after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { initBackend, loadTextScorer, type TextScorer } from '../../engine/model/index.ts';
import { loadChurnScorer, type ChurnScorer } from '../../engine/churn/index.ts';

/** Registers the hooks; call the returned function inside a test for the scorer. */
function useLoaded<T extends { dispose(): void }>(what: string, load: () => Promise<T>, timeoutMs?: number): () => T {
  let loaded: T | undefined;
  beforeAll(async () => {
    await initBackend('wasm');
    loaded = await load();
  }, timeoutMs);
  afterAll(() => loaded?.dispose());
  return () => {
    if (!loaded) throw new Error(`the committed ${what} is not loaded yet (use it inside a test)`);
    return loaded;
  };
}

/** The committed text scorer (models/sentiment, with its heads). */
export function useCommittedTextScorer(): () => TextScorer {
  return useLoaded('text scorer', () => loadTextScorer(), 60_000);
}

/** The committed churn scorer (models/churn: the Telco part and the stream part). */
export function useCommittedChurnScorer(): () => ChurnScorer {
  return useLoaded('churn scorer', () => loadChurnScorer());
}
