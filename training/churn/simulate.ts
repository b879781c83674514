/**
 * A documented simulation of customer histories, because no public data links interaction
 * streams to churn (../shared/data/README.md). Each simulated customer is a real Telco row (its
 * profile and its real churn label); on top of it we draw 120 days of stream events (contacts,
 * messages, replies, CRM events) whose rates depend on the label only, and run them through the
 * engine's own reducer (state.ts) to get the stream features the engine would see.
 *
 * Drawing the stream from the label alone (not the profile) makes the stream conditionally
 * independent of the profile given churn, which is what justifies adding a stream logit to the
 * Telco logit. The effect sizes are in SIMULATION: the support-contact one is measured on the
 * real churn-bigml table (see the model card); the others are stated assumptions, deliberately
 * modest. Figures on simulated histories show that the pipeline recovers effects we put in, not
 * that these effects exist in any real business.
 */
import { rng } from './data.ts';
import { DAY_MS, replay, streamFeatures, type FeatureRecord, type CustomerObservation, type StreamFeatures } from '../../engine/churn/index.ts';

const HOUR_MS = 3_600_000;

/** The generating parameters, per class [stayer, churner]. Rates are per 90 days unless stated. */
export const SIMULATION = {
  windowDays: 120,
  /**
   * Support contacts, from churn-bigml "Customer service calls": stayers mean 1.453 (variance
   * 1.33, about Poisson), churners mean 2.197 (variance 3.54). Churners are a mixture: 75% at the
   * stayers' rate, 25% "troubled" at 4.4, which reproduces both the mean (2.19) and the variance
   * (3.8). A troubled churner's extra contacts ramp up towards the end of the window.
   */
  contactsPer90d: { stayer: 1.453, churnerCalm: 1.453, churnerTroubled: 4.4, troubledShare: 0.25 },
  /** Customer messages per contact: 1 + Poisson(1.5); each gets an agent reply. */
  extraMessagesPerContact: 1.5,
  /** Share of negative customer messages: stayers flat; churners turn more negative in their last 30 days. */
  negativeShare: { stayer: 0.2, churnerEarly: 0.25, churnerLast30d: 0.5 },
  /** Share of customers whose text model has a formality head; share of formal messages. */
  formalityAvailable: 0.7,
  formalShare: { stayer: 0.35, churnerStart: 0.35, churnerEnd: 0.55 },
  /** Agent reply time: log-normal, median hours (sigma 1). */
  agentReplyMedianHours: { stayer: 2, churner: 3 },
  /** Customer reply time: log-normal median hours, churners slow down in the last 30 days (sigma 1). */
  customerReplyMedianHours: { stayer: 1, churnerEarly: 1, churnerLate: 2 },
  /** Probability that a contact is escalated to a supervisor. */
  escalationPerContact: { stayer: 0.05, churner: 0.12 },
  /** Share of customers whose CRM is connected (the rest have no business events). */
  crmConnected: 0.8,
  latePaymentsPer90d: { stayer: 0.15, churner: 0.45 },
  usageDropsPer90d: { stayer: 0.1, churner: 0.35 },
  downgradesPer90d: { stayer: 0.03, churner: 0.12 },
  /** Orders per 30 days ~ Gamma(2, 1) per customer; churners order at half that rate in the last 30 days. */
  ordersPer30d: { gammaShape: 2, gammaScale: 1, churnerLast30Factor: 0.5 },
} as const;

export interface SimulatedCustomer { profile: FeatureRecord; label: 0 | 1; stream: StreamFeatures; observations: number }

function poisson(rand: () => number, lambda: number): number {
  const l = Math.exp(-lambda);
  let k = 0, p = 1;
  do { k++; p *= rand(); } while (p > l);
  return k - 1;
}
function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(1e-12, rand()))) * Math.cos(2 * Math.PI * rand());
}
const logNormalHours = (rand: () => number, median: number): number => median * Math.exp(normal(rand));
/** Gamma with integer shape: a sum of exponentials. */
const gamma = (rand: () => number, shape: number, scale: number): number => Array.from({ length: shape }, () => -Math.log(Math.max(1e-12, rand())) * scale).reduce((a, b) => a + b, 0);

/** Event times in [0, 1) of the window: uniform, or ramping up towards the end (density 2x). */
const uniformTimes = (rand: () => number, n: number): number[] => Array.from({ length: n }, () => rand());
const rampTimes = (rand: () => number, n: number): number[] => Array.from({ length: n }, () => Math.sqrt(rand()));

