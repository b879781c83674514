/**
 * Erasure on request (GDPR art. 17) as data: which customer, and what each place that keeps data
 * removed. Every part that keeps customer data answers with ErasedPlace entries.
 */

/** The customer to erase: the ids stores hold (the pseudonym, and the id as sent for data kept before pseudonymisation). */
export interface ErasureTarget {
  /** Every form of the id a store may hold: the pseudonym first. */
  readonly ids: readonly string[];
  /** Whether a customer id found in a message (as sent, or already pseudonymised) is this customer. */
  matches(customerId: string): boolean;
}

/** What one place removed: e.g. `{ place: 'clickhouse', what: 'cxpulse.scored_events', removed: 12 }`. */
export interface ErasedPlace {
  place: 'clickhouse' | 'file' | 'nats' | 'kv' | 'memory' | 'bus';
  what: string;
  removed: number;
}

/** The answer to an erasure request: what was removed where. */
export interface ErasureReport {
  /** The id the stores hold for the customer (the pseudonym; the id as given when pseudonymisation is off). */
  customerId: string;
  erasedAtMs: number;
  /** Rows, messages and entries removed, over every place. */
  removed: number;
  places: ErasedPlace[];
  /** Places that could not be erased (the request can be repeated: erasure is idempotent). */
  failures: { what: string; message: string }[];
  /** Every place answered. */
  complete: boolean;
  /** The erasure log entry was written (it holds a keyed hash of the id and the time only). */
  logged: boolean;
}

/** One line of the erasure log: a keyed hash of the id (never the id or its pseudonym) and the time. */
export interface ErasureLogEntry {
  idHash: string;
  erasedAtMs: number;
}

/** A part that keeps customer data in memory and can forget one customer. */
export interface ForgetsCustomers {
  /** Forgets everything held about the target; returns what went (entries with removed 0 are fine). */
  forgetCustomer(target: ErasureTarget): ErasedPlace[];
}

/** The customer ids found in a JSON value (an event, a batch, a DLQ payload), at any depth up to a bound. */
export function customerIdsIn(value: unknown, depth = 0, out: string[] = []): string[] {
  if (depth > 8 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const v of value) customerIdsIn(v, depth + 1, out);
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === 'customerId' && typeof v === 'string') out.push(v);
    else customerIdsIn(v, depth + 1, out);
  }
  return out;
}
