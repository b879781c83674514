import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { loadConfig } from '../../engine/config/index.ts';
import { createLogger } from '../../engine/observability/index.ts';
import { startChurn } from '../../engine/runtime/churn.ts';
import { initBackend } from '../../engine/model/backend.ts';
import { streamFeatures } from '../../engine/churn/index.ts';

const log = createLogger('silent');
const T0 = Date.UTC(2026, 5, 1);
const update = (id: string, tsMs: number) => ({ customerId: 'cust-rt', observation: { kind: 'message' as const, id, conversationId: `c-${id}`, author: 'customer' as const, tsMs, negative: true, escalated: false } });

let nats: NatsServerHandle;
const dirs: string[] = [];
beforeAll(async () => {
  await initBackend('wasm');
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.dispose();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('startChurn (engine/runtime/churn.ts)', () => {
  it('keeps customer states in JetStream KV on the NATS bus, and gets them back after an engine restart', async () => {
    const cfg = loadConfig({ NATS_URL: nats.url, CXPULSE_CHURN_KV_BUCKET: 'rt-customers', CXPULSE_CHURN_FLUSH_MS: '60000' });
    const registry = new Registry();
    const first = await startChurn(cfg, { kind: 'nats' }, log, registry);
    expect(first.states!.description).toMatch(/^nats kv rt-customers/);
    await first.deps.churn!.tracker.apply([update('e1', T0), update('e2', T0 + 86_400_000)]);
    const before = first.states!.get('cust-rt');
    await first.stop(); // the engine's stop: pending states are written

    const second = await startChurn(cfg, { kind: 'nats' }, log, new Registry());
    await second.states!.load(['cust-rt']);
    expect(second.states!.get('cust-rt')).toEqual(before);
    expect(streamFeatures(second.states!.get('cust-rt')!).contacts7d).toBe(2);
    await second.stop();
  });

  it('keeps states in memory on the in-process bus', async () => {
    const rt = await startChurn(loadConfig({}), { kind: 'memory' }, log);
    expect(rt.states!.description).toBe('memory (not persisted)');
    expect(rt.deps.churn!.scorer.version).toMatch(/\+stream-/);
    await rt.stop();
  });

  it('adds nothing to the pipeline with CXPULSE_CHURN=off', async () => {
    const rt = await startChurn(loadConfig({ CXPULSE_CHURN: 'off' }), { kind: 'nats' }, log);
    expect(rt.deps).toEqual({});
    await rt.stop();
  });

  it('refuses a bad switch value and a missing model folder with clear errors', async () => {
    expect(() => loadConfig({ CXPULSE_CHURN: 'maybe' })).toThrow(/CXPULSE_CHURN/);
    const empty = mkdtempSync(join(tmpdir(), 'cxpulse-churn-none-'));
    dirs.push(empty);
    await expect(startChurn(loadConfig({ CXPULSE_CHURN_MODEL_DIR: empty }), { kind: 'memory' }, log)).rejects.toThrow(/does not exist.*CXPULSE_CHURN=off/);
  });
});
