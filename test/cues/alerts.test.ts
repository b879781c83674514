import { describe, expect, it } from 'vitest';
import { createAlertDetector, loadCueRules, type AlertDetector } from '../../engine/cues/index.ts';
import { turn } from './fixtures.ts';

const MIN = 60_000;
const START = Math.floor(1795510800000 / MIN) * MIN;
const at = (minute: number) => START + minute * MIN + 30_000;

/** `perMinute` customer messages a minute over [from, to), `negShare` of them negative. */
function traffic(d: AlertDetector, from: number, to: number, perMinute: number, negShare: number, channel: 'chat' | 'email' = 'chat') {
  for (let m = from; m < to; m++) {
    const neg = Math.round(perMinute * negShare);
    for (let i = 0; i < perMinute; i++) d.observe(turn(`${channel}-${m}-${i}`, i < neg ? -0.8 : 0.5, { channel, receivedAtMs: at(m) }));
  }
}
const rules = () => loadCueRules().alerts;

describe('negative-share alert detector', () => {
  it('opens one alert when a channel spikes well above its 60-minute baseline', () => {
    const d = createAlertDetector(rules());
    traffic(d, 0, 60, 10, 0.1); // baseline: 600 messages, 10 % negative
    traffic(d, 60, 65, 10, 0.5); // last 5 minutes: 50 messages, 50 % negative
    traffic(d, 0, 65, 10, 0.1, 'email'); // another channel, flat
    const [a, ...rest] = d.evaluate(at(64));
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ kind: 'negative_share', status: 'open', channel: 'chat', share: 0.5, baselineShare: 0.1, n: 50, baselineN: 600 });
    expect(a?.z).toBeGreaterThan(3);
    expect(a?.alertId).toMatch(/^neg-chat-/);
    expect(a?.text).toMatch(/chat: 50% of customer messages negative in the last 5 min \(baseline 10%/);
  });

  it('stays quiet on flat data, on low volume, and without a baseline', () => {
    const flat = createAlertDetector(rules());
    traffic(flat, 0, 65, 10, 0.2);
    expect(flat.evaluate(at(64))).toEqual([]);

    const low = createAlertDetector(rules());
    traffic(low, 0, 60, 10, 0.1);
    traffic(low, 60, 65, 3, 1); // 15 messages, all negative: below minVolume 20
    expect(low.evaluate(at(64))).toEqual([]);

    const fresh = createAlertDetector(rules());
    traffic(fresh, 60, 65, 20, 0.9); // just started: no baseline yet
    expect(fresh.evaluate(at(64))).toEqual([]);
  });

  it('ignores agent messages and a disabled detector', () => {
    const d = createAlertDetector({ ...rules(), enabled: false });
    traffic(d, 0, 60, 10, 0.1);
    traffic(d, 60, 65, 10, 0.9);
    expect(d.evaluate(at(64))).toEqual([]);
    const agents = createAlertDetector(rules());
    traffic(agents, 0, 60, 10, 0.1);
    for (let i = 0; i < 100; i++) agents.observe(turn(`a-${i}`, -0.9, { author: 'agent', receivedAtMs: at(63) }));
    expect(agents.evaluate(at(64))).toEqual([]);
  });

  it('is one incident: open once, update with the same id when it worsens, resolved when it is over', () => {
    const d = createAlertDetector(rules());
    traffic(d, 0, 60, 10, 0.1);
    traffic(d, 60, 65, 10, 0.5);
    const [open] = d.evaluate(at(64));
    expect(open?.status).toBe('open');
    expect(d.evaluate(at(64) + 10_000)).toEqual([]); // re-tested, same state: no repeat
    expect(d.open()).toEqual([open?.alertId]);

    traffic(d, 65, 66, 30, 0.9); // worse
    const [update, ...more] = d.evaluate(at(65));
    expect(more).toEqual([]);
    expect(update).toMatchObject({ status: 'update', alertId: open?.alertId, openedAtMs: open?.openedAtMs });
    expect(update?.share).toBeGreaterThan(open?.share ?? 1);

    traffic(d, 66, 75, 10, 0.1); // back to normal; the spike leaves the 5-minute window
    const [resolved] = d.evaluate(at(74));
    expect(resolved).toMatchObject({ status: 'resolved', alertId: open?.alertId });
    expect(d.open()).toEqual([]);
    expect(d.evaluate(at(74) + 10_000)).toEqual([]);
  });

  it('resolves when traffic stops (nothing left to judge by)', () => {
    const d = createAlertDetector(rules());
    traffic(d, 0, 60, 10, 0.1);
    traffic(d, 60, 65, 10, 0.6);
    expect(d.evaluate(at(64))[0]?.status).toBe('open');
    expect(d.evaluate(at(80))[0]?.status).toBe('resolved');
  });
});
