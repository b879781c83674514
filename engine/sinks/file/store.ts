/**
 * Embedded ScoreStore: JSON lines in `<dir>/scored_events.jsonl`, the default when no
 * ClickHouse is reachable so the engine runs with nothing but Node.
 *
 * Durability: each write() appends one buffer and fdatasyncs before resolving, because the
 * engine acks JetStream once write() resolves. Redelivery: ids already in the file (a Set
 * rebuilt at init) are skipped, so the file holds each event once.
 */
import { mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScoredEvent } from '../../event/types.ts';
import type { ScoreStore } from '../types.ts';
import { scanJsonl } from './scan.ts';

export const FILE_NAME = 'scored_events.jsonl';

export interface FileStoreLog {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

export interface FileStoreOptions {
  dir: string;
  log?: FileStoreLog;
}

export type FileStore = ScoreStore & { count(): number; readonly path: string };

const defaultLog: FileStoreLog = {
  info() {},
  warn(o, msg) {
    process.emitWarning(`${msg ?? 'file store'} ${JSON.stringify(o)}`);
  },
};

export function createFileStore(opts: FileStoreOptions): FileStore {
  const path = join(opts.dir, FILE_NAME);
  const log = opts.log ?? defaultLog;
  const ids = new Set<string>();
  let fh: FileHandle | undefined;
  /** Bytes of the file we know to be whole lines; a failed append is cut back to this. */
  let size = 0;
  /** Set when a failed append could not be undone: appending more would corrupt the file. */
  let broken: Error | undefined;
  let closed = false;
  // Appends run one at a time so `size` and the byte order of lines stay consistent.
  let queue: Promise<unknown> = Promise.resolve();

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  async function init(): Promise<void> {
    if (fh) return;
    await mkdir(opts.dir, { recursive: true });
    const handle = await open(path, 'a+');
    try {
      const scan = await scanJsonl(handle);
      for (const id of scan.ids) ids.add(id);
      for (const bad of scan.skipped) log.warn({ path, ...bad }, 'file store: unreadable line skipped');
      if (scan.validEnd < scan.fileSize) {
        // A torn tail from a crash mid-append. Its events were never acked, so they will be
        // redelivered; cut it off so the next line starts clean.
        await handle.truncate(scan.validEnd);
        log.warn({ path, droppedBytes: scan.fileSize - scan.validEnd }, 'file store: dropped a torn trailing line');
      }
      size = scan.validEnd;
      if (scan.missingNewline) {
        await handle.write('\n');
        size += 1;
      }
      await handle.datasync();
      await syncDir(opts.dir);
    } catch (err) {
      await handle.close();
      throw err;
    }
    fh = handle;
    log.info({ path, events: ids.size }, 'file store ready');
  }

  async function append(rows: readonly ScoredEvent[]): Promise<void> {
    if (closed) throw new Error('file store is closed');
    if (broken) throw new Error(`file store unusable after a failed append: ${broken.message}`, { cause: broken });
    if (!fh) await init();
    const handle = fh as FileHandle;
    const fresh: ScoredEvent[] = [];
    const batchIds = new Set<string>();
    for (const r of rows) {
      if (ids.has(r.id) || batchIds.has(r.id)) continue;
      batchIds.add(r.id);
      fresh.push(r);
    }
    if (fresh.length === 0) return;
    const buf = Buffer.from(fresh.map((r) => JSON.stringify(r) + '\n').join(''), 'utf8');
    try {
      // 'a+' appends at the end whatever position we pass, which is what we want.
      await handle.write(buf, 0, buf.length);
      await handle.datasync();
    } catch (err) {
      await undo(handle, err as Error);
      throw new Error(`file store append of ${fresh.length} events failed: ${(err as Error).message}`, { cause: err });
    }
    size += buf.length;
    for (const id of batchIds) ids.add(id);
  }

  async function undo(handle: FileHandle, cause: Error): Promise<void> {
    try {
      await handle.truncate(size);
      await handle.datasync();
    } catch {
      broken = cause;
    }
  }

  return {
    description: `file ${path}`,
    path,
    init: () => serial(init),
    write: (rows) => serial(() => append(rows)),
    async ping() {
      return fh !== undefined && !closed && broken === undefined;
    },
    async close() {
      await serial(async () => {
        closed = true;
        const handle = fh;
        fh = undefined;
        await handle?.close();
      });
    },
    count: () => ids.size,
  };
}

/** fsync the directory so a newly created file's entry survives a crash too. */
async function syncDir(dir: string): Promise<void> {
  let d: FileHandle | undefined;
  try {
    d = await open(dir, 'r');
    await d.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the data itself is synced already.
  } finally {
    await d?.close();
  }
}
