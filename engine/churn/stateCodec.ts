/**
 * The stored form of a customer state: UTF-8 JSON of the state, whose `v` says the format.
 *
 *   v2 (written now): day counts, recent conversations and id hashes (state.ts); bounded size.
 *   v1 (read only): lists of event times, conversation ids and event ids as strings. Read states
 *       are upgraded on the spot, so a bucket written by an older engine keeps its history; the
 *       next write stores v2.
 *
 * A value in no known format (corrupt, or from a newer engine) decodes to undefined: the customer
 * starts afresh rather than from a misread state.
 */
import type { Contract } from './features.ts';
import { addOnDay, dayOf, isDayCounts, KEEP_DAYS, NO_COUNTS, type DayCounts } from './dayCounts.ts';
import { hashId, MAX_CONVERSATIONS, MAX_SEEN_IDS, SEEN_CHUNK, type Conversation, type CustomerState, type Decayed } from './state.ts';

export const STATE_FORMAT_VERSION = 2;

/** The v1 state (lists of times and ids), as engines before v2 stored it. */
export interface CustomerStateV1 {
  v: 1;
  asOfMs: number;
  firstSeenMs: number;
  sinceMs?: number;
  plan?: string;
  contract?: Contract;
  contacts: { c: string; t: number }[];
  earlyContacts: number;
  escalations: number[];
  latePayments: number[];
  orders: number[];
  usageDrops: number[];
  downgrades: number[];
  crm: boolean;
  cancelledMs?: number;
  negShort: Decayed;
  negLong: Decayed;
  negBase: Decayed;
  formalShort: Decayed;
  formalLong: Decayed;
  agentReply: Decayed;
  custReplyShort: Decayed;
  custReplyLong: Decayed;
  open: { c: string; a: 'customer' | 'agent'; t: number }[];
  seen: string[];
}

const DECAYED = ['negShort', 'negLong', 'negBase', 'formalShort', 'formalLong', 'agentReply', 'custReplyShort', 'custReplyLong'] as const;
const COUNTED = ['contacts', 'escalations', 'latePayments', 'orders', 'usageDrops', 'downgrades'] as const;

const enc = new TextEncoder();
const dec = new TextDecoder();
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isDecayed = (x: unknown): x is Decayed => Array.isArray(x) && x.length === 2 && finite(x[0]) && finite(x[1]);
const optional = (x: unknown, ok: (y: unknown) => boolean): boolean => x === undefined || ok(x);

export function encodeState(s: CustomerState): Uint8Array {
  return enc.encode(JSON.stringify(s));
}

export function decodeState(bytes: Uint8Array | undefined): CustomerState | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(dec.decode(bytes));
  } catch {
    return undefined;
  }
  const v = (raw as { v?: unknown } | null)?.v;
  if (v === 2) return isStateV2(raw) ? shareEmpty(raw) : undefined;
  if (v === 1) return isStateV1(raw) ? upgradeV1(raw) : undefined;
  return undefined;
}

/** Empty counters point at the one shared empty value, as the reducer's do (most customers have most counters empty). */
function shareEmpty(s: CustomerState): CustomerState {
  for (const k of COUNTED) if (s[k].n === 0 && s[k].p.length === 0) s[k] = NO_COUNTS;
  return s;
}

function hasCommonFields(s: Record<string, unknown>): boolean {
  return finite(s['asOfMs']) && finite(s['firstSeenMs']) && optional(s['sinceMs'], finite) && optional(s['cancelledMs'], finite)
    && optional(s['plan'], (x) => typeof x === 'string') && optional(s['contract'], (x) => typeof x === 'string')
    && finite(s['earlyContacts']) && typeof s['crm'] === 'boolean' && DECAYED.every((k) => isDecayed(s[k]));
}

