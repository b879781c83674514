/**
 * Setup file of the unit tier, which must pass on a machine that runs no services. Here a test
 * that reaches for one fails (or takes the no-service path the engine has) instead of quietly
 * using whatever runs on this machine: TCP connections go to loopback only and never to the
 * ports of NATS (4222) or ClickHouse (8123, 9000), and the service binaries (nats-server,
 * ClickHouse, Dovecot, Chromium) are not started. Such a test belongs in test/build/tiers.ts.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const SERVICE_PORTS = new Set([4222, 8123, 9000]);
const SERVICE_BINARY = /(^|\/)(nats-server|clickhouse(-server)?|dovecot|chromium(-browser)?)$/;
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

const refusal = (what: string): Error =>
  Object.assign(new Error(`unit tier: ${what}; a test that needs a service belongs in the integration tier (test/build/tiers.ts)`), {
    code: 'ECONNREFUSED',
  });

/** Host, port or socket path of a `Socket#connect` call; its first argument may be net's normalized array. */
function target(args: unknown[]): { host: string; port?: number; path?: string } {
  const [first, second] = (Array.isArray(args[0]) ? args[0] : args) as unknown[];
  if (typeof first === 'object' && first !== null) {
    const o = first as { host?: string; port?: number | string; path?: string };
    return { host: o.host ?? 'localhost', port: o.port === undefined ? undefined : Number(o.port), path: o.path };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return { host: 'localhost', path: first };
  return { host: typeof second === 'string' ? second : 'localhost', port: Number(first) };
}

/** Connections to a service fail as if nothing listened there. */
function guardSockets(): void {
  const connect = net.Socket.prototype.connect as (...a: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const { host, port, path } = target(args);
    if (path === undefined && (!LOOPBACK.test(host) || SERVICE_PORTS.has(port ?? 0))) {
      process.nextTick(() => this.destroy(refusal(`connection to ${host}:${port} refused`)));
      return this;
    }
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;
}

/** Starting a service binary throws. */
function guardSpawns(): void {
  for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync'] as const) {
    const original = childProcess[name] as (...a: unknown[]) => unknown;
    (childProcess as Record<string, unknown>)[name] = (file: unknown, ...rest: unknown[]) => {
      if (typeof file === 'string' && SERVICE_BINARY.test(file)) throw refusal(`${file} may not be started`);
      return original(file, ...rest);
    };
  }
  // `import { spawn } from 'node:child_process'` sees the wrapped functions too.
  syncBuiltinESMExports();
}

// Setup files run before every test file, and a worker may run several files: wrap once.
const GUARDED = Symbol.for('cxpulse.unit-tier.no-services');
const scope = globalThis as { [GUARDED]?: true };
if (!scope[GUARDED]) {
  scope[GUARDED] = true;
  guardSockets();
  guardSpawns();
}
