import { createHmac } from 'node:crypto';

/** Marks a pseudonym, so a reader (and `cxpulse erase`) can tell one from an id as the source sent it. */
export const PSEUDONYM_PREFIX = 'cxp_';
/** A pseudonym is the prefix and 128 bits of HMAC-SHA256 in base64url (22 characters). */
export const PSEUDONYM_PATTERN = /^cxp_[A-Za-z0-9_-]{22}$/;
/** Shortest CXPULSE_PSEUDONYM_KEY accepted: 32 characters. */
export const MIN_PSEUDONYM_KEY_LENGTH = 32;

/** Turns a customer id into the id cxpulse keeps; the identity when pseudonymisation is off. */
export interface Pseudonymizer {
  (customerId: string): string;
  readonly enabled: boolean;
}

/**
 * The one pseudonymisation of customer ids: HMAC-SHA256 keyed with CXPULSE_PSEUDONYM_KEY, so the
 * same customer gets the same id on every channel and nobody without the key can test guesses
 * (a bare hash of an e-mail address can be reversed by hashing candidate addresses). An id that is
 * already a pseudonym passes unchanged, so hashing twice (a replayed DLQ entry) changes nothing.
 * No key: ids pass as sent (the operator opted out).
 */
export function createPseudonymizer(key: string | undefined): Pseudonymizer {
  const f = (customerId: string): string => {
    if (key === undefined || PSEUDONYM_PATTERN.test(customerId)) return customerId;
    return pseudonymOf(key, customerId);
  };
  return Object.assign(f, { enabled: key !== undefined });
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
