/**
 * Scale-out memory (issue 13), CXPULSE_INSTANCES=3 on a private nats-server:
 * - the feed: a client on any instance sees the scored events every instance scored, exactly once
 *   each (core NATS relay, engine/feed/relay.ts); an agent's client still sees only the
 *   conversations assigned to it, wherever they were scored; a client that connects later gets the
 *   other instances' events in its snapshot;
 * - erasure: DELETE /v1/customers/:id on instance 0 of a customer that instance 1 owns clears
 *   instance 1's memory too (engine/runtime/eraseAcross.ts): its next event starts a fresh
 *   conversation and churn state, and no feed snapshot holds its earlier events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../engine/runtime/index.ts';
import { startNatsServer } from '../../engine/devtools/index.ts';
import { partitionOf } from '../../engine/bus/partition.ts';
import type { FileStore } from '../../engine/sinks/file/index.ts';
import { connect, SECRET, token, type TestClient } from '../feed/helpers.ts';
import { waitUntil } from '../helpers/engine.ts';
import { startTestEngine } from '../helpers/engine.ts';

const INSTANCES = 3;
const PARTITIONS = 6;
const ownerOf = (customerId: string) => partitionOf(customerId, PARTITIONS) % INSTANCES;

/** A customer id whose events instance `i` scores. */
function customerOf(i: number, tag: string): string {
  for (let n = 0; ; n++) if (ownerOf(`${tag}-${n}`) === i) return `${tag}-${n}`;
}

