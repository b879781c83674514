import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * ../shared/data beside the clone (CI has it there), or CXPULSE_SHARED_DATA: the labelled data
 * the model-quality gates read. `present` when `marker` (a data set folder) is in it.
 */
export function sharedData(marker: string): { dir: string; present: boolean } {
  const dir = process.env.CXPULSE_SHARED_DATA ?? resolve(import.meta.dirname, '../../../shared/data');
  return { dir, present: existsSync(resolve(dir, marker)) };
}
