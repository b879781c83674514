import { describe, expect, it } from 'vitest';
import { activeBackend, initBackend } from '../../engine/model/index.ts';

describe('initBackend', () => {
  it('falls back when tfjs-node is missing and is idempotent', async () => {
    if (process.env['CXPULSE_TF_BACKEND']) return; // the env choice is tested in backend-env.test.ts
    expect(activeBackend()).toBeUndefined();
    let hasNode = true;
    try {
      const pkg = '@tensorflow/tfjs-node';
      await import(pkg);
    } catch {
      hasNode = false;
    }
    const first = await initBackend('tensorflow');
    expect(first).toBe(hasNode ? 'tensorflow' : 'wasm');
    expect(await initBackend('cpu')).toBe(first);
    expect(activeBackend()).toBe(first);
  });
});
