#!/usr/bin/env node
// npm run build: compiles engine/, connectors/, training/, simulator/, cli/ and bench/ to dist/
// (tsconfig.build.json), then copies the data files the code reads beside itself through
// import.meta.url (e.g. engine/cues/*.default.json), so node runs dist/ without tsx.
//
// Plain JavaScript on purpose: it runs before anything is compiled and needs no tsx.
// `--if-typescript` (the `prepare` script, run by `npm ci`) does nothing when TypeScript is not
// installed, so `npm ci --omit=dev` still succeeds; dist/ must then come from elsewhere.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist');
const SOURCE_DIRS = ['engine', 'connectors', 'training', 'simulator', 'cli', 'bench'];
/** Files beside the sources that are not needed at run time. */
const NOT_SHIPPED = new Set(['.ts', '.md']);
/** Folders tsconfig.build.json leaves out: the load kit (k6 scripts, and a twin that runs on dev dependencies). */
const NOT_BUILT = ['bench/k6/', 'bench/load/'];

function findTsc() {
  try {
    return createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

function compile(tsc) {
  rmSync(OUT, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('[build] tsc failed: dist/ is incomplete');
    process.exit(r.status ?? 1);
  }
}

/** Every non-TypeScript file under `dir`, as paths relative to the package root. */
function dataFiles(dir) {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !NOT_SHIPPED.has(extname(e.name)))
    .map((e) => relative(ROOT, join(e.parentPath ?? e.path, e.name)))
    .filter((f) => !NOT_BUILT.some((d) => f.split('\\').join('/').startsWith(d)));
}

const tsc = findTsc();
if (!tsc) {
  if (process.argv.includes('--if-typescript')) {
    console.error('[build] typescript is not installed (npm ci --omit=dev?): not building dist/');
    process.exit(0);
  }
  console.error('[build] typescript is not installed: run `npm ci` (with dev dependencies) first');
  process.exit(1);
}
compile(tsc);
const copied = SOURCE_DIRS.flatMap(dataFiles);
for (const file of copied) cpSync(join(ROOT, file), join(OUT, file));
console.error(`[build] dist/ built; copied ${copied.length} data files (${copied.join(', ')})`);
