/**
 * TF.js backend selection. `@tensorflow/tfjs-node` is an optional peer dependency (it downloads
 * libtensorflow at install time, which fails offline), so it is only ever imported dynamically
 * and its absence is a normal outcome, never an error.
 */
import * as tf from '@tensorflow/tfjs';
import { readSetting } from '../config/index.ts';

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;

let choice: Promise<string> | undefined;
let active: string | undefined;

async function tryBackend(name: string): Promise<boolean> {
  try {
    if (name === 'tensorflow') {
      // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
      const pkg = '@tensorflow/tfjs-node';
      await import(pkg);
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
    }
    if (tf.findBackendFactory(name) === null) return false;
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function choose(preferred: string | undefined): Promise<string> {
  // Production mode silences TF.js's console banner ("install tfjs-node ...") and debug checks.
  tf.enableProdMode();
  // The setting wins over `preferred`, so CXPULSE_TF_BACKEND also applies to the CLI's commands and training.
  const wanted = readSetting('CXPULSE_TF_BACKEND') ?? (preferred?.trim() || undefined);
  const order = wanted ? [wanted, ...BACKENDS.filter((b) => b !== wanted)] : [...BACKENDS];
  for (const name of order) {
    if (await tryBackend(name)) {
      await tf.ready();
      active = tf.getBackend();
      return active;
    }
  }
  throw new Error(`no TF.js backend could be initialised (tried ${order.join(', ')})`);
}

/**
 * Picks the TF.js backend once: the setting CXPULSE_TF_BACKEND (engine/config), else
 * `preferred`, else tfjs-node, wasm, cpu in that order; a wanted backend that fails falls back along the same order.
 * Later calls return the first call's result whatever they ask for.
 */
export function initBackend(preferred?: string): Promise<string> {
  choice ??= choose(preferred).catch((err: unknown) => {
    choice = undefined;
    throw err;
  });
  return choice;
}

/** The backend chosen by initBackend, or undefined before it has finished. */
export function activeBackend(): string | undefined {
  return active;
}
