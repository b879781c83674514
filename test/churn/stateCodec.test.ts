import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, type CustomerStateV1 } from '../../engine/churn/stateCodec.ts';
import { reduceCustomer, replay, type CustomerObservation, type CustomerState } from '../../engine/churn/state.ts';
import { streamFeatures, type StreamFeatures } from '../../engine/churn/streamFeatures.ts';

/** Written by the v1 reducer from `observations`: the stored form engines before the per-day counters left in KV. */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/customer-state-v1.json', import.meta.url), 'utf8')) as {
  observations: CustomerObservation[];
  state: CustomerStateV1;
  features: StreamFeatures;
};
const bytes = (x: unknown): Uint8Array => new TextEncoder().encode(typeof x === 'string' ? x : JSON.stringify(x));

function expectSameFeatures(got: StreamFeatures, want: StreamFeatures): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, v] of Object.entries(want)) expect(got[k as keyof StreamFeatures]).toBeCloseTo(v, 9);
}

describe('stored customer state', () => {
  it('round-trips the current form', () => {
    const s = replay(fixture.observations)!;
    expect(s.v).toBe(2);
    expect(decodeState(encodeState(s))).toEqual(s);
  });

  it('upgrades a v1 state on reading: same features, same remembered events and conversations', () => {
    const v1 = fixture.state;
    expect(v1.v).toBe(1);
    const s = decodeState(bytes(v1))!;
    expect(s.v).toBe(2);
    expectSameFeatures(streamFeatures(s), fixture.features);
    // The v2 reducer on the same events agrees (no event of this history sits on a window's oldest day).
    expectSameFeatures(streamFeatures(replay(fixture.observations)!), fixture.features);
    // Redelivered events v1 had applied are still applied once.
    for (const o of fixture.observations.slice(-20)) expect(reduceCustomer(s, o)).toBe(s);
    // A message in a conversation v1 counted is not a new contact; one in a new conversation is.
    const last = fixture.observations.at(-1) as Extract<CustomerObservation, { kind: 'message' }>;
    const later = { ...last, id: 'after-upgrade-1', tsMs: last.tsMs + 60_000 };
    expect(streamFeatures(reduceCustomer(s, later)).contacts7d).toBe(fixture.features.contacts7d);
    expect(streamFeatures(reduceCustomer(s, { ...later, id: 'after-upgrade-2', conversationId: 'a-new-one' })).contacts7d).toBe(fixture.features.contacts7d! + 1);
    // Written again, it is v2.
    expect(JSON.parse(new TextDecoder().decode(encodeState(s))).v).toBe(2);
  });

  it('reads what it cannot trust as no state (the customer starts afresh)', () => {
    const good = JSON.parse(new TextDecoder().decode(encodeState(replay(fixture.observations)!))) as CustomerState;
    const bad: unknown[] = [
      '{not json', 'null', '[]', { ...good, v: 3 }, { ...good, v: undefined },
      { ...good, asOfMs: 'yesterday' }, { ...good, contacts: { n: 1, p: [5, 1, 4, 1] } }, { ...good, negLong: [1] },
      { ...good, seenBefore: Array.from({ length: 65 }, (_, i) => i) }, { ...good, conversations: [{ h: 1, t: 2, a: 'x' }] },
      { ...fixture.state, contacts: [{ c: 1, t: 2 }] }, { ...fixture.state, open: 'none' },
    ];
    for (const b of bad) expect(decodeState(bytes(b))).toBeUndefined();
    expect(decodeState(undefined)).toBeUndefined();
    expect(decodeState(new Uint8Array())).toBeUndefined();
  });
});
