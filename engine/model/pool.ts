/**
 * Scoring on worker threads: featurize + the forward pass of every head, the CPU-heavy part of a
 * micro-batch, on `size` threads (CXPULSE_WORKERS), each holding its own copy of the model folder.
 * The main thread keeps the stream (bus, redaction, language, conversation and churn state, store,
 * feed) and asks the pool for each batch's scores.
 *
 * Model versions: every reply names the version that scored it, and a batch is only sent to a
 * worker that holds the version the pipeline pinned for it. After a reload or promote the registry
 * calls load(dir); until a worker has loaded the new folder it holds no matching version, so the
 * batch is scored on the main thread (score() answers undefined). A worker that fails, crashes or
 * answers with another version rejects; the caller then scores the batch on the main thread, where
 * a failing item is retried alone and dead-lettered as before. A crashed worker is started again.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextScores } from '../event/types.ts';
import type { LoadOptions } from './scorer.ts';
import type { WorkerReply, WorkerRequest } from './workerProtocol.ts';

export interface PoolOptions {
  size: number;
  /** Model folder the workers load first. */
  dir: string;
  /** TF.js backend the engine chose (workers use the same). */
  backend: string;
  load?: LoadOptions;
  /** Worker life events, for the log. */
  onEvent?(e: PoolEvent): void;
}

export type PoolEvent =
  | { kind: 'loaded'; worker: number; version: string }
  | { kind: 'load-failed'; worker: number; message: string }
  | { kind: 'crashed'; worker: number; message: string; restartInMs: number };

interface Pending {
  resolve(scores: TextScores[]): void;
  reject(err: Error): void;
  version: string;
}

interface Slot {
  index: number;
  worker: Worker;
  /** Version of the model this worker holds; undefined until its first load. */
  version: string | undefined;
  pending: Map<number, Pending>;
  /** Load requests in order (replies come in request order). */
  loads: (() => void)[];
  alive: boolean;
}

const FIRST_RESTART_MS = 1000;
const MAX_RESTART_MS = 30_000;

const HERE = fileURLToPath(import.meta.url);
const ENTRY = new URL(`./scoreWorker${extname(HERE)}`, import.meta.url);

/** A worker running scoreWorker; from the sources (dev, tests) through tsx's loader, registered in the thread before its body is imported. */
function spawnWorker(workerData: unknown): Worker {
  if (extname(HERE) !== '.ts') return new Worker(ENTRY, { workerData });
  const tsx = tsxLoader();
  const code = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(ENTRY.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}

/** tsx's ESM loader API (a dev dependency: only the sources need it). */
function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    // Where import.meta.resolve is missing (a test runner's module shim): the ESM file beside tsx's package.json.
    return pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  }
}

export class ScoringPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private dir: string;
  private closed = false;
  private restartMs = FIRST_RESTART_MS;
  private readonly first: Promise<void>;

  constructor(private readonly opts: PoolOptions) {
    this.dir = opts.dir;
    const firstLoads: Promise<void>[] = [];
    for (let i = 0; i < opts.size; i++) {
      const slot = this.spawn(i);
      this.slots.push(slot);
      firstLoads.push(this.loadOn(slot, this.dir));
    }
    this.first = Promise.all(firstLoads).then(() => undefined);
  }

  get size(): number {
    return this.slots.length;
  }

  /** Settles once every worker has answered its first load (loaded or not). */
  ready(): Promise<void> {
    return this.first;
  }

  /** Model versions the live workers hold, one entry per worker (undefined: none yet). */
  versions(): (string | undefined)[] {
    return this.slots.map((s) => (s.alive ? s.version : undefined));
  }

  /**
   * Featurizes and scores `texts` on the least busy worker holding `version`; undefined when none
   * does (a reload in progress, or no worker up), and the caller scores on the main thread. The
   * promise rejects when the worker fails, crashes or scored with another version.
   */
  score(version: string, texts: readonly string[], langs: readonly (string | undefined)[]): Promise<TextScores[]> | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.alive && s.version === version && (!best || s.pending.size < best.pending.size)) best = s;
    if (!best) return undefined;
    const slot = best;
    const id = this.nextId++;
    return new Promise<TextScores[]>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject, version });
      this.post(slot, { type: 'score', id, texts, langs });
    });
  }

  /** Every worker loads `dir` (a reload or promote made it active); settles when all have answered. */
  load(dir: string): Promise<void> {
    this.dir = dir;
    return Promise.all(this.slots.filter((s) => s.alive).map((s) => this.loadOn(s, dir))).then(() => undefined);
  }

  /** Stops every worker; pending batches reject (their callers score on the main thread). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private post(slot: Slot, req: WorkerRequest): void {
    slot.worker.postMessage(req);
  }

  private loadOn(slot: Slot, dir: string): Promise<void> {
    return new Promise<void>((resolve) => {
      slot.loads.push(resolve);
      this.post(slot, { type: 'load', dir });
    });
  }

  private spawn(index: number): Slot {
    const worker = spawnWorker({ backend: this.opts.backend, load: this.opts.load ?? {} });
    // A scoring worker must never keep the process alive on its own.
    worker.unref();
    const slot: Slot = { index, worker, version: undefined, pending: new Map(), loads: [], alive: true };
    worker.on('message', (m: WorkerReply) => this.onReply(slot, m));
    worker.on('error', (err) => this.onDown(slot, err.message));
    worker.on('exit', (code) => this.onDown(slot, `exited with code ${code}`));
    return slot;
  }

  private onReply(slot: Slot, m: WorkerReply): void {
    if (m.type === 'loaded' || m.type === 'load-failed') {
      if (m.type === 'loaded') {
        slot.version = m.version;
        this.restartMs = FIRST_RESTART_MS;
        this.opts.onEvent?.({ kind: 'loaded', worker: slot.index, version: m.version });
      } else {
        // The folder the registry accepted did not load here: hold no version, so batches go to the main thread.
        slot.version = undefined;
        this.opts.onEvent?.({ kind: 'load-failed', worker: slot.index, message: m.message });
      }
      slot.loads.shift()?.();
      return;
    }
    const p = slot.pending.get(m.id);
    if (!p) return;
    slot.pending.delete(m.id);
    if (m.type === 'failed') p.reject(new Error(`scoring worker ${slot.index}: ${m.message}`));
    else if (m.version !== p.version) p.reject(new Error(`scoring worker ${slot.index} scored with ${m.version}, not ${p.version}`));
    else p.resolve(m.scores);
  }

  private onDown(slot: Slot, why: string): void {
    if (!slot.alive) return;
    slot.alive = false;
    for (const p of slot.pending.values()) p.reject(new Error(`scoring worker ${slot.index} ${why}`));
    slot.pending.clear();
    for (const done of slot.loads.splice(0)) done();
    if (this.closed) return;
    const wait = this.restartMs;
    this.restartMs = Math.min(MAX_RESTART_MS, this.restartMs * 2);
    this.opts.onEvent?.({ kind: 'crashed', worker: slot.index, message: why, restartInMs: wait });
    setTimeout(() => {
      if (this.closed) return;
      const next = this.spawn(slot.index);
      this.slots[slot.index] = next;
      void this.loadOn(next, this.dir);
    }, wait).unref();
  }
}
