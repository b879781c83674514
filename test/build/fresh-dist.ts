/**
 * Global setup of the integration tier: some of its tests run the compiled command
 * (bin/cxpulse.js runs dist/), so dist/ is rebuilt when it is missing or older than a source
 * file. `npm test` builds first, so there this finds dist/ fresh and does nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SOURCES = ['engine', 'connectors', 'training', 'simulator', 'cli', 'bench', 'tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];
const BUILT = join(ROOT, 'dist', 'cli', 'main.js');

/** Newest modification time of a file or of any file below a folder. */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export default function freshDist(): void {
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= Math.max(...SOURCES.map((p) => newest(join(ROOT, p))))) return;
  console.error('[integration] dist/ is missing or older than the sources: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed; the integration tests need dist/');
}
