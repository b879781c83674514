import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../engine/util/index.ts';

/** Where a folder was left: mail up to `lastUid` has been published (or dead-lettered). */
export interface FolderPosition {
  /** IMAP UIDVALIDITY as a decimal string (it is a 32-bit unsigned number; imapflow gives a bigint). */
  uidValidity: string;
  lastUid: number;
}

/**
 * The connector's bookmark, one JSON file per mailbox account in the state dir. Every save
 * goes through the one atomic writer (engine/util: temp file, fsync, rename), so a crash leaves
 * either the old or the new position, never a torn file. Saves are serialised (folders share the file).
 */
export interface PositionStore {
  readonly file: string;
  get(folder: string): FolderPosition | undefined;
  /** Records the position and resolves once it is on disk. */
  set(folder: string, position: FolderPosition): Promise<void>;
}

interface StateFile {
  version: 1;
  account: string;
  folders: Record<string, FolderPosition>;
}

export async function openPositionStore(stateDir: string, account: string): Promise<PositionStore> {
  await mkdir(stateDir, { recursive: true });
  // One file per account, named by a hash so user names and hosts need no escaping.
  const file = join(stateDir, `imap-${createHash('sha256').update(account).digest('hex').slice(0, 16)}.json`);
  let state: StateFile = { version: 1, account, folders: {} };
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as StateFile;
    if (parsed.version !== 1 || typeof parsed.folders !== 'object') throw new Error('unknown format');
    state = { ...parsed, account };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      // Starting over would re-read the whole mailbox: refuse, and let a human decide.
      throw new Error(`cannot read the IMAP position file ${file}: ${(e as Error).message}; fix or delete it to rescan`);
    }
  }

  let chain: Promise<void> = Promise.resolve();
  // Small file, written rarely: the synchronous atomic writer is fine here.
  const write = async () => writeFileAtomic(file, JSON.stringify(state, null, 2));

  return {
    file,
    get: (folder) => state.folders[folder],
    set(folder, position) {
      state.folders[folder] = { ...position };
      const next = chain.then(write);
      chain = next.catch(() => undefined);
      return next;
    },
  };
}
