/**
 * The negative-share alert across instances (engine/cues/alerting.ts ShareMode): the same rows
 * split over three instances, two reporting their counts and one aggregating them, give the
 * alert states one instance gives, and only the aggregating instance raises them.
 */
import { describe, expect, it } from 'vitest';
import { createAlerting, decodeShareCounts, encodeShareCounts, loadCueRules, type Alert, type Alerting, type ShareCount } from '../../engine/cues/index.ts';
import type { ScoredEvent } from '../../engine/event/index.ts';
import { turn } from './fixtures.ts';

const MIN = 60_000;
const START = Math.floor(1795510800000 / MIN) * MIN;
const at = (minute: number) => START + minute * MIN + 30_000;
const rules = () => {
  const r = loadCueRules().alerts;
  // Only the negative share here: the waiting alert would differ by instance by design (it is per conversation).
  return { ...r, waiting_too_long: { ...r.waiting_too_long, enabled: false } };
};

/** Minute by minute: a 60-minute baseline at 10 % negative, then 10 minutes at 50 %, then calm again. */
function minutes(): ScoredEvent[][] {
  const out: ScoredEvent[][] = [];
  for (let m = 0; m < 85; m++) {
    const share = m >= 60 && m < 70 ? 0.5 : 0.1;
    out.push(Array.from({ length: 10 }, (_, i) => turn(`chat-${m}-${i}`, i < Math.round(10 * share) ? -0.8 : 0.5, { channel: 'chat', receivedAtMs: at(m), customerId: `c-${(m * 7 + i) % 13}` })));
  }
  return out;
}

describe('negative-share alert over several instances', () => {
  it('two reporters and one aggregator raise exactly the alerts of a single instance', () => {
    const single = createAlerting(rules());
    const aggregator = createAlerting(rules(), { role: 'aggregate' });
    // Through the wire format, as the engine sends them on NATS.
    const wire: Uint8Array[] = [];
    const reporters: Alerting[] = [1, 2].map((i) => createAlerting(rules(), { role: 'report', send: (c: ShareCount[]) => void wire.push(encodeShareCounts(i, c)) }));
    const instances = [aggregator, ...reporters];
    const one: Alert[] = [];
    const three: Alert[] = [];
    for (const [m, rows] of minutes().entries()) {
      for (const r of rows) single.observe(r);
      one.push(...single.evaluate(at(m)));
      // Each row goes to the instance that owns its customer.
      for (const r of rows) instances[Number(r.customerId.slice(2)) % 3]!.observe(r);
      for (const x of reporters) expect(x.evaluate(at(m))).toEqual([]);
      for (const msg of wire.splice(0)) aggregator.addShareCounts(decodeShareCounts(msg)!.counts);
      three.push(...aggregator.evaluate(at(m)));
    }
    expect(one.map((a) => a.status)).toEqual(expect.arrayContaining(['open', 'resolved']));
    expect(one.filter((a) => a.status === 'open')).toHaveLength(1);
    expect(three).toEqual(one);
    expect(aggregator.shareCounted).toBe(85 * 10);
    expect(reporters[0]!.shareCounted + reporters[1]!.shareCounted).toBeGreaterThan(0);
    expect(reporters.every((x) => x.open().length === 0)).toBe(true);
  });

  it('ignores malformed count messages instead of trusting them', () => {
    const enc = new TextEncoder();
    for (const bad of ['not json', '{"from":1}', '{"from":1,"counts":[{"channel":"chat","minute":1,"n":1,"neg":2}]}', '{"from":1,"counts":[{"channel":"chat","minute":-1,"n":1,"neg":0}]}']) {
      expect(decodeShareCounts(enc.encode(bad))).toBeUndefined();
    }
    expect(decodeShareCounts(encodeShareCounts(2, [{ channel: 'chat', minute: 5, n: 3, neg: 1 }]))).toEqual({ from: 2, counts: [{ channel: 'chat', minute: 5, n: 3, neg: 1 }] });
  });

  it('counts read back from the store at start are taken where the alert is decided, not by a reporting instance', () => {
    const counts = [{ channel: 'chat', minute: 1, n: 40, neg: 4 }, { channel: 'email', minute: 2, n: 7, neg: 0 }];
    const local = createAlerting(rules());
    expect(local.restoreShareCounts(counts)).toBe(47);
    expect(local.shareCounted).toBe(47);
    const aggregator = createAlerting(rules(), { role: 'aggregate' }, 0);
    expect(aggregator.restoreShareCounts(counts)).toBe(47);
    const reporter = createAlerting(rules(), { role: 'report', send: () => undefined }, 1);
    expect(reporter.restoreShareCounts(counts)).toBe(0);
    expect(reporter.shareCounted).toBe(0);
    const off = createAlerting({ ...rules(), enabled: false });
    expect(off.restoreShareCounts(counts)).toBe(0);
  });

  it('a local or reporting instance ignores counts sent to the aggregator', () => {
    const local = createAlerting(rules());
    local.addShareCounts([{ channel: 'chat', minute: 1, n: 100, neg: 90 }]);
    expect(local.shareCounted).toBe(0);
  });
});
