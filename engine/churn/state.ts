/**
 * The customer state the churn model reads, kept from the stream: a pure reducer
 * (`reduceCustomer(state, observation) -> state`) over scored messages and CRM business events.
 *
 * Why this shape: every part is bounded, so an event costs the same for a customer with 10,000
 * past messages as for a new one, and a state's size has a ceiling. Counts over fixed windows
 * (7/30/90/120 days) are per-day counters (dayCounts.ts: exact but for the window's oldest day);
 * shares and reply times are exponentially time-decayed sums; contacts are told apart by the most
 * recently active conversations; redeliveries by the hashes of the last event ids. All times are
 * event times (never the wall clock), so replaying the same events gives the same state, and a
 * late (out-of-order) event still counts with the weight it would have had. A redelivered event
 * (same id) is applied once.
 *
 * An update copies the state object and replaces only the parts it changes (nothing shared is
 * modified), so a state returned earlier stays as it was. The state is plain JSON; stateCodec.ts
 * gives its stored form and reads older ones.
 */
import type { BusinessEventType } from '../event/types.ts';
import type { Contract } from './features.ts';
import { addOnDay, dayOf, DAY_MS, KEEP_DAYS, NO_COUNTS, type DayCounts } from './dayCounts.ts';

export { DAY_MS } from './dayCounts.ts';
/** A conversation silent for this long is forgotten (and counts as a new contact if it comes back). */
export const KEEP_MS = KEEP_DAYS * DAY_MS;
/** Time constants (e-folding) of the short and long decayed shares. */
export const SHORT_TAU_MS = 7 * DAY_MS;
export const LONG_TAU_MS = 30 * DAY_MS;
/** Trends (negative share, customer reply times) compare the last week with the last quarter. */
export const REPLY_LONG_TAU_MS = 90 * DAY_MS;
export const EARLY_PERIOD_MS = 90 * DAY_MS;
/** Conversations remembered (the most recently active): a message in one of them is not a new contact. */
export const MAX_CONVERSATIONS = 32;
/** Event ids remembered (at least; up to MAX_SEEN_IDS + SEEN_CHUNK - 1) to apply a redelivery once. */
export const MAX_SEEN_IDS = 64;
/**
 * The newest ids are kept apart in a short list that each event copies; every SEEN_CHUNK events it
 * joins the older ones (one copy of MAX_SEEN_IDS), so an event copies about 13 ids, not 64.
 */
export const SEEN_CHUNK = 16;
/** A reply slower than this is a conversation picked up again, not a reply time. */
const MAX_REPLY_MS = 14 * DAY_MS;
const HOUR_MS = 3_600_000;

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

/** A recently active conversation. */
export interface Conversation {
  /** Hash of the conversation id (hashId). */
  h: number;
  /** Its contact's start: the earliest customer message (absent while only agents wrote). */
  s?: number;
  /** Its newest message: time and author (c = customer, a = agent), to measure reply times. */
  t: number;
  a: 'c' | 'a';
}

export interface CustomerState {
  v: 2;
  /** Time of the newest event applied; decayed sums are valued at this time, windows of day counts end with its day. */
  asOfMs: number;
  firstSeenMs: number;
  sinceMs?: number;
  plan?: string;
  contract?: Contract;
  /** Contacts (conversations with a customer message), on the day of their first customer message. */
  contacts: DayCounts;
  /** Contacts that started in the first 90 days of the relationship (kept beyond the counted days). */
  earlyContacts: number;
  escalations: DayCounts;
  latePayments: DayCounts;
  orders: DayCounts;
  usageDrops: DayCounts;
  downgrades: DayCounts;
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
  /** The most recently active conversations, least recent first (at most MAX_CONVERSATIONS, none silent for KEEP_MS). */
  conversations: readonly Conversation[];
  /** Hashes of the newest event ids applied (fewer than SEEN_CHUNK), oldest first. */
  seen: readonly number[];
  /** Hashes of the MAX_SEEN_IDS event ids applied before those, oldest first. */
  seenBefore: readonly number[];
}

export function emptyState(tsMs: number): CustomerState {
  return {
    v: 2, asOfMs: tsMs, firstSeenMs: tsMs, contacts: NO_COUNTS, earlyContacts: 0,
    escalations: NO_COUNTS, latePayments: NO_COUNTS, orders: NO_COUNTS, usageDrops: NO_COUNTS, downgrades: NO_COUNTS, crm: false,
    negShort: [0, 0], negLong: [0, 0], negBase: [0, 0], formalShort: [0, 0], formalLong: [0, 0], agentReply: [0, 0], custReplyShort: [0, 0], custReplyLong: [0, 0],
    conversations: [], seen: [], seenBefore: [],
  };
}

