/**
 * The customer state the churn model reads, kept from the stream: a pure reducer
 * (`reduceCustomer(state, observation) -> state`) over scored messages and CRM business events.
 *
 * Why this shape: counts over fixed windows (7/30/90 days) keep the event times they need (capped
 * lists, so a state stays a few KB); shares and reply times are exponentially time-decayed sums, so
 * they cost O(1) whatever the volume. All times are event times (never the wall clock), so
 * replaying the same events gives the same state, and a late (out-of-order) event still counts
 * with the weight it would have had. A redelivered event (same id) is applied once.
 *
 * The state is plain JSON: the store (stateStore.ts) persists it as is.
 */
import type { BusinessEventType } from '../event/types.ts';
import type { Contract } from './features.ts';

export const DAY_MS = 86_400_000;
/** Event times older than this before the newest one are dropped from the lists. */
export const KEEP_MS = 120 * DAY_MS;
/** Time constants (e-folding) of the short and long decayed shares. */
export const SHORT_TAU_MS = 7 * DAY_MS;
export const LONG_TAU_MS = 30 * DAY_MS;
/** Trends (negative share, customer reply times) compare the last week with the last quarter. */
export const REPLY_LONG_TAU_MS = 90 * DAY_MS;
export const EARLY_PERIOD_MS = 90 * DAY_MS;
const MAX_LIST = 200;
const MAX_OPEN_CONVERSATIONS = 8;
const MAX_SEEN_IDS = 64;
/** A reply slower than this is a conversation picked up again, not a reply time. */
const MAX_REPLY_MS = 14 * DAY_MS;

/** A scored message, as the customer state needs it. */
export interface MessageObservation {
  kind: 'message';
  id: string;
  conversationId: string;
  author: 'customer' | 'agent' | 'system';
  tsMs: number;
  negative: boolean;
  /** From the text model's formality head, when it has one. */
  formal?: boolean;
  /** A supervisor was brought in or the call was transferred (source metadata). */
  escalated: boolean;
  /** Start of the relationship, when the source says it (meta.customerSince). */
  customerSinceMs?: number;
}

/** The business event types (engine/event/types.ts), as the customer state counts them. */
export type BusinessKind = BusinessEventType;

export interface BusinessObservation {
  kind: 'business';
  id: string;
  type: BusinessKind;
  tsMs: number;
  /** plan_change: the new plan's name and its direction, when known. */
  toPlan?: string;
  downgrade?: boolean;
  customerSinceMs?: number;
}

export type CustomerObservation = MessageObservation | BusinessObservation;

/** A pair of exponentially decayed sums (events that matched, all events) at `CustomerState.asOfMs`. */
export type Decayed = [hits: number, total: number];

export interface CustomerState {
  v: 1;
  /** Time of the newest event applied; decayed sums are valued at this time. */
  asOfMs: number;
  firstSeenMs: number;
  sinceMs?: number;
  plan?: string;
  contract?: Contract;
  /** Conversations with a customer message: id and start time (last 120 days). */
  contacts: { c: string; t: number }[];
  /** Contacts that started in the first 90 days of the relationship (kept beyond 120 days). */
  earlyContacts: number;
  escalations: number[];
  latePayments: number[];
  orders: number[];
  usageDrops: number[];
  downgrades: number[];
  /** Any CRM event seen: without one, "0 late payments" would be a claim the engine cannot make. */
  crm: boolean;
  cancelledMs?: number;
  negShort: Decayed;
  negLong: Decayed;
  /** Negative share over the quarter (90-day time constant): the baseline the trend compares with. */
  negBase: Decayed;
  formalShort: Decayed;
  formalLong: Decayed;
  /** Decayed sum of agent reply hours and count (30-day time constant). */
  agentReply: Decayed;
  custReplyShort: Decayed;
  custReplyLong: Decayed;
  /** Last message per recently active conversation, to measure reply times. */
  open: { c: string; a: 'customer' | 'agent'; t: number }[];
  seen: string[];
}

