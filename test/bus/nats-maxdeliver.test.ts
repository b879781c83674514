import { describe, expect, it } from 'vitest';
import { AckPolicy, jetstream } from '@nats-io/jetstream';
import { createNatsBus, DLQ_STREAM, type DeadLetter } from '../../engine/bus/index.ts';
import { deadLetterUndeliverable } from '../../engine/pipeline/index.ts';
import { createLogger } from '../../engine/observability/index.ts';
import { waitUntil } from '../helpers/engine.ts';
import { useNatsServerPerTest } from '../helpers/nats.ts';

const nats = useNatsServerPerTest();

const log = createLogger('silent');
const busOptions = () => ({ servers: [nats.server.url], stream: 'CX_EVENTS', consumer: 'engine', maxAckPending: 100, ackWaitMs: 1000, maxDeliver: 3, backoffMs: [500, 1500], log });

async function dlqEntries(): Promise<DeadLetter[]> {
  const info = await nats.jsm.streams.info(DLQ_STREAM);
  const out: DeadLetter[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await nats.jsm.streams.getMessage(DLQ_STREAM, { seq });
    if (m) out.push(m.json<DeadLetter>());
  }
  return out;
}

describe('the JetStream consumer and poison messages', () => {
  it('updates the delivery limits of a consumer an older release made with max_deliver -1', async () => {
    await nats.jsm.streams.add({ name: 'CX_EVENTS', subjects: ['cx.events.>'] });
    await nats.jsm.consumers.add('CX_EVENTS', { durable_name: 'engine', ack_policy: AckPolicy.Explicit, max_deliver: -1, ack_wait: 30e9 });
    nats.bus = await createNatsBus(busOptions());
    await nats.bus.init();
    const { config } = await nats.jsm.consumers.info('CX_EVENTS', 'engine');
    expect(config.max_deliver).toBe(3);
    // Backoff entries are per-delivery ack waits: never below the ack wait (1 s), and fewer than max_deliver.
    expect(config.backoff).toEqual([1e9, 1.5e9]);
    expect(config.ack_wait).toBe(1e9);
  });

  it('puts a message no instance ever acks into cx.dlq after max_deliver deliveries, with its history, once', async () => {
    nats.bus = await createNatsBus(busOptions());
    await nats.bus.init();
    const watching = deadLetterUndeliverable(nats.bus, { deadLetter: (e) => nats.bus!.deadLetter(e) });
    // A second watcher, as a second instance sharing the consumer would run: still one entry.
    const second = await createNatsBus(busOptions());
    const watchingToo = deadLetterUndeliverable(second, { deadLetter: (e) => second.deadLetter(e) });
    await jetstream(nats.nc).publish('cx.events.chat', JSON.stringify({ id: 'poison-1', text: 'stalls the engine' }), { msgID: 'poison-1' });
    const deliveries: number[] = [];
    // The engine takes the message and never settles it, as when it crashes or stalls on it.
    void (async () => {
      for await (const env of nats.bus!.messages()) deliveries.push(env.deliveryCount);
    })();
    await waitUntil(async () => (await nats.jsm.streams.info(DLQ_STREAM)).state.messages > 0, 20_000, () => `deliveries so far: ${deliveries.join(',')}`);
    await new Promise((r) => setTimeout(r, 500));
    const entries = await dlqEntries();
    expect(deliveries).toEqual([1, 2, 3]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      error: { code: 'CX_ERR_MAX_DELIVERIES' },
      subject: 'cx.events.chat',
      payload: '{"id":"poison-1","text":"stalls the engine"}',
      deliveryCount: 3,
      busId: 'CX_EVENTS:1',
      history: { deliveries: 3, maxDeliver: 3, lastError: null },
    });
    await nats.bus.stop();
    await second.stop();
    await Promise.all([watching, watchingToo]);
    await second.close();
  });

  it('carries the last failure an instance reported (a nak with a reason) into the history', async () => {
    nats.bus = await createNatsBus({ ...busOptions(), backoffMs: [] });
    await nats.bus.init();
    const watching = deadLetterUndeliverable(nats.bus, { deadLetter: (e) => nats.bus!.deadLetter(e) });
    await jetstream(nats.nc).publish('cx.events.chat', '{"id":"p2"}', { msgID: 'p2' });
    void (async () => {
      for await (const env of nats.bus!.messages()) env.nak(100, `store write failed: attempt ${env.deliveryCount}`);
    })();
    await waitUntil(async () => (await nats.jsm.streams.info(DLQ_STREAM)).state.messages > 0, 20_000, () => 'a DLQ entry');
    const [entry] = await dlqEntries();
    expect(entry?.history).toEqual({ deliveries: 3, maxDeliver: 3, lastError: 'store write failed: attempt 3' });
    await nats.bus.stop();
    await watching;
  });
});
