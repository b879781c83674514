/**
 * CLI: export a held-out part for `cxpulse eval` (prints the row count on stderr):
 *   npx tsx training/sentiment/heldout-main.ts --data ../shared/data --set en-uci-amazon --out /tmp/en-uci-amazon.jsonl
 *     [--part test|valid] [--seed 42]
 * Write the file outside the repository: the data sets' terms do not allow committing them.
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { heldOutFile, type HeldOutPart } from './heldout.ts';
import { PACKAGE_ROOT } from '../../engine/config/paths.ts';

const repoRoot = PACKAGE_ROOT;
try {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: resolve(repoRoot, '../shared/data') },
      set: { type: 'string' },
      part: { type: 'string', default: 'test' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
    },
  });
  if (!values.set || !values.out) throw new Error('usage: heldout-main.ts --set NAME --out FILE.jsonl [--data DIR] [--part test|valid] [--seed 42]');
  if (values.part !== 'test' && values.part !== 'valid') throw new Error(`--part must be test or valid, got ${values.part}`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${values.seed}`);
  const f = heldOutFile(resolve(values.data), seed, values.set, values.part as HeldOutPart);
  writeFileSync(resolve(values.out), f.jsonl);
  process.stderr.write(`wrote ${f.rows} rows of ${f.set} (${f.part}, lang ${f.lang}) to ${resolve(values.out)}\n`);
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
