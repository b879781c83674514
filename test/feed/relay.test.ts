import { describe, expect, it } from 'vitest';
import { decodeRelayMessage, encodeScores, relayFeed, type RelayTransport } from '../../engine/feed/relay.ts';
import { createFeedHub } from '../../engine/feed/hub.ts';
import { scored } from './helpers.ts';

const enc = new TextEncoder();

/** Core NATS in one process: every subscriber of a matching subject gets each message, the sender included. */
function loopback(): RelayTransport & { sent: string[] } {
  const subs: ((d: Uint8Array) => void)[] = [];
  const sent: string[] = [];
  return {
    sent,
    publish: async (subject, data) => {
      sent.push(subject);
      for (const s of subs) s(data);
    },
    subscribe: (_subject, on) => {
      subs.push(on);
      return () => void subs.splice(subs.indexOf(on), 1);
    },
  };
}

describe('feed relay messages', () => {
  it('splits a broadcast into messages under the chunk size, each event once, in order', () => {
    const events = Array.from({ length: 50 }, (_, i) => scored(`e${i}`, `c${i % 5}`));
    const chunks = encodeScores(2, events, 4000);
    expect(chunks.length).toBeGreaterThan(1);
    const back = chunks.map((c) => decodeRelayMessage(c));
    for (const m of back) {
      expect(typeof m).toBe('object');
      if (typeof m !== 'object' || m.type !== 'scores') throw new Error('expected scores');
      expect(m.from).toBe(2);
    }
    expect(back.flatMap((m) => (typeof m === 'object' && m.type === 'scores' ? m.events.map((e) => e.id) : []))).toEqual(events.map((e) => e.id));
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeLessThanOrEqual(4000 + 200);
  });

  it('refuses malformed messages with the reason', () => {
    expect(decodeRelayMessage(enc.encode('{'))).toBe('not JSON');
    expect(decodeRelayMessage(enc.encode('{"type":"alert","alert":{}}'))).toBe('no sending instance');
    expect(decodeRelayMessage(enc.encode('{"from":1,"type":"scores","events":[{"id":"x"}]}'))).toBe('scores without valid events');
    expect(decodeRelayMessage(enc.encode('{"from":1,"type":"cue","conversationId":"c"}'))).toBe('cue without conversation or body');
    expect(decodeRelayMessage(enc.encode('{"from":1,"type":"nope"}'))).toBe('unknown type "nope"');
    expect(decodeRelayMessage(enc.encode('{"from":1,"type":"alert","alert":{"alertId":"a"}}'))).toEqual({ from: 1, type: 'alert', alert: { alertId: 'a' } });
  });

  it('hands another instance\'s messages to the local hub only, and skips its own', () => {
    const bus = loopback();
    const hubA = createFeedHub();
    const hubB = createFeedHub();
    const malformed: string[] = [];
    const a = relayFeed(hubA, { instance: 0, transport: bus, onMalformed: (w) => malformed.push(w) });
    relayFeed(hubB, { instance: 1, transport: bus });
    a.broadcast([scored('e1', 'c1', { customerId: 'cust-1' }), scored('e2', 'c1', { customerId: 'cust-1' })]);
    // B's snapshot now holds A's events (and the relay published once, on A's subject); A holds them once, not twice.
    expect(bus.sent).toEqual(['cx.internal.feed.0']);
    const target = { ids: ['cust-1'], matches: (id: string) => id === 'cust-1' };
    expect(hubB.forgetCustomer(target)[0]).toMatchObject({ removed: 2 });
    expect(hubA.forgetCustomer(target)[0]).toMatchObject({ removed: 2 });
    void bus.publish('cx.internal.feed.9', enc.encode('not json'));
    expect(malformed).toEqual(['not JSON']);
  });
});
