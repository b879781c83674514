/**
 * `cxpulse start` exits with status 1 once events have not been processable for
 * CXPULSE_EXIT_AFTER_FAILURE_MS, so a supervisor restarts it; here its JetStream consumer is
 * deleted under it (a private nats-server, the embedded file store).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { freePort, startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { PACKAGE_ROOT } from '../../engine/config/index.ts';
import { waitUntil } from '../helpers/engine.ts';

let nats: NatsServerHandle | undefined;
let child: ChildProcess | undefined;
let dataDir: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
  await nats?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function startEngine(exitAfterMs: number): Promise<{ url: string; exit: Promise<number | null>; stderr: () => string }> {
  nats = await startNatsServer();
  dataDir = await mkdtemp(join(tmpdir(), 'cxpulse-exit-'));
  const port = await freePort();
  const env = {
    ...process.env, HOST: '127.0.0.1', PORT: String(port), NATS_URL: nats.url, CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dataDir,
    CXPULSE_CONNECTORS: 'none', CXPULSE_CHURN: 'off', CXPULSE_EXIT_AFTER_FAILURE_MS: String(exitAfterMs), LOG_LEVEL: 'info',
  };
  child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'start'], { cwd: PACKAGE_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const exit = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) === 200, 90_000, () => `engine ready (stderr: ${err.slice(-500)})`);
  return { url, exit, stderr: () => err };
}

async function deleteConsumer(): Promise<void> {
  const nc = await connect({ servers: nats!.url });
  try {
    await (await jetstreamManager(nc)).consumers.delete('CX_EVENTS', 'cxpulse-engine');
  } finally {
    await nc.close();
  }
}

describe('cxpulse start when events cannot be processed', () => {
  it('exits with status 1 after CXPULSE_EXIT_AFTER_FAILURE_MS, saying why', async () => {
    const engine = await startEngine(1500);
    await deleteConsumer();
    const code = await Promise.race([engine.exit, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 45_000))]);
    expect(code).toBe(1);
    expect(engine.stderr()).toMatch(/events not processable for 1500 ms \(.*consumer.*\): exiting with status 1/);
  }, 150_000);

  it('keeps running with 0 (readiness says 503 instead)', async () => {
    const engine = await startEngine(0);
    await deleteConsumer();
    await waitUntil(async () => (await fetch(`${engine.url}/readyz`)).status === 503, 30_000, () => '/readyz 503');
    await new Promise((r) => setTimeout(r, 3000));
    expect(child!.exitCode).toBeNull();
  }, 150_000);
});
