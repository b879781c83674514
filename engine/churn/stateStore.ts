/**
 * Where customer states live: an in-memory cache in front of a durable backend (NATS JetStream KV)
 * or in front of nothing (the in-process bus: states last as long as the process).
 *
 * Write-behind: `set` only updates the cache and marks the customer dirty; dirty states are
 * written in one burst `flushMs` after the first change (debounced), so persistence never sits in
 * the scoring path. A failed write keeps the state dirty for the next flush. `close` flushes.
 * A state lost in a crash between two flushes costs at most `flushMs` of history, which the next
 * events rebuild (the reducer ignores redelivered event ids it already applied).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { adoptReplicas, checkReplicasPossible, placementError } from '../bus/index.ts';
import type { CustomerState } from './state.ts';
import { decodeState, encodeState } from './stateCodec.ts';

export const DEFAULT_FLUSH_MS = 1000;
export const DEFAULT_KV_BUCKET = 'cxpulse-customers';
/** Customers kept in memory; beyond that the least recently used are dropped (after being written). */
export const DEFAULT_CACHE_SIZE = 100_000;
/**
 * How long scoring waits for the backend to read states: past it, the batch goes on without churn
 * (rather than stalling the pipeline through a NATS outage) and its states are not touched.
 */
export const DEFAULT_LOAD_TIMEOUT_MS = 1000;
/** A customer not heard of for a year is forgotten by the bucket (data minimisation). */
export const KV_TTL_MS = 365 * 86_400_000;

/** The durable part: bytes by customer id. */
export interface StateBackend {
  readonly description: string;
  get(customerId: string): Promise<Uint8Array | undefined>;
  put(customerId: string, value: Uint8Array): Promise<void>;
  delete(customerId: string): Promise<void>;
  close(): Promise<void>;
}

export interface CustomerStateStore {
  readonly description: string;
  /** Brings these customers' states into the cache (one backend read per customer not cached). */
  load(customerIds: readonly string[]): Promise<void>;
  /** The cached state (call `load` first). */
  get(customerId: string): CustomerState | undefined;
  /** Updates the cache; the backend write follows within `flushMs`. */
  set(customerId: string, state: CustomerState): void;
  /** Writes every dirty state now. */
  flush(): Promise<void>;
  /** Erasure on request: forgets the customer here and in the backend. */
  delete(customerId: string): Promise<void>;
  /** The customer ids cached now (erasure announced by another instance finds its customer among them). */
  cachedIds(): string[];
  /** States changed but not yet written. */
  dirty(): number;
  /** Flushes, then closes the backend. */
  close(): Promise<void>;
}

export interface StateStoreOptions {
  flushMs?: number;
  cacheSize?: number;
  loadTimeoutMs?: number;
  onFlushError?(error: Error, pending: number): void;
}

export function createStateStore(backend: StateBackend | undefined, o: StateStoreOptions = {}): CustomerStateStore {
  const flushMs = o.flushMs ?? DEFAULT_FLUSH_MS;
  const capacity = o.cacheSize ?? DEFAULT_CACHE_SIZE;
  const cache = new Map<string, CustomerState>();
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();

  const touch = (id: string, s: CustomerState): void => {
    cache.delete(id);
    cache.set(id, s);
    // Only clean entries are evicted: a dirty one would lose history it has not written yet.
    for (const k of cache.keys()) {
      if (cache.size <= capacity) break;
      if (!dirty.has(k) || !backend) cache.delete(k);
    }
  };

  async function writeDirty(): Promise<void> {
    if (!backend || dirty.size === 0) return void dirty.clear();
    const ids = [...dirty];
    dirty.clear();
    const failed: string[] = [];
    await Promise.all(ids.map(async (id) => {
      const s = cache.get(id);
      if (!s) return;
      await backend.put(id, encodeState(s)).catch((e: Error) => {
        failed.push(id);
        o.onFlushError?.(e, ids.length);
      });
    }));
    for (const id of failed) if (!dirty.has(id)) dirty.add(id);
    if (failed.length > 0) schedule();
  }

  function schedule(): void {
    if (timer || !backend) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, flushMs);
    timer.unref();
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    flushing = flushing.then(writeDirty, writeDirty);
    return flushing;
  }

  return {
    description: backend ? `${backend.description} (write-behind ${flushMs} ms)` : 'memory (not persisted)',
    async load(ids) {
      if (!backend) return;
      const missing = [...new Set(ids)].filter((id) => !cache.has(id));
      if (missing.length === 0) return;
      const reads = Promise.all(missing.map(async (id) => [id, decodeState(await backend.get(id))] as const));
      const limit = o.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`customer state store (${backend.description}) did not answer in ${limit} ms`)), limit);
      });
      reads.catch(() => undefined); // a read that fails after the timeout must not be an unhandled rejection
      const loaded = await Promise.race([reads, timeout]).finally(() => clearTimeout(timer));
      // A concurrent set() while we read wins: it is newer than the stored copy.
      for (const [id, s] of loaded) if (s && !cache.has(id)) touch(id, s);
    },
    get: (id) => cache.get(id),
    set(id, s) {
      touch(id, s);
      if (!backend) return;
      dirty.add(id);
      schedule();
    },
    flush,
    async delete(id) {
      cache.delete(id);
      dirty.delete(id);
      await backend?.delete(id);
    },
    dirty: () => dirty.size,
    cachedIds: () => [...cache.keys()],
    async close() {
      await flush();
      await backend?.close();
    },
  };
}

/** Customer ids may hold any character; KV keys may not: base64url keeps them valid and distinct. */
export const kvKey = (customerId: string): string => `c.${Buffer.from(customerId, 'utf8').toString('base64url')}`;

export interface KvBackendOptions {
  /** Replicas of the bucket's stream (CXPULSE_NATS_REPLICAS); unset: a new bucket gets 1, an existing one keeps its count. */
  replicas?: number;
  /** Told when an existing bucket cannot be moved to `replicas` (it keeps its count). */
  warn?: (msg: string, fields: Record<string, unknown>) => void;
}

/**
 * A JetStream KV bucket (created if missing, history 1, entries expire after a year) on a NATS
 * connection that this backend owns and closes.
 */
export async function openKvBackend(nc: NatsConnection, bucket = DEFAULT_KV_BUCKET, o: KvBackendOptions = {}): Promise<StateBackend> {
  checkReplicasPossible(nc, o.replicas);
  const stream = `KV_${bucket}`;
  const jsm = await jetstreamManager(nc);
  let kv: KV;
  try {
    // An existing bucket is opened as it is (nats.js reads its stream); its replica count is adopted below.
    kv = await new Kvm(nc).create(bucket, { history: 1, ttl: KV_TTL_MS, ...(o.replicas === undefined ? {} : { replicas: o.replicas }) });
  } catch (e) {
    throw placementError(e, stream, o.replicas) ?? e;
  }
  if (o.replicas !== undefined) {
    const current = (await jsm.streams.info(stream)).config.num_replicas;
    await adoptReplicas(jsm, stream, current, o.replicas, o.warn ?? (() => undefined));
  }
  return {
    description: `nats kv ${bucket}`,
    async get(id) {
      const e = await kv.get(kvKey(id));
      return e && e.operation === 'PUT' ? e.value : undefined;
    },
    async put(id, value) {
      await kv.put(kvKey(id), value);
    },
    async delete(id) {
      // Erasure: purge the key's subject from the bucket's stream, so not even a delete marker naming the key stays.
      await jsm.streams.purge(`KV_${bucket}`, { filter: `$KV.${bucket}.${kvKey(id)}` });
    },
    async close() {
      await nc.drain();
    },
  };
}
