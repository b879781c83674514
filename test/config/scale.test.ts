import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, scaleOf } from '../../engine/config/index.ts';

describe('CXPULSE_PARTITIONS, CXPULSE_INSTANCES, CXPULSE_INSTANCE', () => {
  it('defaults to one instance owning the one partition (today\'s behaviour)', () => {
    expect(scaleOf(loadConfig({}))).toEqual({ partitions: 1, instances: 1, instance: 0, owned: [0] });
  });

  it('gives instance i the partitions k with k mod N = i, from an index or a StatefulSet pod name', () => {
    expect(scaleOf(loadConfig({ CXPULSE_PARTITIONS: '12', CXPULSE_INSTANCES: '3', CXPULSE_INSTANCE: '1' })).owned).toEqual([1, 4, 7, 10]);
    expect(scaleOf(loadConfig({ CXPULSE_PARTITIONS: '12', CXPULSE_INSTANCES: '3', CXPULSE_INSTANCE: 'cxpulse-2' }))).toEqual({ partitions: 12, instances: 3, instance: 2, owned: [2, 5, 8, 11] });
    expect(scaleOf(loadConfig({ CXPULSE_PARTITIONS: '5', CXPULSE_INSTANCES: '2', CXPULSE_INSTANCE: 'my-release-cxpulse-0' })).owned).toEqual([0, 2, 4]);
  });

  it('every partition has exactly one owner', () => {
    for (const [p, n] of [[12, 3], [7, 3], [10, 10], [64, 5]] as const) {
      const all = Array.from({ length: n }, (_, i) => scaleOf(loadConfig({ CXPULSE_PARTITIONS: String(p), CXPULSE_INSTANCES: String(n), CXPULSE_INSTANCE: String(i) })).owned).flat();
      expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: p }, (_, k) => k));
    }
  });

  it('refuses settings that cannot work, naming the setting', () => {
    expect(() => loadConfig({ CXPULSE_PARTITIONS: '12', CXPULSE_INSTANCES: '3', CXPULSE_INSTANCE: '3' })).toThrow(ConfigError);
    expect(() => loadConfig({ CXPULSE_PARTITIONS: '12', CXPULSE_INSTANCES: '3', CXPULSE_INSTANCE: 'cxpulse-3' })).toThrow(/CXPULSE_INSTANCE="cxpulse-3" is instance 3, but CXPULSE_INSTANCES=3 allows 0..2/);
    expect(() => loadConfig({ CXPULSE_PARTITIONS: '2', CXPULSE_INSTANCES: '3' })).toThrow(/CXPULSE_PARTITIONS=2 is below CXPULSE_INSTANCES=3/);
    expect(() => loadConfig({ CXPULSE_INSTANCE: 'cxpulse' })).toThrow(/CXPULSE_INSTANCE/);
    expect(() => loadConfig({ CXPULSE_PARTITIONS: '0' })).toThrow(/CXPULSE_PARTITIONS/);
    expect(() => loadConfig({ CXPULSE_INSTANCES: 'three' })).toThrow(/CXPULSE_INSTANCES/);
  });
});
