import { describe, expect, it } from 'vitest';
import { createCueEngine, createWaitingDetector, loadCueRules } from '../../engine/cues/index.ts';
import { createFeedHub } from '../../engine/feed/index.ts';
import type { ErasureTarget } from '../../engine/event/index.ts';
import { T0, only, turn } from './fixtures.ts';

const MIN = 60_000;
const target = (...ids: string[]): ErasureTarget => ({ ids, matches: (c) => ids.includes(c) });
const removed = (places: { removed: number }[]) => places.reduce((n, p) => n + p.removed, 0);

describe('forgetting one customer in memory (erasure)', () => {
  it('the waiting detector drops the customer’s waits without a resolved state naming them, and keeps the others', () => {
    const d = createWaitingDetector(loadCueRules().alerts.waiting_too_long);
    d.observe(turn('x-1', 0, { conversationId: 'c-x', customerId: 'cust-x', receivedAtMs: T0 }));
    d.observe(turn('y-1', 0, { conversationId: 'c-y', customerId: 'cust-y', receivedAtMs: T0 }));
    expect(d.evaluate(T0 + 6 * MIN)).toHaveLength(2);
    expect(removed(d.forgetCustomer(target('cust-x')))).toBe(1);
    expect(d.waiting).toBe(1);
    const later = d.evaluate(T0 + 12 * MIN);
    expect(JSON.stringify(later)).not.toContain('cust-x');
    expect(later.map((a) => a.customerId)).toEqual(['cust-y']);
  });

  it('the cue engine forgets the customer’s conversations and churn cooldown, so their history starts empty', () => {
    const e = createCueEngine(only('escalation_advised'));
    for (const [i, s] of [-0.5, -0.6].entries()) e.observe(turn(`x-${i}`, s, { conversationId: 'c-x', customerId: 'cust-x', tsMs: T0 + i }));
    e.observe(turn('y-0', -0.5, { conversationId: 'c-y', customerId: 'cust-y' }));
    expect(removed(e.forgetCustomer(target('cust-x')))).toBe(1);
    expect(e.conversations).toBe(1);
    // A third negative turn would escalate with the history; after forgetting, it is the first.
    expect(e.observe(turn('x-2', -0.7, { conversationId: 'c-x', customerId: 'cust-x', tsMs: T0 + 2 }))).toEqual([]);
  });

  it('the feed hub drops the customer’s snapshot events, their conversations’ cues and alerts naming them', () => {
    const hub = createFeedHub();
    hub.broadcast([turn('x-1', -0.5, { conversationId: 'c-x', customerId: 'cust-x' }), turn('y-1', 0.5, { conversationId: 'c-y', customerId: 'cust-y' })]);
    hub.broadcastCue('c-x', undefined, { kind: 'negative_spike', conversationId: 'c-x', customerId: 'cust-x' });
    hub.broadcastCue('c-y', undefined, { kind: 'negative_spike', conversationId: 'c-y', customerId: 'cust-y' });
    hub.broadcastAlert({ alertId: 'wait-c-x', kind: 'waiting_too_long', status: 'open', conversationId: 'c-x', customerId: 'cust-x' });
    const places = hub.forgetCustomer(target('cust-x'));
    expect(places).toEqual([
      { place: 'memory', what: 'feed snapshot events', removed: 1 },
      { place: 'memory', what: 'feed snapshot cues and alerts', removed: 2 },
    ]);
    const sent: string[] = [];
    hub.add({ send: (m: string) => void sent.push(m), on: () => undefined, close: () => undefined, bufferedAmount: 0 } as never);
    const snapshot = sent.find((m) => m.includes('"snapshot"'))!;
    expect(snapshot).not.toContain('cust-x');
    expect(snapshot).toContain('cust-y');
  });
});
