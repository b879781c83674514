/**
 * What the churn model reads from a CustomerState: the stream features (support contacts,
 * negative share and its trend, escalations, reply times, tone, late payments, orders, usage
 * drops, downgrades) and the Telco profile fields the stream can tell (tenure, contract), plus
 * each stream feature's meaning in plain words.
 *
 * A feature the engine cannot know is left out (undefined), never set to 0: e.g. without any CRM
 * event, "0 late payments" would be a reassurance the engine has no ground for.
 */
import type { ChurnFeatures } from './features.ts';
import { DAY_MS, type CustomerState, type Decayed } from './state.ts';
import { countWithin, dayOf } from './dayCounts.ts';

export const STREAM_FEATURES = [
  'contacts7d', 'contacts30d', 'contacts90d', 'earlyContacts', 'negativeShare', 'negativeTrend', 'escalations90d',
  'agentReplyHours', 'customerReplySlowdown', 'formalShift', 'latePayments90d', 'orderTrend', 'usageDrops90d', 'downgrades90d',
] as const;
export type StreamFeatureName = (typeof STREAM_FEATURES)[number];
export type StreamFeatures = Partial<Record<StreamFeatureName, number>>;

/** Below this decayed count of messages a share is too noisy to report. */
const MIN_WEIGHT = 0.5;
const share = (d: Decayed): number | undefined => (d[1] >= MIN_WEIGHT ? d[0] / d[1] : undefined);
const mean = (d: Decayed): number | undefined => (d[1] >= MIN_WEIGHT ? d[0] / d[1] : undefined);

function set(out: StreamFeatures, k: StreamFeatureName, v: number | undefined): void {
  if (v !== undefined && Number.isFinite(v)) out[k] = v;
}

/**
 * Stream features at the state's own time (the newest event), so replays are reproducible. "The
 * last W days" are the W UTC days ending with that event's day (dayCounts.ts states the bound).
 */
export function streamFeatures(s: CustomerState): StreamFeatures {
  const today = dayOf(s.asOfMs);
  const out: StreamFeatures = {};
  set(out, 'contacts7d', countWithin(s.contacts, today, 7));
  set(out, 'contacts30d', countWithin(s.contacts, today, 30));
  set(out, 'contacts90d', countWithin(s.contacts, today, 90));
  // Known only when the relationship start is known and the engine watched part of its first 90 days.
  if (s.sinceMs !== undefined && s.firstSeenMs < s.sinceMs + 90 * DAY_MS) set(out, 'earlyContacts', s.earlyContacts);
  const negLong = share(s.negLong), negShort = share(s.negShort), negBase = share(s.negBase);
  set(out, 'negativeShare', negLong);
  // This week against the quarter: > 0 means the customer has turned more negative lately.
  if (negBase !== undefined && negShort !== undefined) set(out, 'negativeTrend', negShort - negBase);
  set(out, 'escalations90d', countWithin(s.escalations, today, 90));
  set(out, 'agentReplyHours', mean(s.agentReply));
  const rs = mean(s.custReplyShort), rl = mean(s.custReplyLong);
  // log2 ratio: +1 = the customer now takes twice as long to answer as over the quarter.
  if (rs !== undefined && rl !== undefined) set(out, 'customerReplySlowdown', Math.log2((rs + 0.25) / (rl + 0.25)));
  const fs = share(s.formalShort), fl = share(s.formalLong);
  if (fs !== undefined && fl !== undefined) set(out, 'formalShift', fs - fl);
  if (s.crm) {
    set(out, 'latePayments90d', countWithin(s.latePayments, today, 90));
    set(out, 'usageDrops90d', countWithin(s.usageDrops, today, 90));
    set(out, 'downgrades90d', countWithin(s.downgrades, today, 90));
    // Orders in the last 30 days minus the monthly average of the 90 days before; known once the
    // customer has ordered at all in the kept 120 days (a business with no order feed never sends one).
    const orders30 = countWithin(s.orders, today, 30), orders120 = countWithin(s.orders, today, 120);
    if (orders120 > 0) set(out, 'orderTrend', orders30 - (orders120 - orders30) / 3);
  }
  return out;
}

/** The Telco fields the stream can tell: tenure (from the relationship start) and contract (from the plan). */
export function profileFeatures(s: CustomerState): ChurnFeatures {
  const out: ChurnFeatures = {};
  if (s.sinceMs !== undefined) out.tenureMonths = Math.max(0, Math.round(((s.asOfMs - s.sinceMs) / (30.44 * DAY_MS)) * 10) / 10);
  if (s.contract) out.contract = s.contract;
  return out;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const int = (x: number): number => Math.round(x);

/** Plain words for one stream feature's value, e.g. "4 support contacts in the last 30 days". */
export function streamFactorText(name: StreamFeatureName, x: number, all: StreamFeatures): string {
  switch (name) {
    case 'contacts7d': return `${plural(int(x), 'support contact')} in the last 7 days`;
    case 'contacts30d': return `${plural(int(x), 'support contact')} in the last 30 days`;
    case 'contacts90d': return `${plural(int(x), 'support contact')} in the last 90 days`;
    case 'earlyContacts': return `${plural(int(x), 'support contact')} in the first 90 days as a customer`;
    case 'negativeShare': return `${pct(x)} of messages negative (last 30 days)`;
    case 'negativeTrend': {
      if (Math.abs(x) < 0.02) return 'negative share steady';
      return `negative share ${x > 0 ? 'rising' : 'falling'} (${x > 0 ? '+' : '-'}${Math.round(Math.abs(x) * 100)} points this week against the quarter)`;
    }
    case 'escalations90d': return x === 0 ? 'no escalations in the last 90 days' : `${plural(int(x), 'escalation')} in the last 90 days`;
    case 'agentReplyHours': return `${x >= 4 ? 'slow' : 'quick'} agent replies (${x < 1 ? `${Math.round(x * 60)} min` : `${x.toFixed(1)} h`} on average)`;
    case 'customerReplySlowdown': return Math.abs(x) < 0.15 ? 'customer replies as quickly as before' : `customer replies ${x > 0 ? 'slower' : 'faster'} than before (x${(2 ** Math.abs(x)).toFixed(1)})`;
    case 'formalShift': return Math.abs(x) < 0.05 ? 'tone unchanged' : x > 0 ? 'tone turning formal' : 'tone turning informal';
    case 'latePayments90d': return x === 0 ? 'no late payments in the last 90 days' : `${plural(int(x), 'late payment')} in the last 90 days`;
    case 'orderTrend': return Math.abs(x) < 0.5 ? 'orders steady' : `orders ${x < 0 ? 'falling' : 'rising'} (${x > 0 ? '+' : ''}${x.toFixed(1)} a month)`;
    case 'usageDrops90d': return x === 0 ? 'no usage drops in the last 90 days' : `${plural(int(x), 'usage drop')} in the last 90 days`;
    case 'downgrades90d': return x === 0 ? 'no plan downgrades in the last 90 days' : `${plural(int(x), 'plan downgrade')} in the last 90 days`;
  }
}
