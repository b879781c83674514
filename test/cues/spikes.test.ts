import { describe, expect, it } from 'vitest';
import { createSpikeDetector, histQuantile, loadCueRules, type SpikeRules } from '../../engine/cues/index.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 24, 9, 0);
const at = (m: number, s = 0) => T0 + m * MIN + s * 1000;
const rules = (kind: 'dlq_spike' | 'latency_spike', over: Partial<SpikeRules> = {}): SpikeRules => ({ ...loadCueRules().alerts[kind], ...over });

describe('dlq_spike', () => {
  /** `perMin` dead letters in each minute from `from` to `to` (inclusive). */
  const feed = (d: ReturnType<typeof createSpikeDetector>, from: number, to: number, perMin: number) => {
    for (let m = from; m <= to; m++) for (let i = 0; i < perMin; i++) d.observe(1, at(m, i % 60));
  };

  it('opens when dead letters per minute in the last 5 min are well above the 60 min before; one incident; resolves when back', () => {
    const d = createSpikeDetector('dlq_spike', rules('dlq_spike'));
    feed(d, 0, 59, 1); // baseline: 1/min
    expect(d.evaluate(at(59, 59))).toEqual([]);
    feed(d, 60, 64, 5); // 5/min
    const [open, ...rest] = d.evaluate(at(64, 59));
    expect(rest).toEqual([]);
    expect(open).toMatchObject({ kind: 'dlq_spike', status: 'open', value: 5, baseline: 1, unit: 'events/min', n: 25, windowMinutes: 5, baselineMinutes: 60 });
    expect(open?.text).toBe('5 dead-lettered events/min in the last 5 min (baseline 1/min over the 60 min before)');
    expect(d.evaluate(at(64, 59))).toEqual([]);
    feed(d, 65, 65, 20); // window now 40/5 = 8/min: moved by more than 50 %
    expect(d.evaluate(at(65, 59))).toMatchObject([{ status: 'update', alertId: open?.alertId, value: 8 }]);
    // Traffic stops: the timer sees the window empty out.
    expect(d.evaluate(at(75))).toMatchObject([{ status: 'resolved', alertId: open?.alertId }]);
    expect(d.open()).toEqual([]);
  });

  it('names the instance in the alert id when several instances share the stream (their incidents never share an id)', () => {
    const [alone, second] = [createSpikeDetector('dlq_spike', rules('dlq_spike')), createSpikeDetector('dlq_spike', rules('dlq_spike'), 'i2-')];
    for (const d of [alone, second]) {
      feed(d, 0, 59, 1);
      feed(d, 60, 64, 5);
    }
    const [a] = alone.evaluate(at(64, 59));
    const [b] = second.evaluate(at(64, 59));
    expect(a?.alertId).toBe(`dlq-${at(64, 59)}`);
    expect(b?.alertId).toBe(`i2-dlq-${at(64, 59)}`);
  });

  it('does not open on a rate that is its usual one, or on too few dead letters', () => {
    const d = createSpikeDetector('dlq_spike', rules('dlq_spike'));
    feed(d, 0, 64, 3);
    expect(d.evaluate(at(64, 59))).toEqual([]);
    const q = createSpikeDetector('dlq_spike', rules('dlq_spike'));
    feed(q, 60, 64, 1); // 5 in the window, quiet baseline: under minSamples (10)
    expect(q.evaluate(at(64, 59))).toEqual([]);
    feed(q, 64, 64, 5);
    expect(q.evaluate(at(64, 59))).toMatchObject([{ status: 'open', baseline: 0 }]);
  });
});

describe('latency_spike', () => {
  const feed = (d: ReturnType<typeof createSpikeDetector>, from: number, to: number, ms: (i: number) => number, perMin = 20) => {
    for (let m = from; m <= to; m++) for (let i = 0; i < perMin; i++) d.observe(ms(i), at(m, i % 60));
  };

  it('opens when the p95 of the last 5 min is at least twice the baseline p95 and 250 ms above it', () => {
    const d = createSpikeDetector('latency_spike', rules('latency_spike'));
    feed(d, 0, 59, (i) => 40 + i); // p95 about 59 ms
    feed(d, 60, 64, (i) => (i < 18 ? 50 : 900)); // 10 % slow: p95 about 900 ms
    const [open] = d.evaluate(at(64, 59));
    expect(open).toMatchObject({ kind: 'latency_spike', status: 'open', unit: 'ms', n: 100 });
    expect(open?.value).toBeGreaterThan(850);
    expect(open?.value).toBeLessThan(950);
    expect(open?.baseline).toBeGreaterThan(55);
    expect(open?.baseline).toBeLessThan(62);
    feed(d, 65, 69, (i) => 40 + i);
    expect(d.evaluate(at(69, 59))).toMatchObject([{ status: 'resolved', alertId: open?.alertId }]);
  });

  it('does not open on a small absolute rise, a slow tail under the 95th percentile, or without a baseline', () => {
    const small = createSpikeDetector('latency_spike', rules('latency_spike'));
    feed(small, 0, 59, () => 10);
    feed(small, 60, 64, () => 100); // 10x, but only 90 ms more
    expect(small.evaluate(at(64, 59))).toEqual([]);
    const tail = createSpikeDetector('latency_spike', rules('latency_spike'));
    feed(tail, 0, 59, () => 50);
    feed(tail, 60, 64, (i) => (i === 0 ? 5000 : 50)); // 5 % slow: p95 unchanged
    expect(tail.evaluate(at(64, 59))).toEqual([]);
    const fresh = createSpikeDetector('latency_spike', rules('latency_spike'));
    feed(fresh, 60, 64, () => 5000);
    expect(fresh.evaluate(at(64, 59))).toEqual([]);
  });

  it('has no quantile for an empty histogram', () => {
    expect(histQuantile([new Uint32Array(400)], 0.95)).toBeNull();
    expect(histQuantile([], 0.95)).toBeNull();
  });
});
