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

export interface NatsClusterHandle {
  /** Client URLs of the members, in order. */
  urls: string[];
  /** Every member's client URL as one NATS_URL value. */
  natsUrl: string;
  /** Stop every member and delete their stores. */
  dispose(): Promise<void>;
}

/** Answers when the members' JetStream has a meta leader and `size` peers: streams can then be placed with `size` replicas. */
async function waitForJetStreamCluster(monitorPort: number, size: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${monitorPort}/jsz`, { signal: AbortSignal.timeout(500) });
      const meta = ((await res.json()) as { meta_cluster?: { leader?: string; cluster_size?: number } }).meta_cluster;
      if (meta?.leader && meta.cluster_size === size) return;
      last = JSON.stringify(meta ?? null);
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`JetStream cluster of ${size} did not form in ${timeoutMs} ms: ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `size` private `nats-server -js` processes forming one cluster (each its own client,
 * cluster and monitoring port on loopback, and its own temp store), and waits until JetStream has
 * a meta leader over all of them. For tests of replicated streams; never touches 4222.
 */
export async function startNatsCluster(size = 3, binary = process.env.NATS_SERVER_BIN ?? 'nats-server', timeoutMs = 20_000): Promise<NatsClusterHandle> {
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), cluster: await freePort(), monitor: await freePort() })));
  const routes = ports.map((p) => `nats://127.0.0.1:${p.cluster}`).join(',');
  const name = `cxpulse-test-${process.pid}-${Date.now().toString(36)}`;
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  const dispose = async () => {
    await Promise.all(
      children.map((c) => {
        if (c.exitCode !== null || c.signalCode !== null) return undefined;
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        return exited;
      }),
    );
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  };
  try {
    for (const [i, p] of ports.entries()) {
      const dir = await mkdtemp(join(tmpdir(), `cxpulse-nats-c${i}-`));
      dirs.push(dir);
      const args = ['-a', '127.0.0.1', '-p', String(p.client), '-m', String(p.monitor), '-js', '-sd', dir, '--server_name', `${name}-${i}`, '--cluster_name', name, '--cluster', `nats://127.0.0.1:${p.cluster}`, '--routes', routes];
      const c = spawn(binary, args, { stdio: 'ignore' });
      children.push(c);
      c.once('error', () => undefined);
    }
    const urls = ports.map((p) => `nats://127.0.0.1:${p.client}`);
    await Promise.all(urls.map((u) => waitForNats(u, timeoutMs)));
    await waitForJetStreamCluster(ports[0]!.monitor, size, timeoutMs);
    return { urls, natsUrl: urls.join(','), dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}
