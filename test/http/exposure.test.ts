/**
 * Fail closed: an engine (or a connector server) that would listen beyond loopback without
 * CXPULSE_JWT_SECRET refuses to start with a message saying what to do, unless
 * CXPULSE_ALLOW_OPEN=1 says so; a route without a declared access stops the app from starting;
 * the ops routes can move to a port of their own. Real engines on the in-process bus.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertExposureAllowed, isLoopback, OpenExposureError } from '../../engine/access/index.ts';
import { buildApp } from '../../engine/http/index.ts';
import { createMemoryBus } from '../../engine/bus/index.ts';
import { createFeedHub } from '../../engine/feed/index.ts';
import { createLogger, createMetrics } from '../../engine/observability/index.ts';
import { loadConfig, PACKAGE_ROOT } from '../../engine/config/index.ts';
import { withoutCredentials } from '../../engine/util/index.ts';
import { chatConnector, startConnector } from '../../connectors/index.ts';
import { startTestEngine } from '../helpers/engine.ts';
import { recordingBus } from '../connectors/helpers.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-exposure-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const local = () => ({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir });
const REFUSAL = /^refusing to listen on 0\.0\.0\.0 without CXPULSE_JWT_SECRET: .*Set CXPULSE_JWT_SECRET .* or listen on 127\.0\.0\.1 \(HOST\), or set CXPULSE_ALLOW_OPEN=1/;

describe('which addresses count as this machine only', () => {
  it.each(['127.0.0.1', '127.8.0.1', '::1', '[::1]', 'localhost'])('%s is loopback', (host) => expect(isLoopback(host)).toBe(true));
  it.each(['0.0.0.0', '::', '192.168.1.20', '10.0.0.5', 'example.com', '127.0.0.1.example.com'])('%s is not', (host) => expect(isLoopback(host)).toBe(false));

  it('allows a non-loopback address with a secret or CXPULSE_ALLOW_OPEN, and refuses it otherwise', () => {
    expect(() => assertExposureAllowed({ host: '0.0.0.0', jwtSecret: undefined, allowOpen: false })).toThrow(OpenExposureError);
    expect(() => assertExposureAllowed({ host: '0.0.0.0', jwtSecret: 'x'.repeat(32), allowOpen: false })).not.toThrow();
    expect(() => assertExposureAllowed({ host: '0.0.0.0', jwtSecret: undefined, allowOpen: true })).not.toThrow();
    expect(() => assertExposureAllowed({ host: '127.0.0.1', jwtSecret: undefined, allowOpen: false })).not.toThrow();
  });
});

describe('the engine fails closed', () => {
  it('listens on 127.0.0.1 by default', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
  });

  it('refuses to start on 0.0.0.0 without a secret, before it connects or loads anything', async () => {
    await expect(startTestEngine({ ...local(), HOST: '0.0.0.0' })).rejects.toThrow(REFUSAL);
  });

  it('says so on the command line and exits 1', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'start'], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, ...local(), HOST: '0.0.0.0', PORT: '0', CXPULSE_JWT_SECRET: '', CXPULSE_ALLOW_OPEN: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^cxpulse: refusing to listen on 0\.0\.0\.0 without CXPULSE_JWT_SECRET/m);
  }, 70_000);

  it('refuses a standalone connector server on 0.0.0.0 without a secret the same way', async () => {
    const cfg = loadConfig({ HOST: '0.0.0.0' });
    await expect(startConnector(chatConnector, { bus: recordingBus().bus, log: createLogger('silent'), cfg, port: 0 })).rejects.toThrow(REFUSAL);
  });

  it('starts open on 0.0.0.0 with CXPULSE_ALLOW_OPEN=1, and can serve the ops routes on a port of their own', async () => {
    const engine = await startTestEngine({ ...local(), HOST: '0.0.0.0', CXPULSE_ALLOW_OPEN: '1', CXPULSE_OPS_PORT: '0' });
    try {
      const post = await fetch(`${engine.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'open-1', channel: 'chat', conversationId: 'c', customerId: 'u', author: 'customer', text: 'hi', ts: Date.now() }),
      });
      expect(post.status).toBe(202);
      expect(engine.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(engine.opsUrl).not.toBe(engine.url);
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        expect((await fetch(`${engine.opsUrl}${path}`)).status, path).toBe(200);
        expect((await fetch(`${engine.url}${path}`)).status, `${path} left the main port`).toBe(404);
      }
      expect(await (await fetch(`${engine.opsUrl}/metrics`)).text()).toContain('cxpulse_events_in_total');
    } finally {
      await engine.stop();
    }
  }, 60_000);
});

describe('every route declares who may use it', () => {
  it('stops the app from starting when a route declares no access', async () => {
    const app = await buildApp({
      log: createLogger('silent'),
      metrics: createMetrics(),
      bus: createMemoryBus(),
      feed: createFeedHub(),
      maxTextBytes: 1024,
      maxBodyBytes: 1 << 16,
      backend: () => 'cpu',
      readiness: async () => ({ ready: true, checks: {} }),
    });
    const added = (async () => {
      app.get('/v1/forgotten', async () => ({ secret: 42 }));
      await app.ready();
    })();
    await expect(added).rejects.toThrow(/route GET \/v1\/forgotten declares no access/);
    await app.close().catch(() => undefined);
  });
});

describe('readiness details', () => {
  it('lose the user and password of any URL in them', () => {
    expect(withoutCredentials('nats nats://svc:hunter2@nats:4222 stream CX_EVENTS')).toBe('nats nats://nats:4222 stream CX_EVENTS');
    expect(withoutCredentials('clickhouse http://default:p%40ss@ch:8123/db, tls://user@host:1')).toBe('clickhouse http://ch:8123/db, tls://host:1');
    expect(withoutCredentials('file /var/lib/cxpulse/store/scored.jsonl')).toBe('file /var/lib/cxpulse/store/scored.jsonl');
  });
});