/** One customer's 120 days of stream events, ending at `endMs`. */
export function simulateHistory(label: 0 | 1, tenureMonths: number | undefined, endMs: number, rand: () => number, id = 'sim'): CustomerObservation[] {
  const S = SIMULATION;
  const churn = label === 1;
  const sinceMs = tenureMonths === undefined ? undefined : endMs - tenureMonths * 30.44 * DAY_MS;
  // A customer younger than the window only has history since joining (at least two weeks).
  const span = Math.max(14 * DAY_MS, Math.min(S.windowDays * DAY_MS, sinceMs === undefined ? Infinity : endMs - sinceMs));
  const start = endMs - span;
  const at = (u: number) => Math.round(start + u * span);
  const scale = span / (90 * DAY_MS);
  const troubled = churn && rand() < S.contactsPer90d.troubledShare;
  const rate = churn ? (troubled ? S.contactsPer90d.churnerTroubled : S.contactsPer90d.churnerCalm) : S.contactsPer90d.stayer;
  const contacts = (troubled ? rampTimes : uniformTimes)(rand, poisson(rand, rate * scale));
  const hasFormality = rand() < S.formalityAvailable;
  const obs: CustomerObservation[] = [];
  let n = 0;
  contacts.sort((a, b) => a - b).forEach((u, c) => {
    const escalatedAt = rand() < (churn ? S.escalationPerContact.churner : S.escalationPerContact.stayer) ? 0 : -1;
    let t = at(u);
    const msgs = 1 + poisson(rand, S.extraMessagesPerContact);
    for (let m = 0; m < msgs; m++) {
      const late = t > endMs - 30 * DAY_MS;
      const pNeg = churn ? (late ? S.negativeShare.churnerLast30d : S.negativeShare.churnerEarly) : S.negativeShare.stayer;
      const pFormal = churn ? S.formalShare.churnerStart + (late ? S.formalShare.churnerEnd - S.formalShare.churnerStart : 0) : S.formalShare.stayer;
      obs.push({ kind: 'message', id: `${id}-m${n++}`, conversationId: `${id}-c${c}`, author: 'customer', tsMs: t, negative: rand() < pNeg, ...(hasFormality ? { formal: rand() < pFormal } : {}), escalated: false, ...(sinceMs !== undefined ? { customerSinceMs: sinceMs } : {}) });
      t += Math.round(logNormalHours(rand, churn ? S.agentReplyMedianHours.churner : S.agentReplyMedianHours.stayer) * HOUR_MS);
      obs.push({ kind: 'message', id: `${id}-m${n++}`, conversationId: `${id}-c${c}`, author: 'agent', tsMs: t, negative: false, escalated: m === escalatedAt });
      const replyMedian = churn ? (late ? S.customerReplyMedianHours.churnerLate : S.customerReplyMedianHours.churnerEarly) : S.customerReplyMedianHours.stayer;
      t += Math.round(logNormalHours(rand, replyMedian) * HOUR_MS);
    }
  });
  if (rand() < S.crmConnected) {
    const crm = (type: 'payment_late' | 'usage_drop' | 'plan_change', perNinety: number): void => {
      for (const u of uniformTimes(rand, poisson(rand, perNinety * scale))) obs.push({ kind: 'business', id: `${id}-b${n++}`, type, tsMs: at(u), ...(type === 'plan_change' ? { downgrade: true, toPlan: 'basic' } : {}) });
    };
    crm('payment_late', churn ? S.latePaymentsPer90d.churner : S.latePaymentsPer90d.stayer);
    crm('usage_drop', churn ? S.usageDropsPer90d.churner : S.usageDropsPer90d.stayer);
    crm('plan_change', churn ? S.downgradesPer90d.churner : S.downgradesPer90d.stayer);
    const monthly = gamma(rand, S.ordersPer30d.gammaShape, S.ordersPer30d.gammaScale);
    const lastFactor = churn ? S.ordersPer30d.churnerLast30Factor : 1;
    for (const u of uniformTimes(rand, poisson(rand, monthly * 3 * (span / (120 * DAY_MS))))) obs.push({ kind: 'business', id: `${id}-b${n++}`, type: 'order_placed', tsMs: at(u * 0.75) });
    for (const u of uniformTimes(rand, poisson(rand, monthly * lastFactor))) obs.push({ kind: 'business', id: `${id}-b${n++}`, type: 'order_placed', tsMs: at(0.75 + u * 0.25) });
  }
  // The engine sees events in time order (the reducer copes with disorder, but the simulation need not test it).
  return obs.sort((a, b) => a.tsMs - b.tsMs);
}

/**
 * Gives each labelled profile a simulated stream. The history ends at the latest event (as the
 * engine scores a customer at a message); a customer with no event at all keeps an empty stream.
 */
export function simulateCustomers(rows: readonly { features: FeatureRecord; label: 0 | 1 }[], seed: number): SimulatedCustomer[] {
  const rand = rng(seed);
  const endMs = Date.UTC(2026, 0, 1);
  return rows.map((r, i) => {
    const tenure = r.features['tenureMonths'];
    const obs = simulateHistory(r.label, typeof tenure === 'number' ? tenure : undefined, endMs, rand, `s${i}`);
    const state = replay(obs);
    return { profile: r.features, label: r.label, stream: state ? streamFeatures(state) : {}, observations: obs.length };
  });
}