export function emptyState(tsMs: number): CustomerState {
  return {
    v: 1, asOfMs: tsMs, firstSeenMs: tsMs, contacts: [], earlyContacts: 0, escalations: [], latePayments: [], orders: [], usageDrops: [], downgrades: [], crm: false,
    negShort: [0, 0], negLong: [0, 0], negBase: [0, 0], formalShort: [0, 0], formalLong: [0, 0], agentReply: [0, 0], custReplyShort: [0, 0], custReplyLong: [0, 0], open: [], seen: [],
  };
}

const decay = (d: Decayed, f: number): Decayed => [d[0] * f, d[1] * f];
const add = (d: Decayed, hit: number, w: number): Decayed => [d[0] + hit * w, d[1] + w];

/** Moves the decayed sums to time t (no-op when t is not newer). */
function advance(s: CustomerState, t: number): CustomerState {
  if (t <= s.asOfMs) return s;
  const dt = t - s.asOfMs;
  const fs = Math.exp(-dt / SHORT_TAU_MS), fl = Math.exp(-dt / LONG_TAU_MS), fr = Math.exp(-dt / REPLY_LONG_TAU_MS);
  const cut = t - KEEP_MS;
  const recent = (xs: number[]) => xs.filter((x) => x > cut);
  return {
    ...s, asOfMs: t,
    negShort: decay(s.negShort, fs), negLong: decay(s.negLong, fl), negBase: decay(s.negBase, fr), formalShort: decay(s.formalShort, fs), formalLong: decay(s.formalLong, fl),
    agentReply: decay(s.agentReply, fl), custReplyShort: decay(s.custReplyShort, fs), custReplyLong: decay(s.custReplyLong, fr),
    contacts: s.contacts.filter((x) => x.t > cut), escalations: recent(s.escalations), latePayments: recent(s.latePayments),
    orders: recent(s.orders), usageDrops: recent(s.usageDrops), downgrades: recent(s.downgrades),
  };
}

/** Weight of an observation at time t in a sum valued at asOfMs (1 for the newest). */
const weight = (s: CustomerState, t: number, tau: number): number => Math.exp(-Math.max(0, s.asOfMs - t) / tau);
const pushCapped = <T>(xs: T[], x: T, cap = MAX_LIST): T[] => [...xs, x].slice(-cap);

function withSince(s: CustomerState, sinceMs: number | undefined): CustomerState {
  return sinceMs !== undefined && Number.isFinite(sinceMs) && sinceMs <= s.asOfMs ? { ...s, sinceMs } : s;
}

function reduceMessage(s0: CustomerState, o: MessageObservation): CustomerState {
  let s = withSince(s0, o.customerSinceMs);
  const t = o.tsMs;
  const prev = s.open.find((x) => x.c === o.conversationId);
  let open = s.open.filter((x) => x.c !== o.conversationId);
  if (o.author === 'system') return s;
  if (o.author === 'agent') {
    if (prev?.a === 'customer' && t >= prev.t && t - prev.t <= MAX_REPLY_MS) s = { ...s, agentReply: add(s.agentReply, (t - prev.t) / 3_600_000, weight(s, t, LONG_TAU_MS)) };
    open = pushCapped(open, { c: o.conversationId, a: 'agent' as const, t }, MAX_OPEN_CONVERSATIONS);
    return { ...s, open, escalations: o.escalated ? pushCapped(s.escalations, t) : s.escalations };
  }
  // Customer message.
  if (prev?.a === 'agent' && t >= prev.t && t - prev.t <= MAX_REPLY_MS) {
    const h = (t - prev.t) / 3_600_000;
    s = { ...s, custReplyShort: add(s.custReplyShort, h, weight(s, t, SHORT_TAU_MS)), custReplyLong: add(s.custReplyLong, h, weight(s, t, REPLY_LONG_TAU_MS)) };
  }
  const neg = o.negative ? 1 : 0;
  s = { ...s, negShort: add(s.negShort, neg, weight(s, t, SHORT_TAU_MS)), negLong: add(s.negLong, neg, weight(s, t, LONG_TAU_MS)), negBase: add(s.negBase, neg, weight(s, t, REPLY_LONG_TAU_MS)) };
  if (o.formal !== undefined) {
    const f = o.formal ? 1 : 0;
    s = { ...s, formalShort: add(s.formalShort, f, weight(s, t, SHORT_TAU_MS)), formalLong: add(s.formalLong, f, weight(s, t, LONG_TAU_MS)) };
  }
  const known = s.contacts.find((x) => x.c === o.conversationId);
  if (!known) {
    const early = s.sinceMs !== undefined && t - s.sinceMs < EARLY_PERIOD_MS ? 1 : 0;
    s = { ...s, contacts: pushCapped(s.contacts, { c: o.conversationId, t }), earlyContacts: s.earlyContacts + early };
  } else if (t < known.t) {
    // A late message of a known conversation: the contact started at its first message.
    s = { ...s, contacts: s.contacts.map((x) => (x === known ? { c: x.c, t } : x)) };
  }
  open = pushCapped(open, { c: o.conversationId, a: 'customer' as const, t }, MAX_OPEN_CONVERSATIONS);
  return { ...s, open, escalations: o.escalated ? pushCapped(s.escalations, t) : s.escalations };
}

