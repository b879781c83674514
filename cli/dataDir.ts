import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The labelled data folder (`--data`, default ../shared/data), checked before any work starts, so
 * a wrong path says so in one line instead of naming the first file a loader could not open.
 */
export function requireDataDir(dir: string): string {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new Error(`no labelled data folder at ${abs}: pass --data DIR, the folder holding the data sets (en-goemotions/, sv-twitter/, ...; default ../shared/data)`);
  }
  return abs;
}
