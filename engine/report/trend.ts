/**
 * Weekly trend warnings: is a segment's negative share this week well above its own recent
 * baseline? Method: one-sided two-proportion z-test of this week's negative share p1 = x1/n1
 * against the pooled previous four weeks p0 = x0/n0, with the pooled standard error
 * sqrt(p(1-p)(1/n1 + 1/n0)), p = (x1+x0)/(n1+n0). A warning needs all of:
 * - enough volume to mean anything (n1 >= minVolume and n0 >= minVolume),
 * - z >= minZ (3.0: about 1 in 740 by chance per segment under a stable share, so a report
 *   over ~10 segments rarely cries wolf),
 * - a lift of at least minLift in absolute share (0.05): with big volumes a tiny, real but
 *   irrelevant drift is otherwise "significant".
 */

export interface TrendOptions {
  minVolume: number;
  minZ: number;
  minLift: number;
}

export const DEFAULT_TREND_OPTIONS: TrendOptions = { minVolume: 30, minZ: 3, minLift: 0.05 };

export interface TrendTest {
  /** Negative share this week and in the baseline (0 when there were no messages). */
  share: number;
  baselineShare: number;
  /** null when the test is undefined (no messages on a side, or p is 0 or 1). */
  z: number | null;
  warn: boolean;
  /** Why it did not warn, for the report ("low volume", ...); '' when it warns. */
  reason: string;
}

export function twoProportionZ(x1: number, n1: number, x0: number, n0: number): number | null {
  if (n1 <= 0 || n0 <= 0) return null;
  const p = (x1 + x0) / (n1 + n0);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n0));
  if (!(se > 0)) return null;
  return (x1 / n1 - x0 / n0) / se;
}

export function trendTest(x1: number, n1: number, x0: number, n0: number, o: TrendOptions = DEFAULT_TREND_OPTIONS): TrendTest {
  const share = n1 > 0 ? x1 / n1 : 0;
  const baselineShare = n0 > 0 ? x0 / n0 : 0;
  const z = twoProportionZ(x1, n1, x0, n0);
  let reason = '';
  if (n1 < o.minVolume || n0 < o.minVolume) reason = `volume below ${o.minVolume}`;
  else if (z === null || z < o.minZ) reason = `z below ${o.minZ}`;
  else if (share - baselineShare < o.minLift) reason = `lift below ${Math.round(o.minLift * 100)} points`;
  return { share, baselineShare, z, warn: reason === '', reason };
}
