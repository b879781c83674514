import { connect, headers, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  jetstream,
  jetstreamManager,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { Logger } from '../../observability/index.ts';
import { eventError } from '../../event/errors.ts';
import { customerIdsIn, type ErasedPlace, type ErasureTarget } from '../../event/erasure.ts';
import { DLQ_SUBJECT, EVENTS_SUBJECT_PREFIX, type DeadLetter, type Envelope, type EventBus } from '../types.ts';
import { backoffFor, deadLetterEntry } from '../deadLetter.ts';
import { consumersFor, eventSubject } from '../partition.ts';
import { withoutCredentials } from '../../util/index.ts';
import { adoptReplicas, checkReplicasPossible, placementError } from './replicas.ts';

export const DEFAULT_ACK_WAIT_MS = 30_000;
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60_000;
export const DLQ_STREAM = 'CX_DLQ';
export const DEFAULT_MAX_DELIVER = 10;
/** Raw events wait at most a day for the engine (nothing personal kept raw beyond a short window). */
export const DEFAULT_EVENTS_MAX_AGE_MS = 24 * 3_600_000;
/** Dead letters (redacted) are kept a week for someone to look at. */
export const DEFAULT_DLQ_MAX_AGE_MS = 7 * 24 * 3_600_000;
/** How CX_EVENTS lets go of a message: once acked (workqueue), once every consumer acked (interest), or only by age and size (limits). */
export type EventsRetention = 'workqueue' | 'interest' | 'limits';
export const DEFAULT_EVENTS_RETENTION: EventsRetention = 'workqueue';
/** Last failure reasons kept per message for its DLQ history (a bound, not a cache that matters). */
const MAX_REASONS = 10_000;
const ms = (n: number) => n * 1_000_000; // JetStream durations are nanoseconds

export interface NatsBusOptions {
  /** One server, or several members of a NATS cluster (the client tries each; NATS_URL parsed by engine/config). */
  servers: readonly string[];
  stream: string;
  /** The durable consumer's name; with partitions, the base of each partition's consumer name. */
  consumer: string;
  /** CXPULSE_PARTITIONS (default 1: un-partitioned subjects, one consumer named `consumer`). */
  partitions?: number;
  /** The partitions this instance consumes (default: all of them). */
  owned?: readonly number[];
  /** The engine clock for `receivedAtMs` (default Date.now; a test's virtual clock). */
  now?: () => number;
  maxAckPending: number;
  /** How long a delivered, unacked message waits before redelivery (after a crash). */
  ackWaitMs?: number;
  /** Deliveries of one message before the bus gives up on it (the consumer's max_deliver). */
  maxDeliver?: number;
  /** Waits before each redelivery, the last repeating (the consumer's backoff; none: ackWaitMs). */
  backoffMs?: readonly number[];
  /** When CX_EVENTS removes a message (default workqueue: once the engine acked it). */
  retention?: EventsRetention;
  /** Oldest message CX_EVENTS keeps, processed or not (0: no age limit). Default 24 h. */
  eventsMaxAgeMs?: number;
  /** Oldest entry CX_DLQ keeps (0: no age limit). Default 7 days. */
  dlqMaxAgeMs?: number;
  /** Applied to every DLQ entry before it is stored (the engine passes PII redaction). */
  sanitizeDeadLetter?: (entry: DeadLetter) => DeadLetter;
  log: Logger;
  /** Replicas of CX_EVENTS and CX_DLQ (CXPULSE_NATS_REPLICAS); unset: new streams get 1, existing ones keep theirs. */
  replicas?: number;
  /** Connect attempt timeout; a first connect that fails is an error, later outages reconnect. */
  connectTimeoutMs?: number;
}

const RETENTION: Record<EventsRetention, RetentionPolicy> = { workqueue: RetentionPolicy.Workqueue, interest: RetentionPolicy.Interest, limits: RetentionPolicy.Limits };

/** Stream config for CX_EVENTS; `update` keeps an existing stream's data and adopts these settings. */
export function eventsStream(name: string, o: Pick<NatsBusOptions, 'retention' | 'eventsMaxAgeMs'> = {}): Partial<StreamConfig> & { name: string } {
  return {
    name,
    subjects: [`${EVENTS_SUBJECT_PREFIX}>`],
    duplicate_window: ms(DEFAULT_DUPLICATE_WINDOW_MS),
    retention: RETENTION[o.retention ?? DEFAULT_EVENTS_RETENTION],
    max_age: ms(o.eventsMaxAgeMs ?? DEFAULT_EVENTS_MAX_AGE_MS),
  };
}

/** The command that moves an existing stream to another retention (JetStream cannot change it in place). */
export function retentionMigration(stream: string, consumer: string): string {
  return `stop every engine and connector, wait until \`nats consumer info ${stream} ${consumer}\` shows 0 unprocessed and 0 ack pending, then \`nats stream rm -f ${stream}\` and start the engine (it makes the stream anew)`;
}

/**
 * The consumer's delivery limits. JetStream's `backoff` is the ack wait of each delivery (its
 * first entry replaces ack_wait), so no entry is below the ack wait: a message in a slow batch
 * must not be redelivered while the engine still holds it. The server wants fewer entries than
 * max_deliver.
 */
export function consumerLimits(opts: Pick<NatsBusOptions, 'ackWaitMs' | 'maxDeliver' | 'backoffMs' | 'maxAckPending'>) {
  const ackWait = opts.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  const maxDeliver = opts.maxDeliver ?? DEFAULT_MAX_DELIVER;
  const backoff = (opts.backoffMs ?? []).slice(0, Math.max(0, maxDeliver - 1)).map((b) => ms(Math.max(ackWait, b)));
  return { ack_wait: ms(ackWait), max_ack_pending: opts.maxAckPending, max_deliver: maxDeliver, backoff };
}

/** The fields of a max-deliveries advisory the engine uses; undefined when it is not one. */
function parseAdvisory(data: Uint8Array): { seq: number; deliveries: number } | undefined {
  try {
    const a = JSON.parse(new TextDecoder().decode(data)) as { stream_seq?: unknown; deliveries?: unknown };
    if (typeof a.stream_seq !== 'number' || typeof a.deliveries !== 'number') return undefined;
    return { seq: a.stream_seq, deliveries: a.deliveries };
  } catch {
    return undefined;
  }
}

export async function createNatsBus(opts: NatsBusOptions): Promise<EventBus> {
  const nc: NatsConnection = await connect({
    servers: [...opts.servers],
    // In the order given: each instance can list its nearest server first; the rest are its fallbacks.
    noRandomize: true,
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
  const partitions = opts.partitions ?? 1;
  const owned = opts.owned ?? Array.from({ length: partitions }, (_, k) => k);
  const consumers = consumersFor(opts.consumer, partitions, owned);
  const names = new Set(consumers.map((c) => c.name));
  const now = opts.now ?? Date.now;
  let consuming: ConsumerMessages[] = [];
  let advisories: Subscription | undefined;
  let stopped = false;
  const enc = new TextEncoder();
  const maxDeliver = opts.maxDeliver ?? DEFAULT_MAX_DELIVER;
  const backoff = opts.backoffMs ?? [];
  /** Consumers that cannot deliver (deleted, not found), for /readyz; an entry is cleared by that consumer's next message. */
  const consumerProblems = new Map<string, string>();
  const consumerProblem = () => (consumerProblems.size === 0 ? undefined : [...consumerProblems.values()].join('; '));
  const watchConsumer = (name: string, c: ConsumerMessages) =>
    void (async () => {
      for await (const s of c.status()) {
        if (s.type === 'consumer_deleted' || s.type === 'consumer_not_found' || s.type === 'stream_not_found') {
          const problem = `${s.type.replace(/_/g, ' ')}: ${opts.stream}/${name}`;
          consumerProblems.set(name, problem);
          opts.log.error({ nats: s.type }, `nats ${problem}`);
        }
      }
    })();
  /** Why each message's latest delivery failed, by stream sequence, for its DLQ history. */
  const reasons = new Map<number, string>();
  const remember = (seq: number, reason: string) => {
    reasons.delete(seq);
    reasons.set(seq, reason);
    if (reasons.size > MAX_REASONS) reasons.delete(reasons.keys().next().value!);
  };

  /**
   * Creates the stream, or updates an existing one to `cfg`. JetStream refuses to change an
   * existing stream's retention: the stream is then updated without it (so max_age still
   * applies) and the log says how to migrate.
   */
  async function ensureStream(cfg: Partial<StreamConfig> & { name: string }): Promise<void> {
    let info;
    try {
      info = await jsm.streams.info(cfg.name);
    } catch (e) {
      if (!/stream not found/i.test(String(e))) throw e;
      try {
        await jsm.streams.add({ ...cfg, ...(opts.replicas === undefined ? {} : { num_replicas: opts.replicas }) });
      } catch (e) {
        throw placementError(e, cfg.name, opts.replicas) ?? e;
      }
      return;
    }
    await adoptReplicas(jsm, cfg.name, info.config.num_replicas, opts.replicas, (msg, fields) => opts.log.warn(fields, msg));
    if (cfg.retention === undefined || info.config.retention === cfg.retention) {
      await jsm.streams.update(cfg.name, cfg);
      return;
    }
    try {
      await jsm.streams.update(cfg.name, cfg);
    } catch (e) {
      const { retention: _wanted, ...rest } = cfg;
      await jsm.streams.update(cfg.name, rest);
      opts.log.warn(
        { stream: cfg.name, retention: info.config.retention, wanted: cfg.retention, err: String(e) },
        `stream ${cfg.name} keeps retention '${info.config.retention}' (JetStream cannot change it to '${cfg.retention}' in place); processed events stay until max_age. To migrate: ${retentionMigration(cfg.name, opts.consumer)}`,
      );
    }
  }
  const sanitize = opts.sanitizeDeadLetter ?? ((e: DeadLetter) => e);

  async function addConsumer(name: string, filter: string | undefined, limits: ReturnType<typeof consumerLimits>): Promise<void> {
    try {
      await jsm.consumers.add(opts.stream, { durable_name: name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...(filter === undefined ? {} : { filter_subject: filter }), ...limits });
    } catch (e) {
      if (!/workqueue/i.test(String(e))) throw e;
      const others: string[] = [];
      const named: string[] = [];
      let partitioned = false;
      for await (const c of jsm.consumers.list(opts.stream)) {
        named.push(`'${c.name}'`);
        others.push(`'${c.name}'${c.config.filter_subject ? ` (${c.config.filter_subject})` : ' (every subject)'}`);
        if (c.config.filter_subject) partitioned = true;
      }
      throw new Error(
        partitions <= 1 && partitioned
          ? `consumer '${name}' cannot be added to stream ${opts.stream}: the stream is partitioned (consumers ${others.join(', ')}), and this process has CXPULSE_PARTITIONS=1. Set CXPULSE_PARTITIONS (and CXPULSE_CONSUMER) as on the engines`
          : partitions <= 1
          ? `consumer '${name}' cannot be added to stream ${opts.stream}: it is a work queue, which takes one consumer (engine instances share it), and it has ${named.join(', ')}. ` +
              `Set CXPULSE_CONSUMER to that name, or remove the old one (nats consumer rm ${opts.stream} <name>) once it has nothing pending`
          : `consumer '${name}' (${filter}) cannot be added to stream ${opts.stream}: it is a work queue, whose consumers must not overlap, and it has ${others.join(', ')}. ` +
              `CXPULSE_PARTITIONS changed, or another CXPULSE_CONSUMER uses the stream: stop the engines, wait until the old consumers have nothing pending, remove them (nats consumer rm ${opts.stream} <name>), then start every instance with the same CXPULSE_PARTITIONS`,
        { cause: e },
      );
    }
  }

  /** Consumers of this engine's name left from another CXPULSE_PARTITIONS: what they hold is consumed by no one. */
  async function warnStaleConsumers(): Promise<void> {
    const all = consumersFor(opts.consumer, partitions, Array.from({ length: partitions }, (_, k) => k)).map((c) => c.name);
    for await (const c of jsm.consumers.list(opts.stream)) {
      const ours = c.name === opts.consumer || c.name.startsWith(`${opts.consumer}-p`) || c.name === `${opts.consumer}-legacy`;
      if (!ours || all.includes(c.name)) continue;
      opts.log.warn(
        { consumer: c.name, pending: c.num_pending, ackPending: c.num_ack_pending },
        `consumer '${c.name}' on ${opts.stream} does not belong to CXPULSE_PARTITIONS=${partitions}; its ${c.num_pending} pending events reach no engine. Remove it once empty (nats consumer rm ${opts.stream} ${c.name})`,
      );
    }
  }

  return {
    kind: 'nats',
    description: `nats ${withoutCredentials(opts.servers.join(', '))} stream ${opts.stream}`,
    async init() {
      checkReplicasPossible(nc, opts.replicas);
      await ensureStream(eventsStream(opts.stream, opts));
      await ensureStream({ name: DLQ_STREAM, subjects: [DLQ_SUBJECT], max_age: ms(opts.dlqMaxAgeMs ?? DEFAULT_DLQ_MAX_AGE_MS) });
      const limits = consumerLimits(opts);
      for (const c of consumers) {
        let existing = true;
        try {
          await jsm.consumers.info(opts.stream, c.name);
        } catch (e) {
          if (!/consumer not found/i.test(String(e))) throw e;
          existing = false;
        }
        // An existing consumer (an upgrade, or another instance) adopts these limits too: releases
        // before this one made it with max_deliver -1, which redelivers a poison message forever.
        if (existing) await jsm.consumers.update(opts.stream, c.name, limits);
        else await addConsumer(c.name, c.filter, limits);
      }
      if (partitions > 1) await warnStaleConsumers();
    },
    async publishEvent(channel, data, msgId, customerId) {
      const ack = await js.publish(eventSubject(channel, customerId, partitions), data, { msgID: msgId });
      return { duplicate: ack.duplicate };
    },
    async publish(subject, data) {
      nc.publish(subject, data);
    },
    subscribe(subject, onMessage) {
      const sub = nc.subscribe(subject, {
        callback: (err, m) => {
          if (!err) onMessage(m.data);
        },
      });
      return () => sub.unsubscribe();
    },
    async deadLetter(raw: DeadLetter) {
      const entry = sanitize(raw);
      const h = headers();
      h.set('Cx-Error-Code', entry.error.code);
      if (entry.error.field) h.set('Cx-Error-Field', entry.error.field);
      // The bus id as message id: a message dead-lettered twice (a redelivery, or every instance
      // hearing the same max-deliveries advisory) is stored once.
      await js.publish(DLQ_SUBJECT, enc.encode(JSON.stringify(entry)), { headers: h, ...(entry.busId ? { msgID: `dlq:${entry.busId}` } : {}) });
    },
    async *messages() {
      // A small pull buffer per consumer: the server holds the rest, and max_ack_pending bounds the total.
      const perConsumer = Math.max(16, Math.floor(128 / consumers.length));
      const sources: { name: string; messages: ConsumerMessages }[] = [];
      for (const c of consumers) {
        const consumer = await js.consumers.get(opts.stream, c.name);
        const messages = await consumer.consume({ max_messages: perConsumer });
        sources.push({ name: c.name, messages });
        consuming.push(messages);
        watchConsumer(c.name, messages);
      }
      if (stopped) await Promise.all(consuming.map((c) => c.close()));
      for await (const { name, value: m } of merge(sources.map((s) => ({ name: s.name, iterable: s.messages })))) {
        consumerProblems.delete(name);
        // After stop(), hand back what the client had buffered so another instance gets it now.
        if (stopped) {
          m.nak();
          continue;
        }
        const dc = m.info.deliveryCount;
        const env: Envelope = {
          subject: m.subject,
          data: m.data,
          receivedAtMs: now(),
          deliveryCount: dc,
          maxDeliver,
          busId: `${opts.stream}:${m.seq}`,
          storedAtMs: m.time.getTime(),
          ack: () => {
            reasons.delete(m.seq);
            m.ack();
          },
          nak: (delay, reason) => {
            if (reason !== undefined) remember(m.seq, reason);
            // No delay: hand it to another instance now (a stop); else at least this delivery's backoff.
            m.nak(delay === undefined ? undefined : Math.max(delay, backoffFor(backoff, dc)));
          },
          working: () => m.working(),
        };
        yield env;
      }
    },
    async *undeliverable() {
      // Only this instance's consumers: each message's advisory is handled by the one instance that owns its partition.
      const prefix = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${opts.stream}.`;
      advisories = nc.subscribe(consumers.length === 1 ? `${prefix}${opts.consumer}` : `${prefix}*`);
      if (stopped) advisories.unsubscribe();
      for await (const a of advisories) {
        if (!names.has(a.subject.slice(prefix.length))) continue;
        const info = parseAdvisory(a.data);
        if (!info) continue;
        try {
          const stored = await jsm.streams.getMessage(opts.stream, { seq: info.seq });
          if (!stored) continue;
          const lastError = reasons.get(info.seq) ?? null;
          reasons.delete(info.seq);
          const message = `no instance acknowledged this message in ${info.deliveries} deliveries (the last ${lastError === null ? 'was not acknowledged in time: the engine stopped, crashed or stalled while holding it' : `failed: ${lastError}`})`;
          yield deadLetterEntry(
            { subject: stored.subject, data: stored.data, receivedAtMs: Date.now(), deliveryCount: info.deliveries, busId: `${opts.stream}:${info.seq}` },
            eventError('CX_ERR_MAX_DELIVERIES', message),
            { deliveries: info.deliveries, maxDeliver, lastError },
          );
        } catch (err) {
          // Gone from the stream (limits) or NATS away: nothing left to dead-letter from here.
          opts.log.warn({ err, seq: info.seq }, 'max-deliveries advisory: message could not be read');
        }
      }
    },
    async eraseCustomer(target) {
      const out: ErasedPlace[] = [];
      for (const [stream, idsOf] of [[opts.stream, eventCustomerIds], [DLQ_STREAM, deadLetterCustomerIds]] as const) {
        out.push({ place: 'nats', what: `stream ${stream}`, removed: await eraseFromStream(jsm, stream, target, idsOf) });
      }
      return out;
    },
    async stop() {
      stopped = true;
      advisories?.unsubscribe();
      await Promise.all(consuming.map((c) => c.close()));
    },
    async lag() {
      try {
        let pending = 0;
        for (const c of consumers) pending += (await jsm.consumers.info(opts.stream, c.name)).num_pending;
        return pending;
      } catch {
        return undefined;
      }
    },
    status: () => ({
      connected: connected && !nc.isClosed() && consumerProblem() === undefined,
      description: consumerProblem() === undefined ? `nats ${nc.getServer()}` : `nats ${nc.getServer()}: ${consumerProblem()}`,
    }),
    async close() {
      stopped = true;
      if (!nc.isClosed()) await nc.drain();
    },
  };
}

/**
 * Several async iterables as one, each item with its source's name; one pending `next()` per
 * source, so each is pulled only as fast as the caller takes items (backpressure holds). Ends when
 * every source has ended.
 */
async function* merge<T>(sources: readonly { name: string; iterable: AsyncIterable<T> }[]): AsyncGenerator<{ name: string; value: T }> {
  const its = sources.map((s) => ({ name: s.name, it: s.iterable[Symbol.asyncIterator]() }));
  if (its.length === 1) {
    const { name, it } = its[0]!;
    for (let r = await it.next(); !r.done; r = await it.next()) yield { name, value: r.value };
    return;
  }
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<T> }>>();
  const pull = (i: number) => pending.set(i, its[i]!.it.next().then((r) => ({ i, r })));
  its.forEach((_, i) => pull(i));
  while (pending.size > 0) {
    const { i, r } = await Promise.race(pending.values());
    if (r.done) {
      pending.delete(i);
      continue;
    }
    pull(i);
    yield { name: its[i]!.name, value: r.value };
  }
}

const dec = new TextDecoder();

function parse(data: Uint8Array): unknown {
  try {
    return JSON.parse(dec.decode(data));
  } catch {
    return undefined;
  }
}

/** An event message (one event, or a batch a source sent as one): its customer ids. */
const eventCustomerIds = (data: Uint8Array): string[] => customerIdsIn(parse(data));

/** A DLQ entry: the customer ids in its original payload (kept as text). */
function deadLetterCustomerIds(data: Uint8Array): string[] {
  const entry = parse(data) as { payload?: unknown } | undefined;
  if (typeof entry?.payload !== 'string') return [];
  try {
    return customerIdsIn(JSON.parse(entry.payload));
  } catch {
    return [];
  }
}

/**
 * Reads every message the stream holds, by sequence (a work-queue stream allows no second
 * consumer, so no consumer is used), and deletes those of the customer, overwriting their data
 * (`erase`). Returns how many went.
 */
async function eraseFromStream(jsm: JetStreamManager, stream: string, target: ErasureTarget, idsOf: (data: Uint8Array) => string[]): Promise<number> {
  let info;
  try {
    info = await jsm.streams.info(stream);
  } catch (e) {
    if (/stream not found/i.test(String(e))) return 0;
    throw e;
  }
  if (info.state.messages === 0) return 0;
  let removed = 0;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    let m;
    try {
      m = await jsm.streams.getMessage(stream, { seq });
    } catch (e) {
      if (/no message found|not found/i.test(String(e))) continue;
      throw e;
    }
    if (!m || !idsOf(m.data).some((id) => target.matches(id))) continue;
    if (await jsm.streams.deleteMessage(stream, seq, true)) removed++;
  }
  return removed;
}
