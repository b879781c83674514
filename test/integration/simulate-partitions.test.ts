import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { partitionOf } from '../../engine/bus/index.ts';
import { runSimulate } from '../../cli/simulate.ts';

// `cxpulse simulate --target nats://...` publishes as the engine's own publishers do: on the
// customer's partition subject under CXPULSE_PARTITIONS, so that with several instances each
// customer's events reach the instance that owns them. A private nats-server (not the one on 4222).
let nats: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'SIM', subjects: ['cx.events.>'] });
}, 30_000);

afterAll(async () => {
  await nc?.close();
  await nats?.dispose();
});

describe('cxpulse simulate to NATS', () => {
  it("publishes each event on cx.events.<channel>.<k>, k its customer's partition under CXPULSE_PARTITIONS", async () => {
    const before = process.env.CXPULSE_PARTITIONS;
    process.env.CXPULSE_PARTITIONS = '6';
    try {
      await runSimulate({ rate: 500, count: 60, seed: 11, target: nats.url });
    } finally {
      if (before === undefined) delete process.env.CXPULSE_PARTITIONS;
      else process.env.CXPULSE_PARTITIONS = before;
    }
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info('SIM');
    expect(info.state.messages).toBe(60);
    const seen = new Set<number>();
    for (let seq = 1; seq <= 60; seq++) {
      const m = await jsm.streams.getMessage('SIM', { seq });
      const ev = m!.json<{ channel: string; customerId: string }>();
      const k = partitionOf(ev.customerId, 6);
      expect(m!.subject).toBe(`cx.events.${ev.channel}.${k}`);
      seen.add(k);
    }
    // 60 events of the simulation's customers spread over more than one partition.
    expect(seen.size).toBeGreaterThan(1);
  });
});
