import type { ScoredEvent } from '../event/types.ts';
import { twoProportionZ } from '../report/trend.ts';
import type { AlertRules } from './rules.ts';
import type { Alert, NegativeShareAlert } from '../event/index.ts';

export type { Alert, NegativeShareAlert };

/**
 * Early warning for supervisors: a channel whose negative share of customer messages in the last
 * `windowMinutes` (5) rises well above its own baseline, the `baselineMinutes` (60) before that
 * window. Method: the one-sided two-proportion z-test of the weekly report (engine/report/trend.ts),
 * on one-minute buckets of engine receive time. An alert opens when both sides have at least
 * `minVolume` messages, z >= `minZ` and the share is at least `minLift` above the baseline. While
 * open it is one incident with a stable `alertId`: `update` when the share moved by `updateStep`,
 * `resolved` when z drops below `resolveZ` or the lift below half of `minLift` (hysteresis, so it
 * does not flap), or the window no longer has `minVolume` messages.
 */
interface Bucket {
  minute: number;
  n: number;
  neg: number;
}

interface Open {
  alertId: string;
  openedAtMs: number;
  lastShare: number;
}

/** Customer messages of one channel in one minute of engine time, `neg` of them negative: what instances send the aggregating one. */
export interface ShareCount {
  channel: string;
  minute: number;
  n: number;
  neg: number;
}

export interface AlertDetector {
  /** Count a delivered row (customer messages only). */
  observe(e: ScoredEvent): void;
  /** Add counts another instance observed (scale-out: engine/cues/shareCounts.ts). */
  add(c: ShareCount): void;
  /** Customer messages counted so far (observed here and added). */
  readonly counted: number;
  /** Re-test every channel at `nowMs`; returns open/update/resolved alerts to publish. */
  evaluate(nowMs: number): NegativeShareAlert[];
  /** Alerts currently open. */
  open(): string[];
  /** Takes over the channel's incident a previous run left open (read back from the store at start); false when the channel has one. */
  adopt(a: NegativeShareAlert): boolean;
}

const MINUTE = 60_000;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function createAlertDetector(rules: AlertRules): AlertDetector {
  const span = rules.windowMinutes + rules.baselineMinutes;
  const rings = new Map<string, Bucket[]>();
  const opened = new Map<string, Open>();
  let counted = 0;
  const add = ({ channel, minute, n, neg }: ShareCount) => {
    let ring = rings.get(channel);
    if (!ring) rings.set(channel, (ring = Array.from({ length: span + 1 }, () => ({ minute: -1, n: 0, neg: 0 }))));
    const b = ring[minute % ring.length] as Bucket;
    // A count for a minute the ring has moved past is too old to matter; a newer minute takes the slot.
    if (b.minute > minute) return;
    if (b.minute !== minute) Object.assign(b, { minute, n: 0, neg: 0 });
    b.n += n;
    b.neg += neg;
    counted += n;
  };

  const sums = (ring: Bucket[], from: number, to: number) => {
    let n = 0;
    let neg = 0;
    for (const b of ring) {
      if (b.minute >= from && b.minute <= to) {
        n += b.n;
        neg += b.neg;
      }
    }
    return { n, neg };
  };

  return {
    observe(e) {
      if (!rules.enabled || e.author !== 'customer') return;
      add({ channel: e.channel, minute: Math.floor(e.receivedAtMs / MINUTE), n: 1, neg: e.sentiment.label === 'negative' ? 1 : 0 });
    },
    add: (c) => rules.enabled && add(c),
    get counted() {
      return counted;
    },
    evaluate(nowMs) {
      if (!rules.enabled) return [];
      const now = Math.floor(nowMs / MINUTE);
      const out: NegativeShareAlert[] = [];
      for (const [channel, ring] of rings) {
        const cur = sums(ring, now - rules.windowMinutes + 1, now);
        const base = sums(ring, now - span + 1, now - rules.windowMinutes);
        const share = cur.n > 0 ? cur.neg / cur.n : 0;
        const baselineShare = base.n > 0 ? base.neg / base.n : 0;
        const z = twoProportionZ(cur.neg, cur.n, base.neg, base.n);
        const lift = share - baselineShare;
        const volumeOk = cur.n >= rules.minVolume && base.n >= rules.minVolume;
        const o = opened.get(channel);
        const make = (status: Alert['status'], id: string, openedAtMs: number): NegativeShareAlert => ({
          alertId: id,
          kind: 'negative_share',
          status,
          channel,
          share: r3(share),
          baselineShare: r3(baselineShare),
          z: z === null ? null : r3(z),
          n: cur.n,
          baselineN: base.n,
          windowMinutes: rules.windowMinutes,
          baselineMinutes: rules.baselineMinutes,
          openedAtMs,
          tsMs: nowMs,
          text:
            status === 'resolved'
              ? `${channel}: negative share back to ${Math.round(share * 100)}% (baseline ${Math.round(baselineShare * 100)}%)`
              : `${channel}: ${Math.round(share * 100)}% of customer messages negative in the last ${rules.windowMinutes} min (baseline ${Math.round(baselineShare * 100)}% over the ${rules.baselineMinutes} min before, z = ${z === null ? 'n/a' : z.toFixed(1)}, n = ${cur.n})`,
        });
        if (!o) {
          if (volumeOk && z !== null && z >= rules.minZ && lift >= rules.minLift) {
            const id = `neg-${channel}-${nowMs}`;
            opened.set(channel, { alertId: id, openedAtMs: nowMs, lastShare: share });
            out.push(make('open', id, nowMs));
          }
        } else if (!volumeOk || z === null || z < rules.resolveZ || lift < rules.minLift / 2) {
          opened.delete(channel);
          out.push(make('resolved', o.alertId, o.openedAtMs));
        } else if (Math.abs(share - o.lastShare) >= rules.updateStep) {
          o.lastShare = share;
          out.push(make('update', o.alertId, o.openedAtMs));
        }
      }
      return out;
    },
    open() {
      return [...opened.values()].map((o) => o.alertId);
    },
    adopt(a) {
      if (!rules.enabled || opened.has(a.channel)) return false;
      opened.set(a.channel, { alertId: a.alertId, openedAtMs: a.openedAtMs, lastShare: a.share });
      // A ring for the channel, so the next evaluation re-tests it (and resolves it without volume).
      if (!rings.has(a.channel)) rings.set(a.channel, Array.from({ length: span + 1 }, () => ({ minute: -1, n: 0, neg: 0 })));
      return true;
    },
  };
}
