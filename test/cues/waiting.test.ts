import { describe, expect, it } from 'vitest';
import { createAlerting, createWaitingDetector, loadCueRules, type WaitingRules } from '../../engine/cues/index.ts';
import { T0, turn } from './fixtures.ts';

const MIN = 60_000;
const rules = (over: Partial<WaitingRules> = {}): WaitingRules => ({ ...loadCueRules().alerts.waiting_too_long, ...over });
/** A message received by the engine `min` minutes after T0. */
const msg = (id: string, min: number, over: Parameters<typeof turn>[2] = {}) => turn(id, 0, { receivedAtMs: T0 + min * MIN, tsMs: T0 + min * MIN, ...over });

describe('waiting_too_long', () => {
  it('opens when a customer message has had no agent reply for the channel’s limit, from the first unanswered message', () => {
    const d = createWaitingDetector(rules());
    d.observe(msg('m-1', 0, { agentId: 'agent-7' }));
    d.observe(msg('m-2', 3));
    expect(d.evaluate(T0 + 4.9 * MIN)).toEqual([]);
    const [a, ...rest] = d.evaluate(T0 + 5 * MIN);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ kind: 'waiting_too_long', status: 'open', channel: 'chat', conversationId: 'c-1', customerId: 'cust-1', agentId: 'agent-7', eventId: 'm-1', waitingSinceMs: T0, waitedMinutes: 5, thresholdMinutes: 5, openedAtMs: T0 + 5 * MIN });
    expect(a?.text).toBe('chat c-1 (agent agent-7): customer waiting 5 min for a reply (limit 5 min)');
    expect(d.open()).toEqual([a?.alertId]);
  });

  it('is one incident: an update every updateMinutes, then resolved with the same alertId when an agent replies', () => {
    const d = createWaitingDetector(rules());
    d.observe(msg('m-1', 0));
    const [open] = d.evaluate(T0 + 6 * MIN);
    expect(d.evaluate(T0 + 7 * MIN)).toEqual([]);
    const [upd] = d.evaluate(T0 + 11 * MIN);
    expect(upd).toMatchObject({ status: 'update', alertId: open?.alertId, waitedMinutes: 11, openedAtMs: T0 + 6 * MIN });
    d.observe(msg('a-1', 12, { author: 'agent', agentId: 'agent-1' }));
    const [res] = d.evaluate(T0 + 12.5 * MIN);
    expect(res).toMatchObject({ status: 'resolved', alertId: open?.alertId });
    expect(res?.text).toMatch(/agent replied after 12 min/);
    expect(d.open()).toEqual([]);
    expect(d.evaluate(T0 + 30 * MIN)).toEqual([]);
  });

  it('does not fire when the agent answers in time, on unwatched channels, or for agent and system turns', () => {
    const d = createWaitingDetector(rules());
    d.observe(msg('m-1', 0));
    d.observe(msg('a-1', 2, { author: 'agent' }));
    d.observe(msg('m-2', 0, { conversationId: 'c-call', channel: 'call' }));
    d.observe(msg('s-1', 0, { conversationId: 'c-sys', author: 'system' }));
    d.observe(msg('a-2', 0, { conversationId: 'c-agent', author: 'agent' }));
    expect(d.evaluate(T0 + 60 * MIN)).toEqual([]);
    expect(d.waiting).toBe(0);
  });

  it('uses per-channel limits (e-mail waits longer) and a new wait after a reply is a new incident', () => {
    const d = createWaitingDetector(rules());
    d.observe(msg('e-1', 0, { conversationId: 'c-mail', channel: 'email' }));
    expect(d.evaluate(T0 + 200 * MIN)).toEqual([]);
    expect(d.evaluate(T0 + 240 * MIN).map((a) => a.conversationId)).toEqual(['c-mail']);
    const c = createWaitingDetector(rules());
    c.observe(msg('m-1', 0));
    const [first] = c.evaluate(T0 + 5 * MIN);
    c.observe(msg('a-1', 6, { author: 'agent' }));
    c.observe(msg('m-2', 7));
    const [resolved, again] = c.evaluate(T0 + 12 * MIN);
    expect(resolved?.status).toBe('resolved');
    expect(again).toMatchObject({ status: 'open', eventId: 'm-2' });
    expect(again?.alertId).not.toBe(first?.alertId);
  });

  it('resolves as abandoned after giveUpMinutes, and when forgotten past maxConversations', () => {
    const d = createWaitingDetector(rules({ giveUpMinutes: 30, maxConversations: 2 }));
    d.observe(msg('m-1', 0));
    const [open] = d.evaluate(T0 + 5 * MIN);
    const [gone] = d.evaluate(T0 + 30 * MIN);
    expect(gone).toMatchObject({ status: 'resolved', alertId: open?.alertId });
    expect(gone?.text).toMatch(/no agent reply after 30 min; stopped tracking/);
    d.observe(msg('x-1', 31, { conversationId: 'x' }));
    d.evaluate(T0 + 36 * MIN);
    d.observe(msg('y-1', 37, { conversationId: 'y' }));
    d.observe(msg('z-1', 37, { conversationId: 'z' }));
    expect(d.waiting).toBe(2);
    expect(d.evaluate(T0 + 37 * MIN)).toMatchObject([{ conversationId: 'x', status: 'resolved' }]);
  });

  it('fires from the timer alone once traffic stops (through createAlerting)', () => {
    const a = createAlerting(loadCueRules().alerts);
    a.observe(msg('m-1', 0));
    expect(a.evaluate(T0 + 1 * MIN)).toEqual([]);
    // No further rows: only the timer calls evaluate.
    expect(a.evaluate(T0 + 5 * MIN).map((x) => `${x.kind}:${x.status}`)).toEqual(['waiting_too_long:open']);
    expect(a.open()).toHaveLength(1);
  });

  it('names the agent assigned by an earlier agent turn', () => {
    const d = createWaitingDetector(rules());
    d.observe(msg('a-0', 0, { author: 'agent', agentId: 'agent-3' }));
    d.observe(msg('m-1', 1));
    expect(d.evaluate(T0 + 6 * MIN)).toMatchObject([{ status: 'open', agentId: 'agent-3', eventId: 'm-1' }]);
  });

  it('is off when disabled', () => {
    const d = createWaitingDetector(rules({ enabled: false }));
    d.observe(msg('m-1', 0));
    expect(d.evaluate(T0 + 60 * MIN)).toEqual([]);
  });
});
