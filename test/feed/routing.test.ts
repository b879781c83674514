import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, scored, SECRET, startFeedApp, token, until, type FeedApp } from './helpers.ts';
import type { ScoredEvent } from '../../engine/event/index.ts';

let feed: FeedApp;
beforeAll(async () => {
  feed = await startFeedApp({ secret: SECRET, hub: { snapshotSize: 5 } });
});
afterAll(() => feed.close());

// Two agents, each with one conversation; the customer's turns carry no agentId.
const traffic: ScoredEvent[] = [
  scored('e1', 'conv-a', { author: 'customer' }), // before any assignment: only supervisors see it
  scored('e2', 'conv-a', { author: 'agent', agentId: 'alice' }),
  scored('e3', 'conv-b', { author: 'agent', agentId: 'bob' }),
  scored('e4', 'conv-a', { author: 'customer' }),
  scored('e5', 'conv-b', { author: 'customer' }),
  scored('e6', 'conv-c', { author: 'customer' }),
  scored('e7', 'conv-b', { author: 'customer', text: 'still waiting' }),
];

describe('feed routing', () => {
  it('an agent gets only its own conversations (customer turns included); a supervisor and an admin get all', async () => {
    const alice = await connect(feed.wsUrl, { header: await token({ role: 'agent', sub: 'alice' }) });
    const bob = await connect(feed.wsUrl, { query: await token({ role: 'agent', sub: 'bob' }) });
    const sup = await connect(feed.wsUrl, { header: await token({ role: 'supervisor', sub: 'sup' }) });
    const admin = await connect(feed.wsUrl, { header: await token({ role: 'admin' }) });
    await until(() => feed.hub.clients === 4, 5000, () => `${feed.hub.clients} clients`);

    feed.hub.broadcast(traffic.slice(0, 4));
    feed.hub.broadcast(traffic.slice(4));
    await until(() => sup.scores().length === 7 && admin.scores().length === 7, 5000, () => `supervisor has ${sup.scores().length}`);
    await until(() => alice.scores().length === 2 && bob.scores().length === 3, 5000, () => `alice ${alice.scores().length}, bob ${bob.scores().length}`);

    expect(sup.scores().map((e) => e.id)).toEqual(traffic.map((e) => e.id));
    expect(admin.scores().map((e) => e.id)).toEqual(traffic.map((e) => e.id));
    expect(alice.scores().map((e) => e.id)).toEqual(['e2', 'e4']);
    expect(bob.scores().map((e) => e.id)).toEqual(['e3', 'e5', 'e7']);
    // Nothing else arrives later either.
    feed.hub.broadcast([scored('e8', 'conv-a', { author: 'customer' })]);
    await until(() => sup.scores().length === 8 && alice.scores().length === 3, 5000, () => 'e8');
    expect(bob.scores().every((e) => e.conversationId === 'conv-b')).toBe(true);
    for (const c of [alice, bob, sup, admin]) c.ws.close();
  });

  it('a reassigned conversation follows its new agent', async () => {
    const carol = await connect(feed.wsUrl, { header: await token({ role: 'agent', sub: 'carol' }) });
    const alice = await connect(feed.wsUrl, { header: await token({ role: 'agent', sub: 'alice' }) });
    await until(() => carol.messages.length >= 2 && alice.messages.length >= 2, 5000, () => 'hello');
    const aliceBefore = alice.scores().length;
    feed.hub.broadcast([scored('r1', 'conv-a', { author: 'agent', agentId: 'carol' }), scored('r2', 'conv-a')]);
    await until(() => carol.scores().length === 2, 5000, () => `carol has ${carol.scores().length}`);
    feed.hub.broadcast([scored('r3', 'conv-b', { agentId: 'bob' })]); // a marker alice must not see
    await new Promise((r) => setTimeout(r, 100));
    expect(alice.scores().length).toBe(aliceBefore);
    carol.ws.close();
    alice.ws.close();
  });

  it('sends a snapshot of the last N events on connect, filtered like the live feed', async () => {
    // The ring holds the last 5 events: r1 r2 r3 and e7 e8 before them.
    const sup = await connect(feed.wsUrl, { header: await token({ role: 'supervisor' }) });
    const bob = await connect(feed.wsUrl, { header: await token({ role: 'agent', sub: 'bob' }) });
    const carol = await connect(feed.wsUrl, { header: await token({ role: 'agent', sub: 'carol' }) });
    await until(() => [sup, bob, carol].every((c) => c.messages.length >= 2), 5000, () => 'snapshots');
    const snap = (c: typeof sup) => {
      const m = c.messages[1];
      if (m?.type !== 'snapshot') throw new Error(`second message is ${m?.type}`);
      return m.events.map((e) => e.id);
    };
    expect(snap(sup)).toEqual(['e7', 'e8', 'r1', 'r2', 'r3']);
    expect(snap(bob)).toEqual(['e7', 'r3']);
    expect(snap(carol)).toEqual(['r1', 'r2']);
    // Live events follow the snapshot with no gap and no repeat.
    feed.hub.broadcast([scored('s1', 'conv-b')]);
    await until(() => bob.scores().length === 1, 5000, () => 'live after snapshot');
    expect(bob.scores()[0]?.id).toBe('s1');
    for (const c of [sup, bob, carol]) c.ws.close();
  });
});
