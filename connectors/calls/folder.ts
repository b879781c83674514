import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from '../../engine/observability/index.ts';
import { BusUnavailableError, connectorError, decodeJson, isObject, type ConnectorError, type ConnectorPublisher } from '../shared/index.ts';
import { DEFAULT_RESCAN_MS, DEFAULT_SETTLE_MS, type CallsConfig } from './config.ts';
import { ingestCall } from './ingest.ts';

export const DONE_DIR = 'done';
export const FAILED_DIR = 'failed';
const SIDECAR = '.meta.json';

export interface CallsFolderOptions {
  dir: string;
  publisher: ConnectorPublisher;
  config: CallsConfig;
  maxTextBytes: number;
  log?: Logger;
}

export interface CallsFolderWatcher {
  /** Look at every file now (start-up does this once; a timer repeats it). */
  scan(): Promise<void>;
  /** Resolves when every file seen so far has been handled. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Call files are `*.json`; `<name>.meta.json` beside one is its metadata (for bare Transcribe output). */
const isCallFile = (name: string) => name.endsWith('.json') && !name.endsWith(SIDECAR) && !name.startsWith('.');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settled(path: string, settleMs: number): Promise<boolean> {
  try {
    const a = await stat(path);
    if (!a.isFile()) return false;
    await sleep(settleMs);
    const b = await stat(path);
    return a.size === b.size && a.mtimeMs === b.mtimeMs;
  } catch {
    return false; // gone (moved by us, or by the writer)
  }
}

async function readSidecar(path: string): Promise<{ meta: Record<string, unknown>; present: boolean } | { error: ConnectorError }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return { meta: {}, present: false };
  }
  const d = decodeJson(bytes, basename(path));
  if (!d.ok) return { error: d.error };
  if (!isObject(d.value)) return { error: connectorError('CX_ERR_NOT_AN_OBJECT', `${basename(path)} must be a JSON object of call metadata`) };
  return { meta: d.value, present: true };
}

/**
 * Watches `dir` for call files (fs.watch plus a scan at start and every `rescanMs`, since watch
 * events can be missed). A processed file moves to `done/`; a refused one to `failed/` with
 * `<name>.error.txt` beside it (and a DLQ entry); when the bus stays away the file is left where
 * it is and retried on the next scan. Writers should write under another name and rename into
 * place; a file still growing is left for a later look.
 */
export async function watchCallsFolder(opts: CallsFolderOptions): Promise<CallsFolderWatcher> {
  const { dir, log } = opts;
  const settleMs = opts.config.settleMs ?? DEFAULT_SETTLE_MS;
  await mkdir(join(dir, DONE_DIR), { recursive: true });
  await mkdir(join(dir, FAILED_DIR), { recursive: true });
  const queued = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  async function moveTo(sub: string, name: string, sidecar: boolean): Promise<void> {
    await rename(join(dir, name), join(dir, sub, name));
    if (sidecar) await rename(join(dir, name.replace(/\.json$/, SIDECAR)), join(dir, sub, name.replace(/\.json$/, SIDECAR))).catch(() => undefined);
  }

  async function fail(name: string, error: ConnectorError, sidecar: boolean): Promise<void> {
    await moveTo(FAILED_DIR, name, sidecar);
    const lines = [`code: ${error.code}`, ...(error.field ? [`field: ${error.field}`] : []), `message: ${error.message}`, ''];
    await writeFile(join(dir, FAILED_DIR, `${name}.error.txt`), lines.join('\n'));
    log?.warn({ file: name, code: error.code, field: error.field }, `call file refused: ${error.message}`);
  }

  async function processFile(name: string): Promise<void> {
    const path = join(dir, name);
    if (!(await settled(path, settleMs))) return;
    const side = await readSidecar(path.replace(/\.json$/, SIDECAR));
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      return;
    }
    const decoded = decodeJson(bytes, name);
    const problem = !decoded.ok ? decoded.error : 'error' in side ? side.error : undefined;
    const hasSidecar = 'present' in side && side.present;
    if (problem) {
      await opts.publisher.reject(problem, decoded.text);
      return fail(name, problem, hasSidecar);
    }
    const r = await ingestCall(decoded.ok ? decoded.value : undefined, decoded.text, 'meta' in side ? side.meta : {}, opts);
    if (!r.ok) return fail(name, r.error, hasSidecar);
    await moveTo(DONE_DIR, name, hasSidecar);
    log?.info({ file: name, callId: r.callId, turns: r.ids.length, duplicates: r.duplicates }, 'call file ingested');
  }

  function enqueue(name: string): void {
    if (stopped || !isCallFile(name) || queued.has(name)) return;
    queued.add(name);
    chain = chain.then(async () => {
      queued.delete(name);
      if (stopped) return;
      try {
        await processFile(name);
      } catch (e) {
        // The bus stayed away (or the disk failed): the file stays and the next scan retries it.
        if (e instanceof BusUnavailableError) log?.warn({ file: name }, `call file kept for a retry: ${e.message}`);
        else log?.error({ err: e, file: name }, 'call file could not be handled; kept for a retry');
      }
    });
  }

  async function scan(): Promise<void> {
    for (const name of (await readdir(dir)).sort()) enqueue(name);
  }

  const watcher: FSWatcher = watch(dir, (_event, filename) => {
    if (filename) enqueue(filename.toString());
  });
  watcher.on('error', (err) => log?.warn({ err }, 'calls folder watch failed; relying on rescans'));
  const timer = setInterval(() => void scan().catch(() => undefined), opts.config.rescanMs ?? DEFAULT_RESCAN_MS);
  timer.unref();
  await scan();

  return {
    scan,
    idle: async () => {
      // Work can enqueue more work (a watch event during processing): wait until the chain is still.
      for (let last: Promise<void> | undefined; last !== chain; ) await (last = chain);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      watcher.close();
      await chain;
    },
  };
}
