import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createNatsBus, type DeadLetter, type EventBus } from '../../engine/bus/index.ts';
import { createLogger } from '../../engine/observability/index.ts';
import { startNatsServer } from '../../engine/devtools/index.ts';
import { BusUnavailableError, createConnectorPublisher, type ConnectorEvent, type CrmEvent } from '../../engine/connector/index.ts';
import { counter } from './helpers.ts';

const event = (over: Partial<ConnectorEvent> = {}): ConnectorEvent => ({
  id: 'p-1',
  channel: 'chat',
  conversationId: 'c-1',
  customerId: 'cust-1',
  author: 'customer',
  text: 'Where is my parcel?',
  ts: '2026-11-24T09:00:00Z',
  ...over,
});

/** A bus that fails the first `failures` publishes, then behaves like JetStream (dedup by id). */
function flakyBus(failures: number) {
  const seen = new Set<string>();
  const calls: { channel: string; msgId: string; data: string }[] = [];
  const deadLetters: DeadLetter[] = [];
  let left = failures;
  const bus: Pick<EventBus, 'publishEvent' | 'deadLetter'> = {
    async publishEvent(channel, data, msgId) {
      calls.push({ channel, msgId, data: Buffer.from(data).toString('utf8') });
      if (left-- > 0) throw new Error('TIMEOUT');
      const duplicate = seen.has(msgId);
      seen.add(msgId);
      return { duplicate };
    },
    async deadLetter(e) {
      deadLetters.push(e);
    },
  };
  return { bus, calls, deadLetters };
}

/** A virtual clock: sleeping advances time instantly and records the delay. */
function virtualTime() {
  let now = 0;
  const sleeps: number[] = [];
  return { sleeps, hooks: { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)), random: () => 0.5 } };
}

describe('the connector publisher', () => {
  it('publishes a valid event on cx.events.<channel> with the event id as message id', async () => {
    const f = flakyBus(0);
    const registry = new Registry();
    const p = createConnectorPublisher({ connector: 'chat', bus: f.bus, registry });
    expect(await p.publish(event())).toEqual({ status: 'published' });
    expect(await p.publish(event())).toEqual({ status: 'duplicate' });
    expect(f.calls[0]).toMatchObject({ channel: 'chat', msgId: 'p-1' });
    expect(JSON.parse(f.calls[0]!.data)).toEqual(event());
    expect(await counter(registry, 'chat', 'received')).toBe(2);
    expect(await counter(registry, 'chat', 'published')).toBe(1);
    expect(await counter(registry, 'chat', 'duplicate')).toBe(1);
  });

  it('dead-letters an event that breaks the contract, with the reason and the source payload', async () => {
    const f = flakyBus(0);
    const registry = new Registry();
    const p = createConnectorPublisher({ connector: 'calls', bus: f.bus, registry, maxTextBytes: 100 });
    const outcome = await p.publish(event({ text: 'x'.repeat(101) }), { payload: '{"original":true}' });
    expect(outcome).toMatchObject({ status: 'rejected', error: { code: 'CX_ERR_TEXT_TOO_LARGE', field: 'text' } });
    expect(f.calls).toHaveLength(0);
    expect(f.deadLetters).toHaveLength(1);
    expect(f.deadLetters[0]).toMatchObject({ subject: 'cx.connectors.calls', payload: '{"original":true}', deliveryCount: 1, error: { code: 'CX_ERR_TEXT_TOO_LARGE' } });
    expect(await counter(registry, 'calls', 'rejected')).toBe(1);
  });

  it('validates CRM events against the crm contract and publishes them on the crm channel', async () => {
    const f = flakyBus(0);
    const p = createConnectorPublisher({ connector: 'crm', bus: f.bus });
    const crm: CrmEvent = { id: 'crm:x', channel: 'crm', customerId: 'c', type: 'usage_drop', ts: 1795510872000, meta: { dropPct: 40 } };
    expect(await p.publish(crm)).toEqual({ status: 'published' });
    expect(f.calls[0]!.channel).toBe('crm');
    const bad = await p.publish({ ...crm, id: 'crm:y', type: 'refund' as CrmEvent['type'] });
    expect(bad).toMatchObject({ status: 'rejected', error: { code: 'CX_ERR_INVALID_VALUE', field: 'type' } });
  });

  it('retries with exponential backoff while the bus fails, then publishes', async () => {
    const f = flakyBus(3);
    const registry = new Registry();
    const v = virtualTime();
    const p = createConnectorPublisher({ connector: 'chat', bus: f.bus, registry, retryHooks: v.hooks });
    expect(await p.publish(event())).toEqual({ status: 'published' });
    expect(f.calls).toHaveLength(4);
    expect(new Set(f.calls.map((c) => c.msgId))).toEqual(new Set(['p-1']));
    expect(v.sleeps).toEqual([100, 200, 400]);
    expect(await counter(registry, 'chat', 'published')).toBe(1);
    expect((await registry.getSingleMetric('cxpulse_connector_publish_retries_total')!.get()).values[0]!.value).toBe(3);
  });

  it('reports a duplicate after a failed attempt as published: the lost attempt landed after all', async () => {
    const seen = new Set<string>(['p-1']);
    let first = true;
    const bus: Pick<EventBus, 'publishEvent' | 'deadLetter'> = {
      async publishEvent(_c, _d, id) {
        if (first) {
          first = false;
          throw new Error('TIMEOUT');
        }
        return { duplicate: seen.has(id) };
      },
      async deadLetter() {},
    };
    const p = createConnectorPublisher({ connector: 'chat', bus, retryHooks: virtualTime().hooks });
    expect(await p.publish(event())).toEqual({ status: 'published' });
  });

  it('gives up after the retry budget with BusUnavailableError and counts the failure', async () => {
    const f = flakyBus(Number.POSITIVE_INFINITY);
    const registry = new Registry();
    const v = virtualTime();
    const p = createConnectorPublisher({ connector: 'chat', bus: f.bus, registry, retryHooks: v.hooks, retry: { giveUpAfterMs: 2000 } });
    await expect(p.publish(event())).rejects.toBeInstanceOf(BusUnavailableError);
    expect(v.sleeps).toEqual([100, 200, 400, 800]);
    expect(await counter(registry, 'chat', 'failed')).toBe(1);
  });

  it('cuts a DLQ payload over the limit and says so in the message', async () => {
    const f = flakyBus(0);
    const p = createConnectorPublisher({ connector: 'chat', bus: f.bus, maxDlqPayloadBytes: 1000 });
    await p.reject({ code: 'CX_ERR_INVALID_JSON', message: 'body is not valid JSON' }, 'å'.repeat(5000));
    const entry = f.deadLetters[0]!;
    expect(Buffer.byteLength(entry.payload)).toBeLessThanOrEqual(1000);
    expect(entry.error.message).toBe('body is not valid JSON (payload cut to 1000 of 10000 bytes for the DLQ)');
  });

  it('shares its counters between publishers on one registry', async () => {
    const registry = new Registry();
    const a = createConnectorPublisher({ connector: 'chat', bus: flakyBus(0).bus, registry });
    const b = createConnectorPublisher({ connector: 'calls', bus: flakyBus(0).bus, registry });
    await a.publish(event({ id: 'a' }));
    await b.publish(event({ id: 'b', channel: 'call' }));
    b.count('ignored');
    expect(await counter(registry, 'chat', 'published')).toBe(1);
    expect(await counter(registry, 'calls', 'published')).toBe(1);
    expect(await counter(registry, 'calls', 'ignored')).toBe(1);
  });
});

