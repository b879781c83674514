import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { Logger } from '../../observability/index.ts';
import { DLQ_SUBJECT, EVENTS_SUBJECT_PREFIX, type DeadLetter, type Envelope, type EventBus } from '../types.ts';

export const DEFAULT_ACK_WAIT_MS = 30_000;
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60_000;
export const DLQ_STREAM = 'CX_DLQ';
const ms = (n: number) => n * 1_000_000; // JetStream durations are nanoseconds

export interface NatsBusOptions {
  url: string;
  stream: string;
  consumer: string;
  maxAckPending: number;
  /** How long a delivered, unacked message waits before redelivery (after a crash). */
  ackWaitMs?: number;
  log: Logger;
  /** Connect attempt timeout; a first connect that fails is an error, later outages reconnect. */
  connectTimeoutMs?: number;
}

/** Stream config for CX_EVENTS; `update` keeps an existing stream's data and adopts these settings. */
function eventsStream(name: string): Partial<StreamConfig> & { name: string } {
  return { name, subjects: [`${EVENTS_SUBJECT_PREFIX}>`], duplicate_window: ms(DEFAULT_DUPLICATE_WINDOW_MS) };
}

export async function createNatsBus(opts: NatsBusOptions): Promise<EventBus> {
  const nc: NatsConnection = await connect({
    servers: opts.url,
    name: 'cxpulse-engine',
    timeout: opts.connectTimeoutMs ?? 5000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
  });
  let connected = true;
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') connected = false;
      if (s.type === 'reconnect') connected = true;
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') opts.log.warn({ nats: s.type }, `nats ${s.type}`);
    }
  })();
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const js: JetStreamClient = jetstream(nc);
  let consuming: ConsumerMessages | undefined;
  let stopped = false;
  const enc = new TextEncoder();

  async function ensureStream(cfg: Partial<StreamConfig> & { name: string }): Promise<void> {
    try {
      await jsm.streams.info(cfg.name);
      await jsm.streams.update(cfg.name, cfg);
    } catch (e) {
      if (!/stream not found/i.test(String(e))) throw e;
      await jsm.streams.add(cfg);
    }
  }

  return {
    kind: 'nats',
    description: `nats ${opts.url} stream ${opts.stream}`,
    async init() {
      await ensureStream(eventsStream(opts.stream));
      await ensureStream({ name: DLQ_STREAM, subjects: [DLQ_SUBJECT] });
      const cfg = {
        durable_name: opts.consumer,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: ms(opts.ackWaitMs ?? DEFAULT_ACK_WAIT_MS),
        max_ack_pending: opts.maxAckPending,
        max_deliver: -1,
      };
      try {
        await jsm.consumers.info(opts.stream, opts.consumer);
        await jsm.consumers.update(opts.stream, opts.consumer, { ack_wait: cfg.ack_wait, max_ack_pending: cfg.max_ack_pending });
      } catch (e) {
        if (!/consumer not found/i.test(String(e))) throw e;
        await jsm.consumers.add(opts.stream, cfg);
      }
    },
    async publishEvent(channel, data, msgId) {
      const ack = await js.publish(`${EVENTS_SUBJECT_PREFIX}${channel}`, data, { msgID: msgId });
      return { duplicate: ack.duplicate };
    },
    async publish(subject, data) {
      nc.publish(subject, data);
    },
    async deadLetter(entry: DeadLetter) {
      const h = headers();
      h.set('Cx-Error-Code', entry.error.code);
      if (entry.error.field) h.set('Cx-Error-Field', entry.error.field);
      await js.publish(DLQ_SUBJECT, enc.encode(JSON.stringify(entry)), { headers: h });
    },
    async *messages() {
      const consumer = await js.consumers.get(opts.stream, opts.consumer);
      // A small pull buffer: the server holds the rest, and max_ack_pending bounds the total.
      consuming = await consumer.consume({ max_messages: 128 });
      if (stopped) await consuming.close();
      for await (const m of consuming) {
        // After stop(), hand back what the client had buffered so another instance gets it now.
        if (stopped) {
          m.nak();
          continue;
        }
        const env: Envelope = {
          subject: m.subject,
          data: m.data,
          receivedAtMs: Date.now(),
          deliveryCount: m.info.deliveryCount,
          ack: () => m.ack(),
          nak: (delay) => m.nak(delay),
        };
        yield env;
      }
    },
    async stop() {
      stopped = true;
      await consuming?.close();
    },
    async lag() {
      try {
        const info = await jsm.consumers.info(opts.stream, opts.consumer);
        return info.num_pending;
      } catch {
        return undefined;
      }
    },
    status: () => ({ connected: connected && !nc.isClosed(), description: `nats ${nc.getServer()}` }),
    async close() {
      stopped = true;
      if (!nc.isClosed()) await nc.drain();
    },
  };
}
