/**
 * The engine starts from the compiled dist/ with production dependencies only (no tsx, no
 * typescript), as in the Docker runtime image: a temp folder gets what that image gets, runs
 * `npm ci --omit=dev --ignore-scripts`, and `node bin/cxpulse.js start` must answer and score.
 * Needs the npm registry (or a warm npm cache); dist/ is built by the tier's global setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../engine/devtools/index.ts';
import { waitUntil } from '../helpers/engine.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** What the Dockerfile's runtime stage copies. */
const SHIPPED = ['package.json', 'package-lock.json', 'bin', 'dist', 'models', 'web'];

const app = mkdtempSync(join(tmpdir(), 'cxpulse-dist-'));
const dataDir = join(app, 'state');
let engine: ChildProcess | undefined;
let output = '';

/** Runs a command in the temp folder; rejects with its output when it fails. */
function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: app, env: cleanEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (b: Buffer) => (log += b.toString()));
    child.stderr.on('data', (b: Buffer) => (log += b.toString()));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${log}`))));
  });
}

/** This process's environment without vitest's and tsx's loaders, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_OPTIONS;
  for (const k of Object.keys(env)) if (k.startsWith('VITEST')) delete env[k];
  return env;
}

beforeAll(async () => {
  for (const p of SHIPPED) cpSync(join(ROOT, p), join(app, p), { recursive: true });
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
}, 300_000);

afterAll(() => {
  engine?.kill('SIGKILL');
  rmSync(app, { recursive: true, force: true });
});

describe('the compiled engine', () => {
  it('is installed without tsx or typescript', () => {
    expect(existsSync(join(app, 'node_modules', 'fastify'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
  });

  it('starts with node bin/cxpulse.js, answers /healthz and scores a posted event', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), HOST: '127.0.0.1', NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const child = spawn(process.execPath, ['bin/cxpulse.js', 'start'], { cwd: app, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    engine = child;
    child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

    const healthy = async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.status === 200;
    await waitUntil(healthy, 60_000, () => `no /healthz answer; engine output:\n${output}`);

    const event = { id: 'dist-1', channel: 'chat', conversationId: 'c-1', customerId: 'cust-1', author: 'customer', text: 'Where is my refund? This is the third time I ask.', ts: new Date().toISOString() };
    const res = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    expect(res.status).toBe(202);

    const rows = join(dataDir, 'store', 'scored_events.jsonl');
    const stored = () => existsSync(rows) && readFileSync(rows, 'utf8').includes('"dist-1"');
    await waitUntil(stored, 30_000, () => `event not in ${rows}; engine output:\n${output}`);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    engine = undefined;
  }, 120_000);
});
