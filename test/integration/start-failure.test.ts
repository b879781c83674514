import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { startTestEngine, waitUntil } from '../helpers/engine.ts';

// A start that fails after connecting (here: NATS refuses the stream settings) closes what it
// opened. A private nats-server with its monitoring port, so the test can count its connections.
let nats: NatsServerHandle;
let monitor: string;
let dir: string;

const connections = async (): Promise<number> => ((await (await fetch(`${monitor}/connz`)).json()) as { num_connections: number }).num_connections;

beforeAll(async () => {
  const port = await freePort();
  monitor = `http://127.0.0.1:${port}`;
  nats = await startNatsServer(undefined, { config: `http: "127.0.0.1:${port}"\n` });
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-start-failure-'));
}, 30_000);

afterAll(async () => {
  await nats?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('a start that fails after connecting', () => {
  it('rejects with the reason and leaves no connection open to NATS', async () => {
    expect(await connections()).toBe(0);
    await expect(startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_NATS_REPLICAS: '3' })).rejects.toThrow(/CXPULSE_NATS_REPLICAS=3 needs a JetStream cluster/);
    await waitUntil(async () => (await connections()) === 0, 10_000, () => 'the failed start still holds a NATS connection');
    expect(await connections()).toBe(0);
  });
});
