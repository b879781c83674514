/**
 * Embedded ScoreStore: JSON lines in `<dir>/scored_events.jsonl`,
 * `<dir>/business_events.jsonl`, `<dir>/alerts.jsonl` and `<dir>/actions.jsonl`, the default when no ClickHouse is reachable so the engine
 * runs with nothing but Node. Durability and redelivery handling live in jsonl.ts.
 */
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { latestActions, parseActionDetails } from '../actionDetails.ts';
import { openAlerts, parseAlertDetails } from '../alertDetails.ts';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScoreStore } from '../types.ts';
import type { ErasedPlace } from '../../event/erasure.ts';
import type { Alert } from '../../event/advice.ts';
import { jsonlFile } from './jsonl.ts';
import type { JsonlFile, JsonlLog } from './jsonl.ts';

export const FILE_NAME = 'scored_events.jsonl';
export const BUSINESS_FILE_NAME = 'business_events.jsonl';
/** Alert states, one line each (`id` is `<alertId>@<tsMs>:<status>`, so a rewrite of the same state is skipped). */
export const ALERTS_FILE_NAME = 'alerts.jsonl';
/** The erasure log: a keyed hash of each erased id and the time. */
export const ERASURES_FILE_NAME = 'erasures.jsonl';
/** Action states, one line each (`id` is `<actionId>@<stateMs>:<status>`). */
export const ACTIONS_FILE_NAME = 'actions.jsonl';

export type FileStoreLog = JsonlLog;

export interface FileStoreOptions {
  dir: string;
  log?: FileStoreLog;
}

export type FileStore = ScoreStore & {
  readOpenAlerts(): Promise<Alert[]>;
  /** Scored events held (each id once). */
  count(): number;
  /** Business events held (each id once). */
  countBusinessEvents(): number;
  readonly path: string;
  readonly businessPath: string;
  /** Alert state lines held. */
  countAlerts(): number;
  readonly alertsPath: string;
  /** Action state lines held. */
  countActions(): number;
};

const defaultLog: FileStoreLog = {
  info() {},
  warn(o, msg) {
    process.emitWarning(`${msg ?? 'file store'} ${JSON.stringify(o)}`);
  },
};

export function createFileStore(opts: FileStoreOptions): FileStore {
  const log = opts.log ?? defaultLog;
  const scored = jsonlFile(join(opts.dir, FILE_NAME), log);
  const business = jsonlFile(join(opts.dir, BUSINESS_FILE_NAME), log);
  const alerts = jsonlFile(join(opts.dir, ALERTS_FILE_NAME), log);
  const actions = jsonlFile(join(opts.dir, ACTIONS_FILE_NAME), log);
  let opened = false;
  let closed = false;
  // One operation at a time across both files, so each file's size bookkeeping and the
  // byte order of its lines stay consistent.
  let queue: Promise<unknown> = Promise.resolve();

  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  async function init(): Promise<void> {
    if (closed) throw new Error('file store is closed');
    if (opened) return;
    await mkdir(opts.dir, { recursive: true });
    await scored.open();
    await business.open();
    await alerts.open();
    await actions.open();
    await syncDir(opts.dir);
    opened = true;
    log.info({ dir: opts.dir, events: scored.count(), businessEvents: business.count() }, 'file store ready');
  }

  async function append(rows: readonly { id: string }[], file: JsonlFile): Promise<void> {
    if (closed) throw new Error('file store is closed');
    if (!opened) await init();
    await file.append(rows);
  }

  return {
    description: `file ${scored.path}`,
    path: scored.path,
    businessPath: business.path,
    init: () => serial(init),
    write: (rows) => serial(() => append(rows, scored)),
    writeBusinessEvents: (rows) => serial(() => append(rows, business)),
    writeAlerts: (rows) => serial(() => append(rows.map((a) => ({ id: `${a.alertId}@${a.tsMs}:${a.status}`, ...a })), alerts)),
    eraseCustomer: (ids) =>
      serial(async () => {
        if (!opened) await init();
        const wanted = new Set(ids);
        // A line that does not parse is dropped when it names the customer anywhere in its text.
        const drop = (row: Record<string, unknown> | undefined, line: string) =>
          row ? typeof row.customerId === 'string' && wanted.has(row.customerId) : ids.some((id) => line.includes(JSON.stringify(id)));
        const out: ErasedPlace[] = [];
        for (const file of [scored, business, alerts, actions]) out.push({ place: 'file', what: file.path, removed: await file.remove(drop) });
        return out;
      }),
    logErasure: (entry) =>
      serial(async () => {
        await mkdir(opts.dir, { recursive: true });
        await appendFile(join(opts.dir, ERASURES_FILE_NAME), `${JSON.stringify(entry)}\n`);
      }),
    writeActions: (rows) => serial(() => append(rows.map((a) => ({ id: `${a.actionId}@${a.stateMs}:${a.status}`, ...a })), actions)),
    readOpenAlerts: () =>
      serial(async () => {
        const lines = (await readFile(alerts.path, 'utf8').catch(() => '')).split('\n').filter((l) => l.trim() !== '');
        return openAlerts(parseAlertDetails(lines));
      }),
    readActions: (sinceMs) =>
      serial(async () => {
        const lines = (await readFile(actions.path, 'utf8').catch(() => '')).split('\n').filter((l) => l.trim() !== '');
        return latestActions(parseActionDetails(lines), sinceMs);
      }),
    async ping() {
      return !closed && scored.usable() && business.usable() && alerts.usable() && actions.usable();
    },
    async close() {
      await serial(async () => {
        closed = true;
        await scored.close();
        await business.close();
        await alerts.close();
        await actions.close();
      });
    },
    count: () => scored.count(),
    countBusinessEvents: () => business.count(),
    countAlerts: () => alerts.count(),
    alertsPath: alerts.path,
    countActions: () => actions.count(),
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
