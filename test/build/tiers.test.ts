import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTEGRATION_TESTS, isIntegrationTest } from './tiers.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
/** What a test file uses when it needs a service: a helper, a client package or a browser. */
const SERVICE_USE = /startNatsServer|useNatsServerPerTest|@nats-io\/|testDatabase|@clickhouse\/client|startDovecot|dovecotAvailability|playwright|chromium/;

const testFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => relative(ROOT, join(ROOT, dir, f)).split('\\').join('/'));

/** Resolves with the error a connection attempt ends in, or undefined when it connects. */
const connectError = (port: number): Promise<Error | undefined> =>
  new Promise((done) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), done(undefined)));
    s.once('error', (err) => done(err));
  });

describe('the unit tier', () => {
  it('has no test file that starts or calls a service', () => {
    const unit = testFiles('test').filter((f) => !isIntegrationTest(f));
    expect(unit.length).toBeGreaterThan(40);
    const offenders = unit.filter((f) => f !== 'test/build/tiers.test.ts' && SERVICE_USE.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('lists only integration tests that exist', () => {
    const all = new Set(testFiles('test'));
    for (const p of INTEGRATION_TESTS.filter((p) => !p.endsWith('/**'))) expect(all, p).toContain(p);
  });

  it('refuses connections to NATS and ClickHouse ports, and starting nats-server', async () => {
    for (const port of [4222, 8123]) expect((await connectError(port))?.message).toMatch(/^unit tier: connection to 127\.0\.0\.1:\d+ refused/);
    expect(() => spawn('nats-server', ['--version'])).toThrow(/unit tier: nats-server may not be started/);
  });

  it('lets a test talk to its own loopback server', async () => {
    const server = net.createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      expect(await connectError((server.address() as net.AddressInfo).port)).toBeUndefined();
    } finally {
      server.close();
    }
  });
});
