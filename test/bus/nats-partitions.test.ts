/**
 * CX_EVENTS partitioned by customer (CXPULSE_PARTITIONS) on a private nats-server: each instance's
 * consumers take exactly its partitions (and instance 0 the un-partitioned subjects), together
 * every event once; a stale un-partitioned consumer is refused with the way out; and the NATS
 * server's own `partition()` mapping puts a customer where the engine's publishers do.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { createNatsBus, eventSubject, partitionOf, type Envelope, type EventBus, type NatsBusOptions } from '../../engine/bus/index.ts';
import { waitUntil } from '../helpers/engine.ts';

let nats: NatsServerHandle | undefined;
let nc: NatsConnection | undefined;
const buses: EventBus[] = [];

afterEach(async () => {
  for (const b of buses.splice(0)) await b.close();
  await nc?.close();
  nc = undefined;
  await nats?.dispose();
  nats = undefined;
});

const P = 12;
const options = (url: string, o: Partial<NatsBusOptions> = {}): NatsBusOptions => ({ servers: [url], stream: 'CX_EVENTS', consumer: 'cxpulse-engine', maxAckPending: 100, ackWaitMs: 5000, log: pino({ level: 'silent' }), ...o });
const owned = (i: number, n: number) => Array.from({ length: P }, (_, k) => k).filter((k) => k % n === i);

async function take(bus: EventBus, into: Envelope[]): Promise<void> {
  for await (const env of bus.messages()) {
    into.push(env);
    env.ack();
  }
}

describe('partitioned CX_EVENTS', () => {
  it('three instances: one consumer per owned partition, disjoint, every event taken once by its customer\'s owner', async () => {
    nats = await startNatsServer();
    const got: Envelope[][] = [[], [], []];
    for (let i = 0; i < 3; i++) {
      const bus = await createNatsBus(options(nats.url, { partitions: P, owned: owned(i, 3) }));
      buses.push(bus);
      await bus.init();
    }
    nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const consumers: Record<string, string | undefined> = {};
    for await (const c of jsm.consumers.list('CX_EVENTS')) consumers[c.name] = c.config.filter_subject;
    const expected: Record<string, string> = { 'cxpulse-engine-legacy': 'cx.events.*' };
    for (let k = 0; k < P; k++) expected[`cxpulse-engine-p${k}`] = `cx.events.*.${k}`;
    expect(consumers).toEqual(expected);

    const customers = Array.from({ length: 40 }, (_, i) => `cust-${i}`);
    const enc = new TextEncoder();
    for (const [i, c] of customers.entries()) {
      for (const ch of ['chat', 'crm']) await buses[i % 3]!.publishEvent(ch, enc.encode(c), `${ch}-${c}`, c);
    }
    // No customer id (an outside publisher's subject): kept, for instance 0.
    await buses[1]!.publishEvent('chat', enc.encode('no-customer'), 'legacy-1');
    expect(await buses[0]!.lag()).toBeGreaterThan(0);

    buses.forEach((b, i) => void take(b, got[i]!));
    await waitUntil(() => got.flat().length === customers.length * 2 + 1, 20_000, () => `taken ${got.flat().length}`);
    for (let i = 0; i < 3; i++) {
      for (const env of got[i]!) {
        const who = new TextDecoder().decode(env.data);
        if (who === 'no-customer') {
          expect(i).toBe(0);
          expect(env.subject).toBe('cx.events.chat');
        } else {
          expect(partitionOf(who, P) % 3).toBe(i);
          expect(env.subject).toMatch(new RegExp(`^cx\\.events\\.(chat|crm)\\.${partitionOf(who, P)}$`));
        }
      }
    }
    expect(new Set(got.flat().map((e) => e.busId)).size).toBe(customers.length * 2 + 1);
    for (const g of got) expect(g.length).toBeGreaterThan(0);
    await waitUntil(async () => (await jsm.streams.info('CX_EVENTS')).state.messages === 0, 10_000, () => 'acked events leave the work queue');
    expect(await buses[2]!.lag()).toBe(0);
  });

  it('refuses to start partitioned next to the un-partitioned consumer still on the work queue, and says how to move', async () => {
    nats = await startNatsServer();
    const old = await createNatsBus(options(nats.url));
    buses.push(old);
    await old.init();
    const bus = await createNatsBus(options(nats.url, { partitions: P, owned: owned(0, 2) }));
    buses.push(bus);
    await expect(bus.init()).rejects.toThrow(/'cxpulse-engine' \(every subject\).*CXPULSE_PARTITIONS changed.*nats consumer rm CX_EVENTS/);
  });

  it('refuses an un-partitioned process (a connector left at CXPULSE_PARTITIONS=1) on a partitioned stream, saying so', async () => {
    nats = await startNatsServer();
    const engine = await createNatsBus(options(nats.url, { partitions: P }));
    buses.push(engine);
    await engine.init();
    const connector = await createNatsBus(options(nats.url));
    buses.push(connector);
    await expect(connector.init()).rejects.toThrow(/the stream is partitioned .*'cxpulse-engine-p0' \(cx\.events\.\*\.0\).*Set CXPULSE_PARTITIONS/);
  });

  it('the NATS server mapping partition(12, token) sends a customer where the engine\'s publishers do', async () => {
    nats = await startNatsServer(undefined, { config: 'mappings = { "cx.ingest.*.*": "cx.events.{{wildcard(1)}}.{{partition(12,2)}}" }\n' });
    const bus = await createNatsBus(options(nats.url, { partitions: P }));
    buses.push(bus);
    await bus.init();
    nc = await connect({ servers: nats.url });
    const ids = ['cust-00001', 'cust-00042', 'abc', 'x'.repeat(80), 'kund-åäö', 'C-1234567'];
    for (const id of ids) nc.publish(`cx.ingest.chat.${id}`, new TextEncoder().encode(id));
    await nc.flush();
    const jsm = await jetstreamManager(nc);
    await waitUntil(async () => (await jsm.streams.info('CX_EVENTS')).state.messages === ids.length, 10_000, () => 'mapped messages stored');
    const subjects: Record<string, string> = {};
    for (let seq = 1; seq <= ids.length; seq++) {
      const m = await jsm.streams.getMessage('CX_EVENTS', { seq });
      subjects[new TextDecoder().decode(m!.data)] = m!.subject;
    }
    expect(subjects).toEqual(Object.fromEntries(ids.map((id) => [id, eventSubject('chat', id, P)])));
    // The ids do not all land in one partition: the comparison is not trivially true.
    expect(new Set(ids.map((id) => partitionOf(id, P))).size).toBeGreaterThan(2);
  });
});
