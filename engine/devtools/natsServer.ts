import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';

export interface NatsServerHandle {
  url: string;
  port: number;
  storeDir: string;
  /** Stop (SIGTERM, or SIGKILL with `{ kill: true }`), keeping the store so a restart finds the data. */
  stop(opts?: { kill?: boolean }): Promise<void>;
  /** Start again on the same port and store. */
  restart(): Promise<void>;
  /** Stop and delete the store. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForNats(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const nc = await connect({ servers: url, timeout: 500, reconnect: false });
      await nc.close();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`nats-server at ${url} did not answer in ${timeoutMs} ms: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Starts a private `nats-server -js` on a free loopback port with its store in a temp dir: for
 * tests and benchmarks that must not touch (or may kill) the shared server on 4222.
 * `NATS_SERVER_BIN` names the binary when it is not `nats-server` on PATH. It is read here, not in
 * the config schema, because only tests and the bench start servers: the engine never does.
 */
export async function startNatsServer(binary = process.env.NATS_SERVER_BIN ?? 'nats-server', opts: { config?: string } = {}): Promise<NatsServerHandle> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'cxpulse-nats-'));
  const url = `nats://127.0.0.1:${port}`;
  // Extra server configuration (e.g. subject `mappings`); the address, port and store stay these.
  const configArgs: string[] = [];
  if (opts.config !== undefined) {
    const file = join(storeDir, 'server.conf');
    await writeFile(file, opts.config);
    configArgs.push('-c', file);
  }
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawn(binary, [...configArgs, '-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: 'ignore' });
    child = c;
    const failed = new Promise<never>((_, reject) => c.once('error', (e) => reject(new Error(`cannot start ${binary}: ${e.message}`))));
    await Promise.race([waitForNats(url, 10_000), failed]);
  };
  const stop = async (opts: { kill?: boolean } = {}) => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(opts.kill ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };
  await start();
  return {
    url,
    port,
    storeDir,
    stop,
    restart: start,
    async dispose() {
      await stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
