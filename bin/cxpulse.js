#!/usr/bin/env node
// The cxpulse command: runs the compiled CLI in dist/ (built by `npm run build`, which
// `npm ci` runs through the `prepare` script). During development, `npm run dev` runs the
// TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('cxpulse: dist/cli/main.js is missing; run `npm run build` first (npm ci runs it for you)');
  process.exit(1);
}
await import(main.href);