/**
 * A 53-bit hash of an id (two 32-bit multiply-xor lanes over its UTF-16 code units): the state only
 * compares ids, and a number is a fraction of a string's size. Two distinct ids collide with
 * probability about 2^-53, so among the 64 remembered event ids a new event is mistaken for a
 * redelivery with probability below 1e-14.
 */
export function hashId(id: string): number {
  let a = 0x811c9dc5, b = 0x2545f491 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a ^= a >>> 13;
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  b ^= b >>> 16;
  return (b >>> 11) * 0x1_0000_0000 + (a >>> 0);
}

const decay = (d: Decayed, f: number): Decayed => [d[0] * f, d[1] * f];
const add = (d: Decayed, hit: number, w: number): Decayed => [d[0] + hit * w, d[1] + w];
/** Weight of an observation at time t in a sum valued at asOfMs (1 for the newest). */
const weight = (s: CustomerState, t: number, tau: number): number => Math.exp(-Math.max(0, s.asOfMs - t) / tau);

/** Moves `s` (a copy this update owns) to time t: decays the sums (no-op when t is not newer). */
function advance(s: CustomerState, t: number): void {
  if (t <= s.asOfMs) return;
  const dt = t - s.asOfMs;
  const fs = Math.exp(-dt / SHORT_TAU_MS), fl = Math.exp(-dt / LONG_TAU_MS), fr = Math.exp(-dt / REPLY_LONG_TAU_MS);
  s.negShort = decay(s.negShort, fs); s.negLong = decay(s.negLong, fl); s.negBase = decay(s.negBase, fr);
  s.formalShort = decay(s.formalShort, fs); s.formalLong = decay(s.formalLong, fl);
  s.agentReply = decay(s.agentReply, fl); s.custReplyShort = decay(s.custReplyShort, fs); s.custReplyLong = decay(s.custReplyLong, fr);
  if (dayOf(t) > dayOf(s.asOfMs)) {
    // Once a day at most: forget conversations silent for KEEP_MS (at most MAX_CONVERSATIONS to look at).
    const cut = t - KEEP_MS;
    if (s.conversations.some((c) => c.t <= cut)) s.conversations = s.conversations.filter((c) => c.t > cut);
  }
  s.asOfMs = t;
}

function withSince(s: CustomerState, sinceMs: number | undefined): void {
  if (sinceMs !== undefined && Number.isFinite(sinceMs) && sinceMs <= s.asOfMs) s.sinceMs = sinceMs;
}

/** The conversations with `c` moved to (or added at) the end, the least recently active dropped beyond the cap. */
function touch(list: readonly Conversation[], at: number, c: Conversation): Conversation[] {
  const out = list.slice();
  if (at >= 0) out.splice(at, 1);
  else if (out.length >= MAX_CONVERSATIONS) out.shift();
  out.push(c);
  return out;
}

function reduceMessage(s: CustomerState, o: MessageObservation): void {
  withSince(s, o.customerSinceMs);
  if (o.author === 'system') return;
  const t = o.tsMs, h = hashId(o.conversationId), today = dayOf(s.asOfMs);
  let at = s.conversations.length - 1;
  while (at >= 0 && s.conversations[at]!.h !== h) at--;
  const prev = at >= 0 ? s.conversations[at] : undefined;
  // A late message does not replace the conversation's newest one.
  const last = prev && t < prev.t ? { t: prev.t, a: prev.a } : undefined;
  if (o.escalated) s.escalations = addOnDay(s.escalations, today, dayOf(t), 1);
  if (o.author === 'agent') {
    if (prev?.a === 'c' && t >= prev.t && t - prev.t <= MAX_REPLY_MS) s.agentReply = add(s.agentReply, (t - prev.t) / HOUR_MS, weight(s, t, LONG_TAU_MS));
    const lt = last?.t ?? t, la = last?.a ?? 'a';
    s.conversations = touch(s.conversations, at, prev?.s !== undefined ? { h, s: prev.s, t: lt, a: la } : { h, t: lt, a: la });
    return;
  }
  // Customer message.
  if (prev?.a === 'a' && t >= prev.t && t - prev.t <= MAX_REPLY_MS) {
    const hours = (t - prev.t) / HOUR_MS;
    s.custReplyShort = add(s.custReplyShort, hours, weight(s, t, SHORT_TAU_MS));
    s.custReplyLong = add(s.custReplyLong, hours, weight(s, t, REPLY_LONG_TAU_MS));
  }
  const neg = o.negative ? 1 : 0;
  s.negShort = add(s.negShort, neg, weight(s, t, SHORT_TAU_MS));
  s.negLong = add(s.negLong, neg, weight(s, t, LONG_TAU_MS));
  s.negBase = add(s.negBase, neg, weight(s, t, REPLY_LONG_TAU_MS));
  if (o.formal !== undefined) {
    const f = o.formal ? 1 : 0;
    s.formalShort = add(s.formalShort, f, weight(s, t, SHORT_TAU_MS));
    s.formalLong = add(s.formalLong, f, weight(s, t, LONG_TAU_MS));
  }
  let start = prev?.s;
  if (start === undefined) {
    // A new contact.
    if (s.sinceMs !== undefined && t - s.sinceMs < EARLY_PERIOD_MS) s.earlyContacts += 1;
    s.contacts = addOnDay(s.contacts, today, dayOf(t), 1);
    start = t;
  } else if (t < start) {
    // A late message of a known conversation: the contact started at its first message.
    s.contacts = addOnDay(addOnDay(s.contacts, today, dayOf(start), -1), today, dayOf(t), 1);
    start = t;
  }
  s.conversations = touch(s.conversations, at, { h, s: start, t: last?.t ?? t, a: last?.a ?? 'c' });
}

