import { describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../../engine/feed/index.ts';
import { createRecall } from '../../engine/feed/index.ts';
import { connect, scored, SECRET, startFeedApp, token, until } from './helpers.ts';

const snapshotOf = async (c: Awaited<ReturnType<typeof connect>>): Promise<SnapshotMessage> => {
  await until(() => c.messages.length >= 2, 5000, () => 'hello and snapshot');
  const s = c.messages[1];
  if (s?.type !== 'snapshot') throw new Error(`second message is ${s?.type}`);
  return s;
};

describe('snapshot on connect: recent cues and open alerts', () => {
  it('gives an agent the cues of its own conversations only and no alerts; a supervisor gets all cues and the open alerts', async () => {
    const f = await startFeedApp({ secret: SECRET });
    try {
      f.hub.broadcast([scored('a-1', 'c-1', { author: 'agent', agentId: 'agent-7' }), scored('a-2', 'c-2', { author: 'agent', agentId: 'agent-8' })]);
      f.hub.broadcastCue('c-1', undefined, { kind: 'negative_spike', n: 1 });
      f.hub.broadcastCue('c-2', undefined, { kind: 'urgency_high', n: 2 });
      f.hub.broadcastCue('c-1', 'agent-7', { kind: 'suggested_reply', n: 3 });
      f.hub.broadcastAlert({ alertId: 'neg-chat-1', kind: 'negative_share', status: 'open', share: 0.4 });
      f.hub.broadcastAlert({ alertId: 'wait-c-9-1', kind: 'waiting_too_long', status: 'open' });
      f.hub.broadcastAlert({ alertId: 'neg-chat-1', kind: 'negative_share', status: 'update', share: 0.5 });
      f.hub.broadcastAlert({ alertId: 'wait-c-9-1', kind: 'waiting_too_long', status: 'resolved' });

      const agent = await connect(f.wsUrl, { header: await token({ role: 'agent', sub: 'agent-7' }) });
      const a = await snapshotOf(agent);
      expect(a.cues).toEqual([
        { conversationId: 'c-1', cue: { kind: 'negative_spike', n: 1 } },
        { conversationId: 'c-1', cue: { kind: 'suggested_reply', n: 3 } },
      ]);
      expect(a.alerts).toEqual([]);

      const sup = await connect(f.wsUrl, { header: await token({ role: 'supervisor' }) });
      const s = await snapshotOf(sup);
      expect(s.cues.map((c) => c.cue.n)).toEqual([2, 1, 3]); // c-2 was advised less recently than c-1
      expect(s.alerts).toEqual([{ alertId: 'neg-chat-1', kind: 'negative_share', status: 'update', share: 0.5 }]);
      expect(s.events.map((e) => e.id)).toEqual(['a-1', 'a-2']);
      agent.ws.close();
      sup.ws.close();
    } finally {
      await f.close();
    }
  });

  it('the open feed (no secret) sees cues and alerts like a supervisor', async () => {
    const f = await startFeedApp();
    try {
      f.hub.broadcastCue('c-5', undefined, { kind: 'churn_risk' });
      f.hub.broadcastAlert({ alertId: 'dlq-1', kind: 'dlq_spike', status: 'open' });
      const s = await snapshotOf(await connect(f.wsUrl));
      expect(s.cues).toEqual([{ conversationId: 'c-5', cue: { kind: 'churn_risk' } }]);
      expect(s.alerts).toEqual([{ alertId: 'dlq-1', kind: 'dlq_spike', status: 'open' }]);
    } finally {
      await f.close();
    }
  });

  it('is bounded: the last N cues per conversation, the most recently advised conversations, a cap on open alerts', () => {
    const r = createRecall({ cuesPerConversation: 2, cueConversations: 2, maxOpenAlerts: 2 });
    for (let i = 0; i < 5; i++) r.cue('c-1', undefined, { i });
    r.cue('c-2', undefined, { i: 'x' });
    r.cue('c-3', undefined, { i: 'y' });
    const all = r.cuesFor({ role: 'supervisor' }, () => undefined);
    expect(all).toEqual([
      { conversationId: 'c-2', cue: { i: 'x' } },
      { conversationId: 'c-3', cue: { i: 'y' } },
    ]);
    r.cue('c-2', undefined, { i: 'z' });
    r.cue('c-2', undefined, { i: 'w' });
    expect(r.cuesFor({ role: 'supervisor' }, () => undefined).filter((c) => c.conversationId === 'c-2').map((c) => c.cue.i)).toEqual(['z', 'w']);
    for (const id of ['a', 'b', 'c']) r.alert({ alertId: id, status: 'open' });
    expect(r.alertsFor({ role: 'admin' }).map((a) => a.alertId)).toEqual(['b', 'c']);
    r.alert({ status: 'open' }); // no id: ignored, never crashes
    expect(r.alertsFor({ role: 'admin' })).toHaveLength(2);
    const none = createRecall({ cuesPerConversation: 0, cueConversations: 10, maxOpenAlerts: 10 });
    none.cue('c-1', undefined, { i: 1 });
    expect(none.cuesFor({ role: 'open' }, () => undefined)).toEqual([]);
  });

  it('follows a reassignment: the new agent sees the conversation’s earlier cues', () => {
    const r = createRecall();
    r.cue('c-1', 'agent-1', { k: 1 });
    expect(r.cuesFor({ role: 'agent', sub: 'agent-2' }, () => 'agent-2')).toEqual([{ conversationId: 'c-1', cue: { k: 1 } }]);
    expect(r.cuesFor({ role: 'agent', sub: 'agent-1' }, () => 'agent-2')).toEqual([]);
  });
});
