import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding cxpulse's package.json. Shipped files (models/, web/, data/) are found from
 * here, so the same code works from the TypeScript sources (tsx) and from the compiled `dist/`.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return dir;
    if (dirname(dir) === dir) throw new Error(`cxpulse: no package root (package.json beside models/) above ${from}`);
  }
}

/** A path inside the package, e.g. `fromPackageRoot('models', 'sentiment')`. */
export function fromPackageRoot(...parts: string[]): string {
  return resolve(PACKAGE_ROOT, ...parts);
}
