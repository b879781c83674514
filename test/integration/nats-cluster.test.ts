import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { freePort, startNatsCluster, startNatsServer, type NatsClusterHandle, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { createNatsBus, DLQ_STREAM, type NatsBusOptions } from '../../engine/bus/index.ts';
import { connectBus } from '../../engine/runtime/index.ts';
import { openKvBackend } from '../../engine/churn/index.ts';
import type { Engine } from '../../engine/runtime/index.ts';
import { takeEvents } from '../../simulator/index.ts';
import { engineConfig, openFeed, startTestEngine } from '../helpers/engine.ts';

// NATS_URL as a list of servers and CXPULSE_NATS_REPLICAS, on real nats-server processes of the
// test's own (a single server, and a 3-server JetStream cluster): never the shared one on 4222.
const KV_STREAM = 'KV_cxpulse-customers';
const silent = pino({ level: 'silent' });

function capturingLog() {
  const lines: { level: number; msg: string; stream?: string }[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
  return { log: pino({ level: 'info' }, sink), lines };
}

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

  it('refuses CXPULSE_NATS_REPLICAS=3 on a single server at start, before making any stream', async () => {
    const cfg = engineConfig({ NATS_URL: nats.url, CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_NATS_REPLICAS: '3' });
    const bus = await connectBus(cfg, silent);
    try {
      await expect(bus.init()).rejects.toThrow(/^CXPULSE_NATS_REPLICAS=3 needs a JetStream cluster of at least 3 servers; the NATS server at 127\.0\.0\.1:\d+ is a single server, not in a cluster/);
    } finally {
      await bus.close();
    }
    const streams: string[] = [];
    for await (const s of jsm.streams.list()) streams.push(s.config.name);
    expect(streams).toEqual([]);
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

describe('CXPULSE_NATS_REPLICAS on a 3-server JetStream cluster', () => {
  let cluster: NatsClusterHandle;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let dir: string;
  const busOptions = (o: Partial<NatsBusOptions>): NatsBusOptions => ({ servers: cluster.urls, stream: 'CX_EVENTS', consumer: 'cxpulse-engine', maxAckPending: 100, log: silent, ...o });

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    nc = await connect({ servers: cluster.urls });
    jsm = await jetstreamManager(nc);
    dir = await mkdtemp(join(tmpdir(), 'cxpulse-nats-cluster-'));
  });
  afterAll(async () => {
    await nc?.close();
    await cluster?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes CX_EVENTS with 3 replicas, moves an existing CX_DLQ and bucket from 1 to 3, and scores an event', async () => {
    // Left by an older release: one replica each.
    await jsm.streams.add({ name: DLQ_STREAM, subjects: ['cx.dlq'] });
    await new Kvm(nc).create('cxpulse-customers', { history: 1 });
    expect(await replicasOf(jsm, DLQ_STREAM)).toBe(1);
    const dead = await freePort();
    const engine = await startTestEngine({ NATS_URL: `nats://127.0.0.1:${dead},${cluster.natsUrl}`, CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_NATS_REPLICAS: '3' });
    try {
      for (const stream of ['CX_EVENTS', DLQ_STREAM, KV_STREAM]) {
        expect(await replicasOf(jsm, stream), stream).toBe(3);
        expect((await jsm.streams.info(stream)).cluster?.replicas?.length, stream).toBe(2); // the two followers of the leader
      }
      await scoresAnEvent(engine, nc, 5);
    } finally {
      await engine.stop();
    }
  });

  it('keeps an existing stream count that the cluster cannot raise, with a warning naming the stream and both counts', async () => {
    const { log, lines } = capturingLog();
    const bus = await createNatsBus(busOptions({ replicas: 5, log }));
    try {
      await bus.init();
    } finally {
      await bus.close();
    }
    expect(await replicasOf(jsm, 'CX_EVENTS')).toBe(3);
    const warned = lines.filter((l) => l.level === 40 && /replicas/.test(l.msg)).map((l) => l.msg);
    expect(warned).toHaveLength(2);
    expect(warned[0]).toMatch(/^stream CX_EVENTS keeps 3 replicas: NATS refused to change it to CXPULSE_NATS_REPLICAS=5 \(.+\); the engine goes on with 3$/);
    expect(warned[1]).toMatch(/^stream CX_DLQ keeps 3 replicas/);
  });

  it('refuses to make a stream or bucket with more replicas than servers, naming the setting', async () => {
    await jsm.streams.delete('CX_EVENTS');
    const bus = await createNatsBus(busOptions({ replicas: 5 }));
    try {
      await expect(bus.init()).rejects.toThrow(/^CXPULSE_NATS_REPLICAS=5 needs a JetStream cluster of at least 5 servers: NATS could not place 5 replicas of stream CX_EVENTS \(/);
    } finally {
      await bus.close();
    }
    const kvConnection = await connect({ servers: cluster.urls });
    await expect(openKvBackend(kvConnection, 'cxpulse-r5', { replicas: 5 })).rejects.toThrow(/^CXPULSE_NATS_REPLICAS=5 needs a JetStream cluster of at least 5 servers: NATS could not place 5 replicas of stream KV_cxpulse-r5/);
    await kvConnection.close();
  });

  it('leaves an existing count alone when CXPULSE_NATS_REPLICAS is unset (a count raised by hand stays); new streams get 1', async () => {
    const bus = await createNatsBus(busOptions({}));
    try {
      await bus.init();
    } finally {
      await bus.close();
    }
    expect(await replicasOf(jsm, DLQ_STREAM)).toBe(3);
    expect(await replicasOf(jsm, 'CX_EVENTS')).toBe(1);
  });
});
