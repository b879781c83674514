import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import { createCustomerTracker, createStateStore, kvKey, openKvBackend, replay, streamFeatures, type CustomerObservation, type CustomerStateStore } from '../../engine/churn/index.ts';

const T0 = Date.UTC(2026, 5, 1);
const obs = (id: string, conv: string, tsMs: number, negative = false): CustomerObservation => ({ kind: 'message', id, conversationId: conv, author: 'customer', tsMs, negative, escalated: false });
const BUCKET = 'test-customers';

let nats: NatsServerHandle;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats?.dispose();
});

/** An engine-side store as the runtime builds it: its own connection, its own bucket handle. */
async function openStore(flushMs = 60_000): Promise<CustomerStateStore> {
  const nc = await connect({ servers: nats.url });
  return createStateStore(await openKvBackend(nc, BUCKET), { flushMs, loadTimeoutMs: 300 });
}

async function rawKvValue(customerId: string): Promise<Uint8Array | undefined> {
  const nc = await connect({ servers: nats.url });
  try {
    const e = await (await new Kvm(nc).open(BUCKET)).get(kvKey(customerId));
    return e?.operation === 'PUT' ? e.value : undefined;
  } finally {
    await nc.close();
  }
}

describe('customer state store on NATS JetStream KV', () => {
  it('writes behind: nothing reaches the bucket before the flush, everything after it', async () => {
    const store = await openStore();
    const state = replay([obs('e1', 'c1', T0, true)])!;
    store.set('cust-wb', state);
    expect(store.dirty()).toBe(1);
    expect(await rawKvValue('cust-wb')).toBeUndefined();
    await store.flush();
    expect(store.dirty()).toBe(0);
    expect(JSON.parse(new TextDecoder().decode(await rawKvValue('cust-wb')))).toEqual(state);
    await store.close();
  });

  it('flushes on its own after flushMs', async () => {
    const store = await openStore(20);
    store.set('cust-timer', replay([obs('e1', 'c1', T0)])!);
    for (let i = 0; i < 200 && (await rawKvValue('cust-timer')) === undefined; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await rawKvValue('cust-timer')).toBeDefined();
    await store.close();
  });

  it('gets every state back after the store is closed and reopened, and after NATS itself restarts', async () => {
    const ids = ['cust-1', 'kund:åsa@example.se', 'a/b c.d*>'];
    const first = await openStore();
    const tracker = createCustomerTracker(first);
    await tracker.apply(ids.flatMap((id, i) => [{ customerId: id, observation: obs(`${id}-1`, 'c1', T0 + i) }, { customerId: id, observation: obs(`${id}-2`, 'c2', T0 + 1000 + i, true) }]));
    const expected = ids.map((id) => first.get(id));
    await first.close(); // the engine stops: close flushes what is pending

    const second = await openStore();
    await second.load(ids);
    expect(ids.map((id) => second.get(id))).toEqual(expected);
    expect(streamFeatures(second.get('cust-1')!).contacts7d).toBe(2);
    await second.close();

    await nats.stop();
    await nats.restart();
    const third = await openStore();
    await third.load(ids);
    expect(ids.map((id) => third.get(id))).toEqual(expected);
    // The restored state keeps deduplicating: a redelivered event is not counted twice.
    const again = await createCustomerTracker(third).apply([{ customerId: 'cust-1', observation: obs('cust-1-2', 'c2', T0 + 1000, true) }]);
    expect(again[0]).toEqual(expected[0]);
    await third.close();
  });

  it('reads a state an older engine stored (v1) as the current form, and writes that form back', async () => {
    const fixture = JSON.parse(readFileSync(new URL('./fixtures/customer-state-v1.json', import.meta.url), 'utf8')) as { state: { v: number }; features: Record<string, number> };
    const nc = await connect({ servers: nats.url });
    await (await new Kvm(nc).create(BUCKET)).put(kvKey('cust-v1'), new TextEncoder().encode(JSON.stringify(fixture.state)));
    await nc.close();
    const store = await openStore();
    await store.load(['cust-v1']);
    const s = store.get('cust-v1')!;
    expect(s.v).toBe(2);
    expect(streamFeatures(s).contacts90d).toBe(fixture.features['contacts90d']);
    store.set('cust-v1', s);
    await store.flush();
    expect(JSON.parse(new TextDecoder().decode(await rawKvValue('cust-v1'))).v).toBe(2);
    await store.close();
  });

  it('treats an unreadable stored value as no state instead of failing', async () => {
    const nc = await connect({ servers: nats.url });
    const kv = await new Kvm(nc).create(BUCKET);
    await kv.put(kvKey('cust-bad'), new TextEncoder().encode('{not json'));
    await nc.close();
    const store = await openStore();
    await expect(store.load(['cust-bad'])).resolves.toBeUndefined();
    expect(store.get('cust-bad')).toBeUndefined();
    await store.close();
  });

  it('fails a read while NATS is down instead of stalling, and recovers when it is back', async () => {
    const store = await openStore();
    store.set('cust-outage', replay([obs('e1', 'c1', T0)])!);
    await store.flush();
    await nats.stop();
    try {
      await expect(store.load(['cust-never-seen'])).rejects.toThrow(/customer state store \(nats kv test-customers\) did not answer/);
      expect(store.get('cust-outage')).toBeDefined(); // cached states stay usable
    } finally {
      await nats.restart();
    }
    const after = await openStore();
    await after.load(['cust-outage']);
    expect(streamFeatures(after.get('cust-outage')!).contacts7d).toBe(1);
    await after.close();
    await store.close().catch(() => undefined);
  });

  it('erases a customer from the cache and the bucket, leaving no delete marker that names the key', async () => {
    const store = await openStore();
    store.set('cust-erase', replay([obs('e1', 'c1', T0)])!);
    store.set('cust-stays', replay([obs('e2', 'c2', T0)])!);
    await store.flush();
    await store.delete('cust-erase');
    expect(store.get('cust-erase')).toBeUndefined();
    expect(await rawKvValue('cust-erase')).toBeUndefined();
    expect(await rawKvValue('cust-stays')).toBeDefined();
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const subject = `$KV.${BUCKET}.${kvKey('cust-erase')}`;
      const info = await jsm.streams.info(`KV_${BUCKET}`, { subjects_filter: subject });
      expect(info.state.subjects?.[subject] ?? 0).toBe(0);
    } finally {
      await nc.close();
    }
    await store.close();
  });
});

describe('in-memory customer state store (in-process bus)', () => {
  it('keeps states in memory, never dirty, and forgets the least recently used beyond capacity', async () => {
    const store = createStateStore(undefined, { cacheSize: 2 });
    for (const id of ['a', 'b', 'c']) store.set(id, replay([obs(`${id}1`, 'c', T0)])!);
    expect(store.dirty()).toBe(0);
    expect(store.get('a')).toBeUndefined();
    expect(streamFeatures(store.get('c')!).contacts7d).toBe(1);
    await store.load(['a']);
    await store.close();
  });
});