/** Maps a plan name onto the Telco contract vocabulary when it plainly says which one it is. */
export function contractOfPlan(plan: string): Contract | undefined {
  const p = plan.toLowerCase();
  if (/month.?to.?month|monthly|no.?commitment/.test(p)) return 'month-to-month';
  if (/(two|2).?y(ea)?r|24.?month/.test(p)) return 'two-year';
  if (/(one|1).?y(ea)?r|12.?month|annual|yearly/.test(p)) return 'one-year';
  return undefined;
}

function reduceBusiness(s: CustomerState, o: BusinessObservation, latest: boolean): void {
  withSince(s, o.customerSinceMs);
  s.crm = true;
  const t = o.tsMs, today = dayOf(s.asOfMs), day = dayOf(t);
  switch (o.type) {
    case 'payment_late': s.latePayments = addOnDay(s.latePayments, today, day, 1); return;
    case 'order_placed': s.orders = addOnDay(s.orders, today, day, 1); return;
    case 'usage_drop': s.usageDrops = addOnDay(s.usageDrops, today, day, 1); return;
    case 'cancellation': s.cancelledMs = t; return;
    case 'plan_change': {
      // A late plan_change does not overwrite the plan a newer one set.
      const toPlan = latest ? o.toPlan : undefined;
      if (toPlan !== undefined) {
        s.plan = toPlan;
        const contract = contractOfPlan(toPlan);
        if (contract) s.contract = contract;
      }
      if (o.downgrade) s.downgrades = addOnDay(s.downgrades, today, day, 1);
      return;
    }
  }
}

/**
 * Applies one observation. Pure: the input state is not modified. An observation whose time is not
 * finite is ignored (the caller validated events; this keeps a bad one from poisoning the state).
 */
export function reduceCustomer(state: CustomerState | undefined, o: CustomerObservation): CustomerState {
  if (!Number.isFinite(o.tsMs)) return state ?? emptyState(Date.now());
  const id = hashId(o.id);
  if (state && (state.seen.includes(id) || state.seenBefore.includes(id))) return state;
  const s: CustomerState = state ? { ...state } : emptyState(o.tsMs);
  const latest = o.tsMs >= s.asOfMs;
  advance(s, o.tsMs);
  if (o.kind === 'message') reduceMessage(s, o);
  else reduceBusiness(s, o, latest);
  if (o.tsMs < s.firstSeenMs) s.firstSeenMs = o.tsMs;
  if (s.seen.length < SEEN_CHUNK - 1) {
    const seen = s.seen.slice();
    seen.push(id);
    s.seen = seen;
  } else {
    const before = s.seenBefore.concat(s.seen, id);
    s.seenBefore = before.length > MAX_SEEN_IDS ? before.slice(before.length - MAX_SEEN_IDS) : before;
    s.seen = [];
  }
  return s;
}

/** Folds a sequence of observations (e.g. a simulated history) into one state. */
export function replay(observations: readonly CustomerObservation[], from?: CustomerState): CustomerState | undefined {
  return observations.reduce<CustomerState | undefined>((s, o) => reduceCustomer(s, o), from);
}
