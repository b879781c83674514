/**
 * deploy/helm/cxpulse/files/instances.mjs, the watcher the Helm chart runs in each pod when KEDA
 * scales the StatefulSet: it starts the engine with CXPULSE_INSTANCES = the StatefulSet's replica
 * count and restarts it when the count changes. The Kubernetes API does not run here, so an HTTP
 * server on loopback answers the one request the watcher makes (GET .../statefulsets/<name>/scale,
 * with the service account's bearer token); the watcher and the child it supervises are real
 * processes. The child stands in for the engine: it prints the count it got and exits on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/engine.ts';

const WATCHER = resolve(import.meta.dirname, '..', '..', 'deploy', 'helm', 'cxpulse', 'files', 'instances.mjs');
const TOKEN = 'sa-token-for-test';
const SCALE_PATH = '/apis/apps/v1/namespaces/cx-ns/statefulsets/cxpulse/scale';
const CHILD = `
process.stdout.write('started ' + process.env.CXPULSE_INSTANCES + ' ' + process.env.CXPULSE_INSTANCE + '\\n');
process.on('SIGTERM', () => { process.stdout.write('stopped ' + process.env.CXPULSE_INSTANCES + '\\n'); process.exit(0); });
setInterval(() => {}, 1000);
`;

let saDir: string;
let api: Server;
let replicas: number | 'error';
let requests: { path: string; auth: string | undefined }[];
let watcher: ChildProcess | undefined;
let out: string;
let err: string;

beforeEach(async () => {
  saDir = mkdtempSync(join(tmpdir(), 'cxpulse-sa-'));
  writeFileSync(join(saDir, 'token'), `${TOKEN}\n`);
  writeFileSync(join(saDir, 'namespace'), 'cx-ns');
  replicas = 2;
  requests = [];
  api = createServer((req, res) => {
    requests.push({ path: req.url ?? '', auth: req.headers.authorization });
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end('{}');
    if (req.url !== SCALE_PATH) return void res.writeHead(404).end('{}');
    if (replicas === 'error') return void res.writeHead(503).end('{"message":"apiserver away"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Scale', spec: { replicas }, status: { replicas } }));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  out = '';
  err = '';
});

afterEach(async () => {
  if (watcher && watcher.exitCode === null && watcher.signalCode === null) {
    watcher.kill('SIGKILL');
    await new Promise((r) => watcher?.once('exit', r));
  }
  watcher = undefined;
  await new Promise((r) => api.close(r));
  rmSync(saDir, { recursive: true, force: true });
});

function startWatcher(): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CXPULSE_K8S_API: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    CXPULSE_K8S_SA_DIR: saDir,
    CXPULSE_STATEFULSET: 'cxpulse',
    CXPULSE_INSTANCES_CHECK_SECONDS: '0.2',
    CXPULSE_INSTANCE: 'cxpulse-1',
  };
  delete env.NODE_OPTIONS;
  const w = spawn(process.execPath, [WATCHER, process.execPath, '-e', CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  w.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  w.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  watcher = w;
  return w;
}
const lines = () => out.trim().split('\n').filter(Boolean);
const logs = () => err.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string });

describe('instances.mjs (the Helm chart\'s instance-count watcher)', () => {
  it('starts the engine with the replica count, and restarts it with the new count when KEDA changes it', async () => {
    startWatcher();
    await waitUntil(() => lines().includes('started 2 cxpulse-1'), 10_000, () => out + err);
    replicas = 3;
    await waitUntil(() => lines().includes('started 3 cxpulse-1'), 10_000, () => out + err);
    // The old engine stopped (SIGTERM, so it drains) before the new one started.
    expect(lines()).toEqual(['started 2 cxpulse-1', 'stopped 2', 'started 3 cxpulse-1']);
    expect(logs().some((l) => l.level === 30 && /changed from 2 to 3/.test(l.msg))).toBe(true);
    expect(requests.every((r) => r.path === SCALE_PATH && r.auth === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('waits for the API before the first start, and keeps the engine running through a later outage', async () => {
    replicas = 'error';
    startWatcher();
    await waitUntil(() => logs().some((l) => l.level === 40 && /cannot read the replica count yet: .*HTTP 503/.test(l.msg)), 10_000, () => err);
    expect(lines()).toEqual([]);
    replicas = 4;
    await waitUntil(() => lines().includes('started 4 cxpulse-1'), 10_000, () => out + err);
    replicas = 'error';
    const seen = requests.length;
    await waitUntil(() => requests.length >= seen + 3, 10_000, () => `${requests.length} requests`);
    expect(lines()).toEqual(['started 4 cxpulse-1']);
    expect(logs().filter((l) => /cannot read the replica count: /.test(l.msg)).length).toBeGreaterThan(0);
  });

  it('passes SIGTERM on to the engine and exits with it', async () => {
    const w = startWatcher();
    await waitUntil(() => lines().includes('started 2 cxpulse-1'), 10_000, () => out + err);
    const exited = new Promise<number | null>((r) => w.once('exit', (code) => r(code)));
    w.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines()).toEqual(['started 2 cxpulse-1', 'stopped 2']);
  });

  it('refuses to run without a StatefulSet name or a command', async () => {
    const w = spawn(process.execPath, [WATCHER], { env: { ...process.env, CXPULSE_STATEFULSET: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let e = '';
    w.stderr.on('data', (b: Buffer) => (e += b.toString()));
    expect(await new Promise((r) => w.once('exit', r))).toBe(2);
    expect(e).toMatch(/usage: CXPULSE_STATEFULSET=<name> node instances\.mjs <command>/);
  });
});
