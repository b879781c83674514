import { describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/model/index.ts';

describe('initBackend with CXPULSE_TF_BACKEND', () => {
  it('lets the environment override the preferred backend', async () => {
    const saved = process.env['CXPULSE_TF_BACKEND'];
    process.env['CXPULSE_TF_BACKEND'] = 'cpu';
    try {
      expect(await initBackend('wasm')).toBe('cpu');
    } finally {
      if (saved === undefined) delete process.env['CXPULSE_TF_BACKEND'];
      else process.env['CXPULSE_TF_BACKEND'] = saved;
    }
  });
});
