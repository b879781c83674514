/**
 * One append-only JSON-lines file of events keyed by `id`: the durable, deduplicating core
 * of the file store, used once per kind of event.
 *
 * Durability: each append writes one buffer and fdatasyncs before resolving, because the
 * engine acks JetStream once the store's write resolves. Redelivery: ids already in the file
 * (a Set rebuilt by open()) are skipped, so the file holds each event once. Not safe for
 * concurrent calls: the store runs them one at a time.
 */
import { open, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../util/index.ts';
import type { FileHandle } from 'node:fs/promises';
import { scanJsonl } from './scan.ts';

export interface JsonlLog {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

export interface JsonlFile {
  readonly path: string;
  /** Opens (creating) the file, rebuilds the id set, cuts a torn tail. Idempotent. */
  open(): Promise<void>;
  /** Appends the rows whose id is new; resolves once they are on disk. */
  append(rows: readonly { id: string }[]): Promise<void>;
  /**
   * Rewrites the file without the lines `drop` picks (erasure): `row` is the parsed line, or
   * undefined for a line that does not parse (then judged on its text). Returns how many went.
   */
  remove(drop: (row: Record<string, unknown> | undefined, line: string) => boolean): Promise<number>;
  close(): Promise<void>;
  count(): number;
  /** Open and not wedged by a failed append that could not be undone. */
  usable(): boolean;
}

export function jsonlFile(path: string, log: JsonlLog): JsonlFile {
  const ids = new Set<string>();
  let fh: FileHandle | undefined;
  /** Bytes of the file we know to be whole lines; a failed append is cut back to this. */
  let size = 0;
  /** Set when a failed append could not be undone: appending more would corrupt the file. */
  let broken: Error | undefined;

  async function openFile(): Promise<void> {
    if (fh) return;
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
    } catch (err) {
      await handle.close();
      throw err;
    }
    fh = handle;
  }

  async function append(rows: readonly { id: string }[]): Promise<void> {
    if (broken) throw new Error(`file store unusable after a failed append: ${broken.message}`, { cause: broken });
    if (!fh) await openFile();
    const handle = fh as FileHandle;
    const fresh: { id: string }[] = [];
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

  async function remove(drop: (row: Record<string, unknown> | undefined, line: string) => boolean): Promise<number> {
    if (!fh) await openFile();
    const kept: string[] = [];
    let removed = 0;
    for (const line of (await readFile(path, 'utf8')).split('\n')) {
      if (line === '') continue;
      let row: Record<string, unknown> | undefined;
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch {
        row = undefined;
      }
      if (drop(row, line)) removed++;
      else kept.push(`${line}\n`);
    }
    if (removed === 0) return 0;
    // Written beside and renamed over: a crash leaves the old file or the new one, never half.
    await fh?.close();
    fh = undefined;
    writeFileAtomic(path, kept.join(''));
    ids.clear();
    await openFile();
    return removed;
  }

  return {
    path,
    open: openFile,
    append,
    remove,
    async close() {
      const handle = fh;
      fh = undefined;
      await handle?.close();
    },
    count: () => ids.size,
    usable: () => fh !== undefined && broken === undefined,
  };
}