/** Maps a plan name onto the Telco contract vocabulary when it plainly says which one it is. */
export function contractOfPlan(plan: string): Contract | undefined {
  const p = plan.toLowerCase();
  if (/month.?to.?month|monthly|no.?commitment/.test(p)) return 'month-to-month';
  if (/(two|2).?y(ea)?r|24.?month/.test(p)) return 'two-year';
  if (/(one|1).?y(ea)?r|12.?month|annual|yearly/.test(p)) return 'one-year';
  return undefined;
}

function reduceBusiness(s0: CustomerState, o: BusinessObservation, latest: boolean): CustomerState {
  const s = { ...withSince(s0, o.customerSinceMs), crm: true };
  const t = o.tsMs;
  switch (o.type) {
    case 'payment_late': return { ...s, latePayments: pushCapped(s.latePayments, t) };
    case 'order_placed': return { ...s, orders: pushCapped(s.orders, t) };
    case 'usage_drop': return { ...s, usageDrops: pushCapped(s.usageDrops, t) };
    case 'cancellation': return { ...s, cancelledMs: t };
    case 'plan_change': {
      // A late plan_change does not overwrite the plan a newer one set.
      const toPlan = latest ? o.toPlan : undefined;
      const contract = toPlan !== undefined ? contractOfPlan(toPlan) : undefined;
      return {
        ...s,
        ...(toPlan !== undefined ? { plan: toPlan } : {}),
        ...(contract ? { contract } : {}),
        downgrades: o.downgrade ? pushCapped(s.downgrades, t) : s.downgrades,
      };
    }
  }
}

/**
 * Applies one observation. Pure: the input state is not modified. An observation whose time is not
 * finite is ignored (the caller validated events; this keeps a bad one from poisoning the state).
 */
export function reduceCustomer(state: CustomerState | undefined, o: CustomerObservation): CustomerState {
  if (!Number.isFinite(o.tsMs)) return state ?? emptyState(Date.now());
  const s0 = state ?? emptyState(o.tsMs);
  if (s0.seen.includes(o.id)) return s0;
  const latest = o.tsMs >= s0.asOfMs;
  const s1 = advance(s0, o.tsMs);
  const s = o.kind === 'message' ? reduceMessage(s1, o) : reduceBusiness(s1, o, latest);
  return { ...s, firstSeenMs: Math.min(s.firstSeenMs, o.tsMs), seen: pushCapped(s.seen, o.id, MAX_SEEN_IDS) };
}

/** Folds a sequence of observations (e.g. a simulated history) into one state. */
export function replay(observations: readonly CustomerObservation[], from?: CustomerState): CustomerState | undefined {
  return observations.reduce<CustomerState | undefined>((s, o) => reduceCustomer(s, o), from);
}
