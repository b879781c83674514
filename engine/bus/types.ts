import type { EventError } from '../event/errors.ts';
import type { ErasedPlace, ErasureTarget } from '../event/erasure.ts';

/** One message taken from the bus. The engine calls exactly one of ack/nak per envelope. */
export interface Envelope {
  subject: string;
  data: Uint8Array;
  /** Epoch ms at which the engine received the message. */
  receivedAtMs: number;
  /** 1 on first delivery, more on redelivery. */
  deliveryCount: number;
  /** The bus's last delivery of a message is number `maxDeliver`; undefined: no limit. */
  maxDeliver?: number;
  /** The message's id on the bus, the same on every delivery (stream and sequence): the DLQ's de-duplication key. */
  busId?: string;
  /** When the bus stored the message (the same on every delivery); undefined when unknown. */
  storedAtMs?: number;
  ack(): void;
  /**
   * Ask for redelivery, after `delayMs` if given (the bus may wait longer: its backoff for this
   * delivery count). `reason` says what failed on this delivery; it becomes the message's last
   * error in its DLQ history.
   */
  nak(delayMs?: number, reason?: string): void;
  /** Still being worked on (a store outage): the bus must not redeliver it meanwhile. */
  working?(): void;
}

/** How a message got to the DLQ after repeated deliveries: the count and the last failure. */
export interface DeliveryHistory {
  deliveries: number;
  maxDeliver: number;
  /** What failed on the last delivery, when the engine knows (null: no instance reported one). */
  lastError: string | null;
}

/** What a dead-lettered message carries: the reason and the original payload, untouched. */
export interface DeadLetter {
  error: EventError;
  subject: string;
  /** The original payload as UTF-8 text (it may be invalid JSON: that can be the reason). */
  payload: string;
  receivedAtMs: number;
  deliveryCount: number;
  /** Set when the message went to the DLQ because its deliveries ran out. */
  history?: DeliveryHistory;
  /** The message's id on the bus (see Envelope.busId): one DLQ entry per message. */
  busId?: string;
  /** Set when `payload` was cut to DLQ_MAX_PAYLOAD_BYTES: the original size in bytes. */
  payloadBytes?: number;
}

export interface BusStatus {
  connected: boolean;
  description: string;
}

/**
 * The event bus: NATS JetStream in production, an in-process queue when nothing else runs.
 * Subjects: events on `cx.events.<channel>` (partitioned: `cx.events.<channel>.<k>`, engine/bus/partition.ts),
 * scores on `cx.scores.<channel>`, dead letters on `cx.dlq`.
 */
export interface EventBus {
  readonly kind: 'nats' | 'memory';
  readonly description: string;
  /** Idempotently create the stream(s) and the durable consumer. */
  init(): Promise<void>;
  /**
   * Publish one event; `msgId` (the event id) makes a republish within the dedup window a no-op.
   * `customerId` picks the partition (CXPULSE_PARTITIONS > 1, engine/bus/partition.ts); without
   * it the event goes to the un-partitioned `cx.events.<channel>`.
   */
  publishEvent(channel: string, data: Uint8Array, msgId: string, customerId?: string): Promise<{ duplicate: boolean }>;
  /** Fire-and-forget style publish of a derived message (scores). */
  publish(subject: string, data: Uint8Array): Promise<void>;
  /** Core (not stored) messages on `subject` from every instance, this one included; returns the unsubscribe. Absent: one process only. */
  subscribe?(subject: string, onMessage: (data: Uint8Array) => void): () => void;
  deadLetter(entry: DeadLetter): Promise<void>;
  /**
   * Messages for the engine, pulled as the caller iterates (the caller waits for capacity
   * before asking for the next one); the iteration ends after `stop()`.
   */
  messages(): AsyncIterable<Envelope>;
  /**
   * Messages the bus gave up on: delivered `maxDeliver` times and never acked (the engine crashed,
   * stalled or stopped while holding them), as DLQ entries with their history; the engine
   * dead-letters each. Ends after `stop()`. Absent: the bus never gives up on a message.
   */
  undeliverable?(): AsyncIterable<DeadLetter>;
  /**
   * Erasure on request: deletes the messages the bus still holds for this customer (events not
   * yet processed, dead letters) and says how many went from where.
   */
  eraseCustomer?(target: ErasureTarget): Promise<ErasedPlace[]>;
  /** Stop delivering new messages (in-flight envelopes can still be acked). */
  stop(): Promise<void>;
  /** Messages waiting for the engine's consumer, when known. */
  lag(): Promise<number | undefined>;
  status(): BusStatus;
  close(): Promise<void>;
}

export const EVENTS_SUBJECT_PREFIX = 'cx.events.';
export const SCORES_SUBJECT_PREFIX = 'cx.scores.';
export const DLQ_SUBJECT = 'cx.dlq';
/** Largest original payload a DLQ entry carries; a longer one is cut (and `payloadBytes` says by how much). */
export const DLQ_MAX_PAYLOAD_BYTES = 256 * 1024;