describe('the connector publisher against a real NATS that goes away', () => {
  it('bridges a NATS restart: the event and a dead letter land once the server is back', async () => {
    const nats = await startNatsServer();
    const log = createLogger('silent');
    const bus = await createNatsBus({ servers: [nats.url], stream: 'CX_EVENTS', consumer: 'cxpulse-engine', maxAckPending: 100, log });
    try {
      await bus.init();
      const registry = new Registry();
      const p = createConnectorPublisher({ connector: 'chat', bus, registry, retry: { giveUpAfterMs: 40_000 }, log });
      expect(await p.publish(event({ id: 'before' }))).toEqual({ status: 'published' });

      await nats.stop();
      const published = p.publish(event({ id: 'during-outage' }));
      const rejected = p.reject({ code: 'CX_ERR_INVALID_JSON', message: 'webhook body is not valid JSON' }, '{"broken":');
      // Longer than one publish timeout (5 s), so the first attempt surely fails and is retried.
      await new Promise((r) => setTimeout(r, 6000));
      await nats.restart();
      expect(await published).toEqual({ status: 'published' });
      await rejected;

      expect(await counter(registry, 'chat', 'published')).toBe(2);
      expect(await counter(registry, 'chat', 'rejected')).toBe(1);
      const retries = (await registry.getSingleMetric('cxpulse_connector_publish_retries_total')!.get()).values;
      expect(retries.reduce((n, v) => n + v.value, 0)).toBeGreaterThanOrEqual(2);

      const nc = await connect({ servers: nats.url });
      const jsm = await jetstreamManager(nc);
      expect((await jsm.streams.info('CX_EVENTS')).state.messages).toBe(2);
      const dlq = await jsm.streams.getMessage('CX_DLQ', { seq: 1 });
      expect(dlq!.json<{ payload: string; error: { code: string } }>()).toMatchObject({ payload: '{"broken":', error: { code: 'CX_ERR_INVALID_JSON' } });
      await nc.close();
    } finally {
      await bus.close();
      await nats.dispose();
    }
  }, 60_000);
});
