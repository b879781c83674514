import type { EventBus } from '../bus/index.ts';
import type { ErasedPlace, ErasureTarget, ForgetsCustomers } from '../event/index.ts';
import type { Logger } from '../observability/index.ts';
import { erasureAnnounceHash, type Pseudonymizer } from '../privacy/index.ts';
import type { CustomerStateStore } from '../churn/index.ts';

/** What erasure needs of the churn customer states. */
export type StateParts = Pick<CustomerStateStore, 'load' | 'get' | 'delete' | 'description' | 'cachedIds'>;

/**
 * Scale-out erasure: `DELETE /v1/customers/:id` (or `cxpulse erase`) on one instance erases the
 * bus, the store and the KV states, which all instances share, but the customer's conversations,
 * cues, waiting conversations, next best actions and cached churn state live in the memory of the
 * instance that owns its partition, and its events in every instance's feed snapshot (the feed is
 * relayed). So the erasing process announces it on core NATS `cx.internal.erase`, and every other
 * instance forgets the customer from its memory and cached state, at once and again after the
 * settle time (events already in its pipeline). The message holds a keyed hash of the customer's
 * pseudonym (erasureAnnounceHash, keyed with CXPULSE_PSEUDONYM_KEY, which instances share), never
 * the id or the pseudonym; an instance finds the customer by hashing the ids it holds.
 * Not stored and not acknowledged: an instance that is down holds no memory to forget.
 */
export const ERASE_SUBJECT = 'cx.internal.erase';

const enc = new TextEncoder();
const dec = new TextDecoder();

export interface ErasureAnnouncement {
  /** The sending instance; null from `cxpulse erase`, which has no index. */
  from: number | null;
  hash: string;
}

export function encodeAnnouncement(a: ErasureAnnouncement): Uint8Array {
  return enc.encode(JSON.stringify(a));
}

export function decodeAnnouncement(data: Uint8Array): ErasureAnnouncement | undefined {
  try {
    const m = JSON.parse(dec.decode(data)) as Partial<ErasureAnnouncement>;
    if ((m.from !== null && !Number.isSafeInteger(m.from)) || typeof m.hash !== 'string' || !/^[0-9a-f]{64}$/.test(m.hash)) return undefined;
    return { from: m.from ?? null, hash: m.hash };
  } catch {
    return undefined;
  }
}

/** The announcement of an erasure: sent by `announce` of customerEraser. */
export function announcer(bus: Pick<EventBus, 'publish'>, from: number | null, key: () => string): (target: ErasureTarget) => void {
  return (target) => void bus.publish(ERASE_SUBJECT, encodeAnnouncement({ from, hash: erasureAnnounceHash(key(), target.ids[0]!) })).catch(() => undefined);
}

/** The target of an announced erasure: ids unknown, an id held here matches when its pseudonym hashes to the announced hash. */
export function announcedTarget(hash: string, key: string, pseudonymize: Pseudonymizer): ErasureTarget {
  const seen = new Map<string, boolean>();
  return {
    ids: [],
    matches(c) {
      let m = seen.get(c);
      if (m === undefined) seen.set(c, (m = erasureAnnounceHash(key, pseudonymize(c)) === hash));
      return m;
    },
  };
}

export interface ErasureListener {
  instance: number;
  memory: readonly ForgetsCustomers[];
  states?: StateParts;
  pseudonymize: Pseudonymizer;
  logKey(): string;
  log: Logger;
  settleMs: number;
}

/** Forgets, on this instance, the customers other processes announce as erased; returns the unsubscribe. */
export function listenForErasures(bus: Required<Pick<EventBus, 'subscribe'>>, o: ErasureListener): () => void {
  const timers = new Set<NodeJS.Timeout>();
  const forget = async (target: ErasureTarget) => {
    let removed = 0;
    for (const m of o.memory) for (const e of m.forgetCustomer(target)) removed += e.removed;
    // The raw ids this instance saw, kept with their pseudonyms: a pseudonym passes pseudonymize unchanged, so matches() tests it.
    removed += o.pseudonymize.forgetWhere?.((p) => target.matches(p)) ?? 0;
    if (o.states) for (const e of await forgetStates(o.states, target)) removed += e.removed;
    return removed;
  };
  const stop = bus.subscribe(ERASE_SUBJECT, (data) => {
    const a = decodeAnnouncement(data);
    if (!a) return o.log.warn({ subject: ERASE_SUBJECT }, 'ignored a malformed erasure announcement');
    if (a.from === o.instance) return; // erased here by the request itself
    const target = announcedTarget(a.hash, o.logKey(), o.pseudonymize);
    const run = (pass: number) =>
      forget(target).then(
        (removed) => o.log.info({ removed, pass }, `announced erasure: ${removed} items forgotten here`),
        (err: Error) => o.log.warn({ err: err.message }, 'announced erasure: forgetting failed here'),
      );
    void run(1);
    const t = setTimeout(() => {
      timers.delete(t);
      void run(2);
    }, o.settleMs);
    timers.add(t);
  });
  return () => {
    stop();
    for (const t of timers) clearTimeout(t);
  };
}

/** The customer's states: by each id of the target, and any cached id it matches (the same customer under another form). */
export async function forgetStates(s: StateParts, target: ErasureTarget): Promise<ErasedPlace[]> {
  let removed = 0;
  const ids = new Set(target.ids);
  for (const x of s.cachedIds()) if (target.matches(x)) ids.add(x);
  for (const x of ids) {
    await s.load([x]);
    if (s.get(x) !== undefined) removed++;
    await s.delete(x);
  }
  return [{ place: s.description.startsWith('memory') ? 'memory' : 'kv', what: `customer state (${s.description})`, removed }];
}