function isStateV2(x: unknown): x is CustomerState {
  const s = x as Record<string, unknown>;
  if (!hasCommonFields(s) || !COUNTED.every((k) => isDayCounts(s[k]))) return false;
  const conversations = s['conversations'], seen = s['seen'], before = s['seenBefore'];
  return Array.isArray(conversations) && conversations.length <= MAX_CONVERSATIONS
    && conversations.every((c: Partial<Conversation>) => finite(c?.h) && finite(c.t) && (c.a === 'c' || c.a === 'a') && optional(c.s, finite))
    && Array.isArray(seen) && seen.length < SEEN_CHUNK && seen.every(finite) && Array.isArray(before) && before.length <= MAX_SEEN_IDS && before.every(finite);
}

function isStateV1(x: unknown): x is CustomerStateV1 {
  const s = x as Record<string, unknown>;
  const times = (k: string) => Array.isArray(s[k]) && (s[k] as unknown[]).every(finite);
  return hasCommonFields(s) && ['escalations', 'latePayments', 'orders', 'usageDrops', 'downgrades'].every(times)
    && Array.isArray(s['contacts']) && (s['contacts'] as CustomerStateV1['contacts']).every((c) => typeof c?.c === 'string' && finite(c.t))
    && Array.isArray(s['open']) && (s['open'] as CustomerStateV1['open']).every((c) => typeof c?.c === 'string' && finite(c.t) && (c.a === 'customer' || c.a === 'agent'))
    && Array.isArray(s['seen']) && (s['seen'] as unknown[]).every((id) => typeof id === 'string');
}

/**
 * A v1 state as v2: its event times into day counts, its contacts and open conversations into the
 * conversation list (last message from `open` where v1 had it, else the contact's start), its event
 * ids into hashes. The decayed sums and the rest carry over unchanged, so the features read the same
 * but for what v2 counts by day (dayCounts.ts).
 */
export function upgradeV1(o: CustomerStateV1): CustomerState {
  const today = dayOf(o.asOfMs);
  const counts = (times: readonly number[]): DayCounts => times.reduce((c, t) => addOnDay(c, today, dayOf(t), 1), NO_COUNTS);
  const byId = new Map<string, Conversation>();
  for (const c of o.contacts) byId.set(c.c, { h: hashId(c.c), s: c.t, t: c.t, a: 'c' });
  for (const x of o.open) {
    const known = byId.get(x.c);
    const last = { t: Math.max(x.t, known?.t ?? x.t), a: x.a === 'customer' ? ('c' as const) : ('a' as const) };
    byId.set(x.c, known?.s !== undefined ? { h: known.h, s: known.s, ...last } : { h: hashId(x.c), ...last });
  }
  const cut = o.asOfMs - KEEP_DAYS * 86_400_000;
  const conversations = [...byId.values()].filter((c) => c.t > cut).sort((a, b) => a.t - b.t).slice(-MAX_CONVERSATIONS);
  const s: CustomerState = {
    v: 2, asOfMs: o.asOfMs, firstSeenMs: o.firstSeenMs,
    contacts: counts(o.contacts.map((c) => c.t)), earlyContacts: o.earlyContacts,
    escalations: counts(o.escalations), latePayments: counts(o.latePayments), orders: counts(o.orders), usageDrops: counts(o.usageDrops), downgrades: counts(o.downgrades),
    crm: o.crm,
    negShort: o.negShort, negLong: o.negLong, negBase: o.negBase, formalShort: o.formalShort, formalLong: o.formalLong,
    agentReply: o.agentReply, custReplyShort: o.custReplyShort, custReplyLong: o.custReplyLong,
    conversations, seen: [], seenBefore: o.seen.slice(-MAX_SEEN_IDS).map(hashId),
  };
  if (o.sinceMs !== undefined) s.sinceMs = o.sinceMs;
  if (o.plan !== undefined) s.plan = o.plan;
  if (o.contract !== undefined) s.contract = o.contract;
  if (o.cancelledMs !== undefined) s.cancelledMs = o.cancelledMs;
  return s;
}
