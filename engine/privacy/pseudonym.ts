import { createHmac } from 'node:crypto';

/** Marks a pseudonym, so a reader (and `cxpulse erase`) can tell one from an id as the source sent it. */
export const PSEUDONYM_PREFIX = 'cxp_';
/** A pseudonym is the prefix and 128 bits of HMAC-SHA256 in base64url (22 characters). */
export const PSEUDONYM_PATTERN = /^cxp_[A-Za-z0-9_-]{22}$/;
/** Shortest CXPULSE_PSEUDONYM_KEY accepted: 32 characters. */
export const MIN_PSEUDONYM_KEY_LENGTH = 32;

/** Customer ids whose pseudonyms a pseudonymizer keeps at hand (up to twice as many: two generations). */
export const PSEUDONYM_CACHE_SIZE = 10_000;

/** Turns a customer id into the id cxpulse keeps; the identity when pseudonymisation is off. */
export interface Pseudonymizer {
  (customerId: string): string;
  readonly enabled: boolean;
  /** Drops the id from the in-memory cache of recent ids (erasure). */
  forget?(customerId: string): void;
  /** Whether the id is in that cache (what an erasure checks). */
  cached?(customerId: string): boolean;
  /** Drops every cached id whose pseudonym `match`es (an erasure announced by pseudonym hash); returns how many. */
  forgetWhere?(match: (pseudonym: string) => boolean): number;
}

/**
 * The one pseudonymisation of customer ids: HMAC-SHA256 keyed with CXPULSE_PSEUDONYM_KEY, so the
 * same customer gets the same id on every channel and nobody without the key can test guesses
 * (a bare hash of an e-mail address can be reversed by hashing candidate addresses). An id that is
 * already a pseudonym passes unchanged, so hashing twice (a replayed DLQ entry) changes nothing.
 * No key: ids pass as sent (the operator opted out).
 */
export function createPseudonymizer(key: string | undefined): Pseudonymizer {
  // The recent ids' pseudonyms: a customer writes several messages in a row, and an HMAC (with
  // its key set-up) per event was a visible share of the engine's CPU. In memory only, bounded:
  // two generations of at most PSEUDONYM_CACHE_SIZE ids each; when the newer fills up, the older
  // is dropped (no per-entry eviction, which costs a scan in a Map with many deleted entries).
  let newer = new Map<string, string>();
  let older = new Map<string, string>();
  const f = (customerId: string): string => {
    if (key === undefined) return customerId;
    let p = newer.get(customerId);
    if (p !== undefined) return p;
    p = older.get(customerId) ?? (PSEUDONYM_PATTERN.test(customerId) ? customerId : pseudonymOf(key, customerId));
    if (newer.size >= PSEUDONYM_CACHE_SIZE) {
      older = newer;
      newer = new Map();
    }
    newer.set(customerId, p);
    return p;
  };
  const forget = (customerId: string): void => {
    newer.delete(customerId);
    older.delete(customerId);
  };
  const cached = (customerId: string): boolean => newer.has(customerId) || older.has(customerId);
  const forgetWhere = (match: (pseudonym: string) => boolean): number => {
    let n = 0;
    for (const m of [newer, older]) for (const [id, p] of m) if (match(p) && m.delete(id)) n++;
    return n;
  };
  return Object.assign(f, { enabled: key !== undefined, forget, cached, forgetWhere });
}

export function pseudonymOf(key: string, customerId: string): string {
  return PSEUDONYM_PREFIX + createHmac('sha256', key).update(customerId, 'utf8').digest().subarray(0, 16).toString('base64url');
}

/**
 * What the erasure log keeps of an erased id: a keyed hash in its own domain, so the log neither
 * names the customer nor holds the pseudonym the stores used (it cannot link back to other data),
 * yet a second request for the same customer can be recognised by whoever holds the key.
 */
export function erasureLogHash(key: string, pseudonym: string): string {
  return createHmac('sha256', key).update(`erasure-log\u0000${pseudonym}`, 'utf8').digest('hex');
}

/**
 * What an instance tells the others about an erasure (core NATS, engine/runtime/eraseAcross.ts):
 * a keyed hash in its own domain, never the id or the pseudonym; an instance with the same key
 * recognises the customer among the ids it holds.
 */
export function erasureAnnounceHash(key: string, pseudonym: string): string {
  return createHmac('sha256', key).update(`erasure-announce\u0000${pseudonym}`, 'utf8').digest('hex');
}
