import { describe, expect, it } from 'vitest';
import { DEFAULT_TREND_OPTIONS, trendTest, twoProportionZ } from '../../engine/report/trend.ts';
import { sparkline } from '../../engine/report/svg.ts';

describe('trend detector (two-proportion z-test)', () => {
  it('matches a hand computation', () => {
    // p1 = .4 (n 140), p0 = .1 (n 560): pooled .16, se = sqrt(.16*.84*(1/140+1/560)) = .03464
    expect(twoProportionZ(56, 140, 56, 560)).toBeCloseTo(0.3 / 0.034641, 2);
  });

  it('fires on a spike with volume', () => {
    expect(trendTest(56, 140, 56, 560)).toMatchObject({ warn: true, reason: '' });
  });

  it('does not fire on flat data', () => {
    const t = trendTest(14, 140, 56, 560);
    expect(t.warn).toBe(false);
    expect(t.z).toBeCloseTo(0);
  });

  it('does not fire on low volume, however high the share', () => {
    expect(trendTest(9, 10, 10, 100)).toMatchObject({ warn: false, reason: `volume below ${DEFAULT_TREND_OPTIONS.minVolume}` });
  });

  it('does not fire on a significant but tiny lift', () => {
    // 100k messages a side: 10.5% vs 10% is z ~ 3.7 but only half a point.
    const t = trendTest(10_500, 100_000, 10_000, 100_000);
    expect(t.z).toBeGreaterThan(3);
    expect(t.warn).toBe(false);
    expect(t.reason).toMatch(/lift/);
  });

  it('does not fire when the share falls, nor when it is undefined', () => {
    expect(trendTest(0, 100, 50, 400).warn).toBe(false);
    expect(trendTest(0, 100, 0, 400)).toMatchObject({ z: null, warn: false });
    expect(twoProportionZ(1, 0, 1, 10)).toBeNull();
  });

  it('draws a text sparkline', () => {
    expect(sparkline([0, 1, 2])).toBe('▁▅█');
    expect(sparkline([3, 3])).toBe('▁▁');
  });
});
