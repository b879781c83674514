import type { SpikeRules } from './alertRules.ts';
import type { SpikeAlert } from '../event/index.ts';

/**
 * `dlq_spike` and `latency_spike`: engine health against its own recent past.
 *
 * Method: one-minute buckets of engine time. The window is the last `windowMinutes` (default 5)
 * minutes including the current one; the baseline the `baselineMinutes` (default 60) before it.
 * - dlq_spike: dead-lettered events per minute (window count / windowMinutes) against the same
 *   rate over the baseline. A quiet baseline (zero) makes any `minSamples` dead letters in the
 *   window at `minDelta`/min an incident.
 * - latency_spike: the p95 of engine latency (receive to ack), from a log-spaced histogram per
 *   minute (about 2% resolution), window against baseline; both need `minSamples` latencies.
 * Open when value >= factor × baseline and value - baseline >= minDelta; `update` when the value
 * moved by `updateStep` (relative) since the last message; `resolved` when value < resolveFactor ×
 * baseline (or, for latency, below baseline + minDelta/2), or the window has under minSamples / 2.
 */
export interface SpikeDetector {
  /** A dead letter (value ignored) or a latency in ms, at engine time `nowMs`. */
  observe(value: number, nowMs: number): void;
  evaluate(nowMs: number): SpikeAlert[];
  /** Takes over an incident a previous run left open (read back from the store at start); false when it is not this detector's. */
  adopt(a: SpikeAlert): boolean;
  open(): string[];
}

const MINUTE = 60_000;
/** Histogram: bin i holds latencies in [LAT0 * R^i, LAT0 * R^(i+1)); the last bin is open-ended. */
const LAT0 = 0.5;
const R = 1.04;
const BINS = 400; // up to ~3.3 million ms; more goes to the last bin
const binOf = (ms: number) => Math.min(BINS - 1, Math.max(0, Math.floor(Math.log(Math.max(ms, LAT0) / LAT0) / Math.log(R))));
const binMid = (i: number) => LAT0 * R ** (i + 0.5);

interface Bucket {
  minute: number;
  n: number;
  hist?: Uint32Array;
}

/** The p-quantile of the summed histograms (null when empty). */
export function histQuantile(hists: readonly Uint32Array[], q: number): number | null {
  const sum = new Float64Array(BINS);
  let n = 0;
  for (const h of hists) for (let i = 0; i < BINS; i++) ((sum[i] = (sum[i] ?? 0) + (h[i] ?? 0)), (n += h[i] ?? 0));
  if (n === 0) return null;
  const rank = Math.ceil(q * n);
  let seen = 0;
  for (let i = 0; i < BINS; i++) {
    seen += sum[i] ?? 0;
    if (seen >= rank) return binMid(i);
  }
  return binMid(BINS - 1);
}

/**
 * `idPrefix`: put before the alert ids (`dlq-<ms>`, `lat-<ms>`); with several instances each has
 * its own spikes (its own health), and their alerts meet in every feed and one alerts table, so
 * the instance is named in the id (`i2-dlq-<ms>`) and two instances' incidents never share one.
 */
export function createSpikeDetector(kind: 'dlq_spike' | 'latency_spike', rules: SpikeRules, idPrefix = ''): SpikeDetector {
  const latency = kind === 'latency_spike';
  const span = rules.windowMinutes + rules.baselineMinutes;
  const ring: Bucket[] = Array.from({ length: span + 1 }, () => ({ minute: -1, n: 0 }));
  let incident: { alertId: string; openedAtMs: number; lastValue: number } | undefined;

  const range = (from: number, to: number) => ring.filter((b) => b.minute >= from && b.minute <= to);
  const measure = (buckets: Bucket[], minutes: number) => {
    const n = buckets.reduce((a, b) => a + b.n, 0);
    if (!latency) return { n, value: n / minutes };
    return { n, value: histQuantile(buckets.flatMap((b) => (b.hist ? [b.hist] : [])), 0.95) ?? 0 };
  };
  const r1 = (x: number) => Math.round(x * 10) / 10;

  return {
    observe(value, nowMs) {
      if (!rules.enabled || (latency && !Number.isFinite(value))) return;
      const minute = Math.floor(nowMs / MINUTE);
      const b = ring[minute % ring.length] as Bucket;
      if (b.minute !== minute) {
        b.minute = minute;
        b.n = 0;
        b.hist?.fill(0);
      }
      b.n++;
      if (latency) (b.hist ??= new Uint32Array(BINS))[binOf(value)]! += 1;
    },
    evaluate(nowMs) {
      if (!rules.enabled) return [];
      const now = Math.floor(nowMs / MINUTE);
      const cur = measure(range(now - rules.windowMinutes + 1, now), rules.windowMinutes);
      const base = measure(range(now - span + 1, now - rules.windowMinutes), rules.baselineMinutes);
      const baseOk = !latency || base.n >= rules.minSamples;
      const make = (status: SpikeAlert['status'], alertId: string, openedAtMs: number): SpikeAlert => {
        const what = latency ? `engine latency p95 ${Math.round(cur.value)} ms` : `${r1(cur.value)} dead-lettered events/min`;
        const was = latency ? `${Math.round(base.value)} ms` : `${r1(base.value)}/min`;
        return {
          alertId,
          kind,
          status,
          value: latency ? Math.round(cur.value) : r1(cur.value),
          baseline: latency ? Math.round(base.value) : r1(base.value),
          unit: latency ? 'ms' : 'events/min',
          n: cur.n,
          windowMinutes: rules.windowMinutes,
          baselineMinutes: rules.baselineMinutes,
          openedAtMs,
          tsMs: nowMs,
          text: status === 'resolved' ? `${what} in the last ${rules.windowMinutes} min: back near baseline (${was})` : `${what} in the last ${rules.windowMinutes} min (baseline ${was} over the ${rules.baselineMinutes} min before)`,
        };
      };
      if (!incident) {
        const opens = cur.n >= rules.minSamples && baseOk && cur.value >= rules.factor * base.value && cur.value - base.value >= rules.minDelta;
        if (!opens) return [];
        incident = { alertId: `${idPrefix}${kind === 'dlq_spike' ? 'dlq' : 'lat'}-${nowMs}`, openedAtMs: nowMs, lastValue: cur.value };
        return [make('open', incident.alertId, nowMs)];
      }
      const calm = cur.n < rules.minSamples / 2 || cur.value < rules.resolveFactor * base.value || (latency && cur.value - base.value < rules.minDelta / 2);
      if (calm) {
        const done = make('resolved', incident.alertId, incident.openedAtMs);
        incident = undefined;
        return [done];
      }
      if (Math.abs(cur.value - incident.lastValue) >= rules.updateStep * Math.max(incident.lastValue, 1e-9)) {
        incident.lastValue = cur.value;
        return [make('update', incident.alertId, incident.openedAtMs)];
      }
      return [];
    },
    open() {
      return incident ? [incident.alertId] : [];
    },
    adopt(a) {
      // Only this detector's own incidents (its kind and this instance's prefix); one at a time.
      if (!rules.enabled || incident || a.kind !== kind || !new RegExp(`^${idPrefix}${kind === 'dlq_spike' ? 'dlq' : 'lat'}-\\d+$`).test(a.alertId)) return false;
      incident = { alertId: a.alertId, openedAtMs: a.openedAtMs, lastValue: a.value };
      return true;
    },
  };
}
