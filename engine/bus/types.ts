import type { EventError } from '../event/errors.ts';

/** One message taken from the bus. The engine calls exactly one of ack/nak per envelope. */
export interface Envelope {
  subject: string;
  data: Uint8Array;
  /** Epoch ms at which the engine received the message. */
  receivedAtMs: number;
  /** 1 on first delivery, more on redelivery. */
  deliveryCount: number;
  ack(): void;
  /** Ask for redelivery, after `delayMs` if given. */
  nak(delayMs?: number): void;
}

/** What a dead-lettered message carries: the reason and the original payload, untouched. */
export interface DeadLetter {
  error: EventError;
  subject: string;
  /** The original payload as UTF-8 text (it may be invalid JSON: that can be the reason). */
  payload: string;
  receivedAtMs: number;
  deliveryCount: number;
}

export interface BusStatus {
  connected: boolean;
  description: string;
}

/**
 * The event bus: NATS JetStream in production, an in-process queue when nothing else runs.
 * Subjects: events on `cx.events.<channel>`, scores on `cx.scores.<channel>`, dead letters on `cx.dlq`.
 */
export interface EventBus {
  readonly kind: 'nats' | 'memory';
  readonly description: string;
  /** Idempotently create the stream(s) and the durable consumer. */
  init(): Promise<void>;
  /** Publish one event; `msgId` (the event id) makes a republish within the dedup window a no-op. */
  publishEvent(channel: string, data: Uint8Array, msgId: string): Promise<{ duplicate: boolean }>;
  /** Fire-and-forget style publish of a derived message (scores). */
  publish(subject: string, data: Uint8Array): Promise<void>;
  deadLetter(entry: DeadLetter): Promise<void>;
  /**
   * Messages for the engine, pulled as the caller iterates (the caller waits for capacity
   * before asking for the next one); the iteration ends after `stop()`.
   */
  messages(): AsyncIterable<Envelope>;
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