let dir: string;
let nats: Awaited<ReturnType<typeof startNatsServer>>;
const engines: Engine[] = [];
const clients: TestClient[] = [];
const feedUrl = (e: Engine) => `${e.url.replace(/^http/, 'ws')}/v1/feed`;
const open = async (e: Engine, role: string, sub: string) => {
  const c = await connect(feedUrl(e), { header: await token({ role, sub }) });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-feed-relay-'));
  nats = await startNatsServer();
  for (let i = 0; i < INSTANCES; i++) {
    engines.push(
      await startTestEngine({
        NATS_URL: nats.url,
        CLICKHOUSE_URL: 'file',
        CXPULSE_DATA_DIR: join(dir, `i${i}`),
        CXPULSE_JWT_SECRET: SECRET,
        // Shared by all instances (README): the erasure announcement is keyed with it.
        CXPULSE_PSEUDONYM_KEY: 'scale-out-memory-test-key-0123456789-abcdef',
        CXPULSE_ACTIONS: 'off',
        // A slow batch on a loaded machine is not redelivered (a redelivery may legitimately resend a live score).
        CXPULSE_ACK_WAIT_MS: '60000',
        CXPULSE_PARTITIONS: String(PARTITIONS),
        CXPULSE_INSTANCES: String(INSTANCES),
        CXPULSE_INSTANCE: `cxpulse-${i}`,
        LOG_LEVEL: 'error',
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.ws.close();
  for (const e of engines) await e.stop();
  await nats?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the feed across three instances', () => {
  it('gives a client on instance 1 every instance\'s scores exactly once, and an agent only its own conversations', async () => {
    const sup = await open(engines[1]!, 'supervisor', 'sup-1');
    const agent = await open(engines[1]!, 'agent', 'agent-7');
    const ts = Date.now();
    const ev = (id: string, customerId: string, conversationId: string, over: Record<string, unknown> = {}) => ({ id, channel: 'chat', conversationId, customerId, author: 'customer', text: 'Where is my refund? I have waited a week.', ts, ...over });
    const events: ReturnType<typeof ev>[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      for (let n = 0; n < 10; n++) events.push(ev(`relay-${i}-${n}`, customerOf(i, `relay-c${n}`), `relay-conv-${i}-${n}`));
    }
    // agent-7's conversation is scored by instance 0, agent-8's by instance 2: both reach instance 1's feed, each to its agent only.
    const mine = customerOf(0, 'agent7-customer');
    const theirs = customerOf(2, 'agent8-customer');
    events.push(
      ev('relay-a7-1', mine, 'relay-conv-a7', { author: 'agent', agentId: 'agent-7', text: 'Hello, Sam here, how can I help?' }),
      ev('relay-a7-2', mine, 'relay-conv-a7', { text: 'My parcel never arrived.' }),
      ev('relay-a8-1', theirs, 'relay-conv-a8', { author: 'agent', agentId: 'agent-8', text: 'Hi, Anna here.' }),
      ev('relay-a8-2', theirs, 'relay-conv-a8', { text: 'The app crashes on login.' }),
    );
    const ingest = `Bearer ${await token({ role: 'ingest', sub: 'gateway' })}`;
    const res = await fetch(`${engines[1]!.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: ingest }, body: JSON.stringify(events) });
    expect(res.status).toBe(202);

    const stored = () => engines.reduce((a, e) => a + (e.store as FileStore).count(), 0);
    await waitUntil(() => stored() >= events.length, 60_000, () => `stored ${stored()} of ${events.length}`);
    // Every instance scored some of them: the feed on instance 1 has to be relayed.
    expect(engines.map((e) => (e.store as FileStore).count() > 0)).toEqual([true, true, true]);
    await waitUntil(() => new Set(sup.scores().map((s) => s.id)).size >= events.length, 30_000, () => `supervisor feed has ${sup.scores().length} of ${events.length}`);
    // A marker per instance, sent after: core NATS keeps each publisher's order, so once the markers are on the
    // feed, anything else those instances relayed for the batch above has arrived too (a duplicate included).
    const markers = [0, 1, 2].map((i) => ev(`relay-marker-${i}`, customerOf(i, 'marker'), `relay-marker-conv-${i}`));
    expect((await fetch(`${engines[0]!.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: ingest }, body: JSON.stringify(markers) })).status).toBe(202);
    await waitUntil(() => markers.every((m) => sup.scores().some((s) => s.id === m.id)), 30_000, () => 'markers on the feed');

    const ids = sup.scores().map((s) => s.id).filter((id) => !id.startsWith('relay-marker-'));
    expect(ids.sort()).toEqual(events.map((e) => e.id).sort());
    // Events scored by instances 0 and 2 are among them.
    expect(events.filter((e) => ownerOf(e.customerId) !== 1).length).toBeGreaterThanOrEqual(20);

    await waitUntil(() => agent.scores().length >= 2, 10_000, () => `agent-7 has ${agent.scores().length} events`);
    expect(agent.scores().map((s) => s.id).sort()).toEqual(['relay-a7-1', 'relay-a7-2']);
    expect(agent.messages.filter((m) => m.type === 'alert' || m.type === 'action')).toEqual([]);

    // A client that connects now, on instance 2, gets instance 0's and 1's events in its snapshot.
    const late = await open(engines[2]!, 'supervisor', 'sup-2');
    await waitUntil(() => late.messages.some((m) => m.type === 'snapshot'), 10_000, () => 'snapshot');
    const snap = late.messages.find((m) => m.type === 'snapshot');
    const snapIds = new Set(snap?.type === 'snapshot' ? snap.events.map((e) => e.id) : []);
    for (const e of [...events, ...markers]) expect(snapIds.has(e.id), e.id).toBe(true);
  }, 120_000);

  it('erases a customer owned by instance 1 through instance 0: instance 1 forgets its conversation and churn state', async () => {
    const sup = await open(engines[1]!, 'supervisor', 'sup-erase');
    const ingest = `Bearer ${await token({ role: 'ingest', sub: 'gateway' })}`;
    const customer = customerOf(1, 'erase-me');
    const conv = 'erase-conv';
    const ts = Date.UTC(2026, 11, 1, 10, 0, 0);
    const first = { channel: 'chat', conversationId: conv, customerId: customer, author: 'customer', text: 'My invoice is wrong again and nobody answers.', ts };
    const post = async (engine: Engine, events: Record<string, unknown>[]) =>
      expect((await fetch(`${engine.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: ingest }, body: JSON.stringify(events) })).status).toBe(202);
    const scoreOf = async (id: string) => {
      await waitUntil(() => sup.scores().some((s) => s.id === id), 30_000, () => `${id} on the feed`);
      return sup.scores().find((s) => s.id === id)!;
    };
    await post(engines[2]!, [{ id: 'erase-1', ...first }]);
    const before = await scoreOf('erase-1');
    expect(before.conversation.turns).toBe(1);
    expect(before.churn).toBeDefined();
    // More history: the conversation and the churn state grow.
    await post(engines[2]!, [2, 3, 4].map((n) => ({ ...first, id: `erase-${n}`, text: 'I want to cancel my contract, this is unacceptable.', ts: ts + n * 1000 })));
    expect((await scoreOf('erase-4')).conversation.turns).toBe(4);

    const admin = `Bearer ${await token({ role: 'admin', sub: 'dpo' })}`;
    const res = await fetch(`${engines[0]!.url}/v1/customers/${encodeURIComponent(customer)}`, { method: 'DELETE', headers: { authorization: admin } });
    expect(res.status).toBe(200);
    // Every instance's feed snapshot forgot the customer's events (instance 1 scored them, the others got them relayed).
    for (const e of engines) {
      const late = await open(e, 'supervisor', 'sup-after-erase');
      await waitUntil(() => late.messages.some((m) => m.type === 'snapshot'), 10_000, () => 'snapshot');
      const snap = late.messages.find((m) => m.type === 'snapshot');
      expect(snap?.type === 'snapshot' ? snap.events.filter((x) => x.conversationId === conv) : ['no snapshot']).toEqual([]);
    }

    // The same first message again: on a fresh conversation and a fresh churn state, it scores as the first one did.
    await post(engines[2]!, [{ id: 'erase-5', ...first }]);
    const after = await scoreOf('erase-5');
    expect(after.conversation.turns).toBe(1);
    expect(after.churn?.probability).toBe(before.churn?.probability);
    expect(after.churn?.band).toBe(before.churn?.band);
  }, 120_000);
});
