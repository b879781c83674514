import { EVENTS_SUBJECT_PREFIX } from './types.ts';

/**
 * Partitioning of CX_EVENTS (CXPULSE_PARTITIONS = P > 1): every event of one customer goes to
 * `cx.events.<channel>.<k>` with k = fnv1a32(customerId) mod P, so one engine instance sees all
 * of a customer's events, in order: its conversations (cues, trends, waiting alerts), its churn
 * state and its next best actions stay local to that instance (ARCHITECTURE.md, "Scale-out").
 * P = 1 keeps the un-partitioned subject `cx.events.<channel>`.
 *
 * The hash is the one NATS's own `partition(P, ...)` subject mapping uses (32-bit FNV-1a of the
 * token's bytes, mod P), so a server mapping over a token that holds the customer id sends an
 * outside publisher's event to the same partition as the engine's own publishers would.
 */
export function fnv1a32(key: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(key, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The partition of a customer's events among `partitions`. */
export function partitionOf(customerId: string, partitions: number): number {
  return partitions <= 1 ? 0 : fnv1a32(customerId) % partitions;
}

/**
 * The subject an event is published on: `cx.events.<channel>` with one partition or no key
 * (an event whose customer is unknown: the owner of partition 0 takes these), else
 * `cx.events.<channel>.<k>`. Every publisher (HTTP ingest, connectors, bench) goes through this.
 */
export function eventSubject(channel: string, customerId: string | undefined, partitions: number): string {
  if (partitions <= 1 || customerId === undefined) return `${EVENTS_SUBJECT_PREFIX}${channel}`;
  return `${EVENTS_SUBJECT_PREFIX}${channel}.${partitionOf(customerId, partitions)}`;
}

/** The un-partitioned subjects (`cx.events.<channel>`: exactly one token after the prefix). */
export const LEGACY_EVENTS_FILTER = `${EVENTS_SUBJECT_PREFIX}*`;

/** The filter of partition k's consumer: any channel, partition token k. Disjoint from every other k and from the legacy filter. */
export const partitionFilter = (k: number): string => `${EVENTS_SUBJECT_PREFIX}*.${k}`;

/**
 * The durable consumers of one instance: with P = 1, the one `base` consumer over the whole
 * stream (today's name and filter, so an upgrade keeps its position); with P > 1, `base-p<k>`
 * per owned partition, and `base-legacy` on the owner of partition 0 for events published
 * without a partition (an outside publisher on `cx.events.<channel>`).
 */
export function consumersFor(base: string, partitions: number, owned: readonly number[]): { name: string; filter?: string }[] {
  if (partitions <= 1) return [{ name: base }];
  const out: { name: string; filter?: string }[] = owned.map((k) => ({ name: `${base}-p${k}`, filter: partitionFilter(k) }));
  if (owned.includes(0)) out.push({ name: `${base}-legacy`, filter: LEGACY_EVENTS_FILTER });
  return out;
}

/** The customer id to partition a published payload by: the event's, or a batch's first (a source's batch is one customer's). */
export function customerOf(event: unknown): string | undefined {
  const first: unknown = Array.isArray(event) ? event[0] : event;
  const id = (first as { customerId?: unknown } | null | undefined)?.customerId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
