import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { freePort, startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { connectBus } from '../../engine/runtime/index.ts';
import type { Engine } from '../../engine/runtime/index.ts';
import { takeEvents } from '../../simulator/index.ts';
import { engineConfig, openFeed, startTestEngine } from '../helpers/engine.ts';

// NATS_URL as a list of servers, on real nats-server processes of the test's own: never the
// shared one on 4222.
const KV_STREAM = 'KV_cxpulse-customers';
const silent = pino({ level: 'silent' });

/** An engine on the file store in a temp folder, so only NATS is under test; it scores one event published on `nc`. */
async function scoresAnEvent(engine: Engine, nc: NatsConnection, seed: number): Promise<void> {
  const feed = await openFeed(engine.url);
  const [event] = takeEvents(1, { seed });
  await jetstream(nc).publish(`cx.events.${event!.channel}`, JSON.stringify(event), { msgID: event!.id });
  await feed.waitFor(1, 30_000);
  expect(feed.events[0]!.id).toBe(event!.id);
  feed.close();
}

const replicasOf = async (jsm: JetStreamManager, stream: string) => (await jsm.streams.info(stream)).config.num_replicas;

describe('NATS_URL with several servers, on one nats-server', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let dir: string;
  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    jsm = await jetstreamManager(nc);
    dir = await mkdtemp(join(tmpdir(), 'cxpulse-nats-list-'));
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('connects the engine through a list whose first server is down, and scores an event (bus and customer-state bucket)', async () => {
    const dead = await freePort();
    const engine = await startTestEngine({ NATS_URL: ` nats://127.0.0.1:${dead} , ${nats.url}`, CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir });
    try {
      await scoresAnEvent(engine, nc, 3);
      // The customer-state bucket was made over the same list (churn is on by default), with one replica.
      expect(await replicasOf(jsm, KV_STREAM)).toBe(1);
      expect(await replicasOf(jsm, 'CX_EVENTS')).toBe(1);
      const ready = (await (await fetch(`${engine.url}/readyz`)).json()) as { checks: Record<string, { ok: boolean; detail: string }> };
      expect(JSON.stringify(ready.checks)).toContain(`127.0.0.1:${nats.port}`);
    } finally {
      await engine.stop();
    }
  });

  it('fails to start with every server of the list named when none answers', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const cfg = engineConfig({ NATS_URL: `nats://127.0.0.1:${a},nats://u:secret@127.0.0.1:${b}`, CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir });
    const err = await connectBus(cfg, silent).then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(new RegExp(`^cannot connect to any of the 2 servers of NATS_URL \\(nats://127\\.0\\.0\\.1:${a}, nats://127\\.0\\.0\\.1:${b}\\)`));
    expect(err?.message).not.toContain('secret');
  });
});
