import { describe, expect, it } from 'vitest';
import { connect, scored, SECRET, startFeedApp, token, until } from '../feed/helpers.ts';

describe('feed routing of cues and alerts', () => {
  it('a cue reaches the conversation’s agent and supervisors; an alert reaches supervisors only', async () => {
    const f = await startFeedApp({ secret: SECRET });
    try {
      const a7 = await connect(f.wsUrl, { header: await token({ role: 'agent', sub: 'agent-7' }) });
      const a8 = await connect(f.wsUrl, { header: await token({ role: 'agent', sub: 'agent-8' }) });
      const sup = await connect(f.wsUrl, { header: await token({ role: 'supervisor' }) });
      // The hub learns c-1 -> agent-7 from an agent turn; the cue itself names no agent.
      f.hub.broadcast([scored('a-1', 'c-1', { author: 'agent', agentId: 'agent-7' })]);
      f.hub.broadcastCue('c-1', undefined, { kind: 'negative_spike' });
      f.hub.broadcastCue('c-2', 'agent-8', { kind: 'escalation_advised' });
      f.hub.broadcastAlert({ alertId: 'neg-chat-1', status: 'open' });
      const types = (c: typeof a7) => c.messages.filter((m) => m.type === 'cue' || m.type === 'alert');
      await until(() => types(sup).length === 3 && types(a7).length === 1 && types(a8).length === 1, 5000, () => 'cues and alerts delivered');
      expect(types(a7)).toEqual([{ type: 'cue', conversationId: 'c-1', cue: { kind: 'negative_spike' } }]);
      expect(types(a8)).toEqual([{ type: 'cue', conversationId: 'c-2', cue: { kind: 'escalation_advised' } }]);
      expect(types(sup).map((m) => m.type)).toEqual(['cue', 'cue', 'alert']);
      // Nothing else is on its way to the agents (the supervisor got the alert last, after theirs were queued).
      await new Promise((r) => setTimeout(r, 100));
      expect(types(a7)).toHaveLength(1);
      expect(types(a8)).toHaveLength(1);
      for (const c of [a7, a8, sup]) c.ws.close();
    } finally {
      await f.close();
    }
  });
});
