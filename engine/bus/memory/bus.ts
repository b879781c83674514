import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { customerIdsIn, type ErasureTarget } from '../../event/erasure.ts';
import { writeFileAtomic } from '../../util/index.ts';
import { join } from 'node:path';
import { DLQ_SUBJECT, EVENTS_SUBJECT_PREFIX, type DeadLetter, type Envelope, type EventBus } from '../types.ts';
import { backoffFor } from '../deadLetter.ts';

export const MEMORY_DUPLICATE_WINDOW_MS = 2 * 60_000;

interface Queued {
  subject: string;
  data: Uint8Array;
  deliveryCount: number;
  seq: number;
  storedAtMs: number;
}

export interface MemoryBusOptions {
  /** Where dlq.jsonl is appended; none: dead letters are kept in memory only. */
  dlqDir?: string;
  /** Deliveries of one message; the pipeline dead-letters a message whose last delivery fails. */
  maxDeliver?: number;
  /** Waits before each redelivery after a failure, the last repeating. */
  backoffMs?: readonly number[];
  /** Applied to every DLQ entry before it is kept (the engine passes PII redaction). */
  sanitizeDeadLetter?: (entry: DeadLetter) => DeadLetter;
}

export interface MemoryBus extends EventBus {
  /** Dead letters kept since start (also appended to `<dir>/dlq.jsonl` when a dir is given). */
  readonly deadLetters: readonly DeadLetter[];
  /** Listen to derived publications (cx.scores.*). */
  onPublish(fn: (subject: string, data: Uint8Array) => void): void;
}

/**
 * An in-process bus so the engine runs with nothing but Node (demo, laptop). It behaves like the
 * JetStream path — dedup by message id, ack/nak with redelivery, a DLQ — but keeps nothing
 * across restarts except the DLQ file: for durability, run NATS.
 */
export function createMemoryBus(opts: MemoryBusOptions = {}): MemoryBus {
  const queue: Queued[] = [];
  let seq = 0;
  const seen = new Map<string, number>();
  const deadLetters: DeadLetter[] = [];
  const listeners: ((subject: string, data: Uint8Array) => void)[] = [];
  let wake: (() => void) | undefined;
  let stopped = false;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const enqueue = (q: Queued) => {
    queue.push(q);
    notify();
  };
  const pruneSeen = (now: number) => {
    if (seen.size < 10_000) return;
    for (const [id, at] of seen) if (now - at > MEMORY_DUPLICATE_WINDOW_MS) seen.delete(id);
  };

  return {
    kind: 'memory',
    description: 'in-process bus (no NATS configured or reachable)',
    deadLetters,
    onPublish: (fn) => void listeners.push(fn),
    async init() {
      if (opts.dlqDir) await mkdir(opts.dlqDir, { recursive: true });
    },
    async publishEvent(channel, data, msgId) {
      const now = Date.now();
      pruneSeen(now);
      const at = seen.get(msgId);
      if (at !== undefined && now - at <= MEMORY_DUPLICATE_WINDOW_MS) return { duplicate: true };
      seen.set(msgId, now);
      enqueue({ subject: `${EVENTS_SUBJECT_PREFIX}${channel}`, data, deliveryCount: 0, seq: ++seq, storedAtMs: now });
      return { duplicate: false };
    },
    async publish(subject, data) {
      for (const fn of listeners) fn(subject, data);
    },
    async deadLetter(raw) {
      const entry = opts.sanitizeDeadLetter ? opts.sanitizeDeadLetter(raw) : raw;
      deadLetters.push(entry);
      if (opts.dlqDir) await appendFile(join(opts.dlqDir, 'dlq.jsonl'), `${JSON.stringify(entry)}\n`);
      for (const fn of listeners) fn(DLQ_SUBJECT, new TextEncoder().encode(JSON.stringify(entry)));
    },
    async eraseCustomer(target: ErasureTarget) {
      const mine = (data: Uint8Array | string): boolean => {
        try {
          return customerIdsIn(JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data))).some((id) => target.matches(id));
        } catch {
          return false;
        }
      };
      const before = queue.length;
      queue.splice(0, queue.length, ...queue.filter((q) => !mine(q.data)));
      const letters = deadLetters.length;
      deadLetters.splice(0, deadLetters.length, ...deadLetters.filter((d) => !mine(d.payload)));
      const dropped = letters - deadLetters.length;
      // The DLQ file holds the entries of earlier runs too: rewrite it from itself, not from memory.
      let fileRemoved = 0;
      if (opts.dlqDir) {
        const path = join(opts.dlqDir, 'dlq.jsonl');
        let text = '';
        try {
          text = await readFile(path, 'utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        }
        const lines = text.split('\n').filter((l) => l !== '');
        const kept = lines.filter((l) => {
          try {
            return !mine((JSON.parse(l) as DeadLetter).payload);
          } catch {
            return true;
          }
        });
        fileRemoved = lines.length - kept.length;
        if (fileRemoved > 0) writeFileAtomic(path, kept.map((l) => `${l}\n`).join(''));
      }
      return [
        { place: 'bus' as const, what: 'in-process queue', removed: before - queue.length },
        { place: 'bus' as const, what: opts.dlqDir ? join(opts.dlqDir, 'dlq.jsonl') : 'in-process DLQ', removed: opts.dlqDir ? fileRemoved : dropped },
      ];
    },
    async *messages() {
      while (!stopped) {
        const q = queue.shift();
        if (!q) {
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        q.deliveryCount++;
        let settled = false;
        const env: Envelope = {
          subject: q.subject,
          data: q.data,
          receivedAtMs: Date.now(),
          deliveryCount: q.deliveryCount,
          ...(opts.maxDeliver !== undefined ? { maxDeliver: opts.maxDeliver } : {}),
          busId: `memory:${q.seq}`,
          storedAtMs: q.storedAtMs,
          ack: () => void (settled = true),
          nak: (delayMs) => {
            if (settled) return;
            settled = true;
            const wait = delayMs === undefined ? 0 : Math.max(delayMs, backoffFor(opts.backoffMs ?? [], q.deliveryCount));
            if (wait) setTimeout(() => enqueue(q), wait).unref();
            else enqueue(q);
          },
        };
        yield env;
      }
    },
    async stop() {
      stopped = true;
      notify();
    },
    lag: async () => queue.length,
    status: () => ({ connected: true, description: 'in-process bus' }),
    async close() {
      stopped = true;
      notify();
    },
  };
}
