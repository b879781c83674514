import { setTimeout as sleep } from 'node:timers/promises';
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import type { Logger } from '../../engine/observability/index.ts';
import { mailRejection, type MailRejection } from './errors.ts';
import type { MailSource } from './mail.ts';
import type { PositionStore } from './state.ts';
import { attachmentStats, pickTextPart, slimMessage } from './structure.ts';

/** What a folder watcher needs; `handle` turns one mail into an event or a DLQ entry and publishes it. */
export interface FolderWatch {
  folder: string;
  newClient(): ImapFlow;
  positions: PositionStore;
  log: Logger;
  markSeen: boolean;
  pollIntervalMs: number;
  maxMessageBytes: number;
  initialSync: 'all' | 'new';
  /**
   * Publishes the mail's event, or dead-letters the mail (a rejection found before parsing, e.g.
   * a huge mail without text). Resolves once the publisher confirmed; throws to retry it later.
   */
  handle(read: MailSource | MailRejection, locator: MailLocator): Promise<void>;
}

/** Enough to find a mail again in the mailbox: goes into DLQ entries instead of the (possibly huge) mail. */
export interface MailLocator {
  folder: string;
  uidValidity: string;
  uid: number;
  messageId?: string | undefined;
  size?: number | undefined;
}

export interface FolderWatcher {
  /** Resolves after the first complete pass over the folder (for tests and readiness). */
  firstSync: Promise<void>;
  stop(): Promise<void>;
}

/** UIDs fetched per metadata round trip. */
const FETCH_CHUNK = 50;
const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;
/** How long `stop()` lets the mail in hand finish before closing the connection under it. */
const STOP_GRACE_MS = 5_000;

/** imapflow's errors say "Command failed"; the server's own words are in `responseText`. */
function describe(e: unknown): string {
  if (!(e instanceof Error)) return 'connection closed';
  const x = e as Error & { responseText?: string; authenticationFailed?: boolean };
  const detail = [x.authenticationFailed ? 'authentication failed' : '', x.responseText ?? ''].filter((s) => s !== '').join(': ');
  return detail ? `${e.message} (${detail})` : e.message;
}

/**
 * Watches one folder over its own connection: reads everything after the stored position, then
 * waits for the server's EXISTS notification (IMAP IDLE, which imapflow enters whenever the
 * connection is quiet, or its NOOP polling where IDLE is missing) or the poll timer, and reads
 * again. Connection loss is expected: it reconnects with backoff and resumes from the position.
 */
export function watchFolder(w: FolderWatch): FolderWatcher {
  const log = w.log.child({ folder: w.folder });
  const stopped = new AbortController();
  let client: ImapFlow | undefined;
  let pending = false;
  let wakeUp: (() => void) | undefined;
  let firstSyncDone: () => void = () => undefined;
  const firstSync = new Promise<void>((resolve) => (firstSyncDone = resolve));

  const wake = () => {
    pending = true;
    wakeUp?.();
  };
  /** Until new mail is announced, the poll interval passes or we stop. */
  const nextRound = async () => {
    if (pending || stopped.signal.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, w.pollIntervalMs);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wakeUp = undefined;
  };

  const syncPass = async (c: ImapFlow) => {
    pending = false;
    const mailbox = c.mailbox;
    if (!mailbox) throw new Error(`folder ${w.folder} is not open`);
    const uidValidity = mailbox.uidValidity.toString();
    let position = w.positions.get(w.folder);
    if (!position || position.uidValidity !== uidValidity) {
      if (position) {
        log.warn({ was: position.uidValidity, now: uidValidity }, 'UIDVALIDITY changed: rescanning the folder; stable event ids keep mail already published from counting twice');
      }
      const lastUid = !position && w.initialSync === 'new' ? Math.max(0, mailbox.uidNext - 1) : 0;
      position = { uidValidity, lastUid };
      await w.positions.set(w.folder, position);
    }
    const after = position.lastUid;
    // `n:*` always matches the newest mail even when its UID is below n, hence the filter.
    const found = (await c.search({ uid: `${after + 1}:*` }, { uid: true })) || [];
    const uids = found.filter((u) => u > after).sort((a, b) => a - b);
    if (uids.length > 0) log.debug({ count: uids.length, after }, 'new mail');
    for (let i = 0; i < uids.length && !stopped.signal.aborted; i += FETCH_CHUNK) {
      const chunk = uids.slice(i, i + FETCH_CHUNK);
      const metas = await c.fetchAll(chunk, { uid: true, size: true, internalDate: true, bodyStructure: true, envelope: true }, { uid: true });
      for (const meta of metas.sort((a, b) => a.uid - b.uid)) {
        if (stopped.signal.aborted) return;
        await readAndHandle(c, meta, uidValidity);
        // Only now, with the publisher's confirmation, does the position move past this mail.
        await w.positions.set(w.folder, { uidValidity, lastUid: meta.uid });
        if (w.markSeen) await markSeen(c, meta.uid);
      }
    }
  };

  const readAndHandle = async (c: ImapFlow, meta: FetchMessageObject, uidValidity: string) => {
    const locator: MailLocator = { folder: w.folder, uidValidity, uid: meta.uid, messageId: meta.envelope?.messageId?.replace(/^<|>$/g, ''), size: meta.size };
    const read = await readMail(c, meta, uidValidity);
    if (!read) return log.info({ uid: meta.uid }, 'mail vanished before it could be read (expunged); skipping');
    await w.handle(read, locator);
  };

  /** After the position is saved: a lost flag leaves a mail unread, never publishes it twice. */
  const markSeen = async (c: ImapFlow, uid: number) => {
    try {
      await c.messageFlagsAdd([uid], ['\\Seen'], { uid: true });
    } catch (e) {
      log.warn({ uid, err: describe(e) }, 'could not mark the mail as read');
    }
  };

  /** The whole mail, or for a large one a stand-in made of its header and text part only. */
  const readMail = async (c: ImapFlow, meta: FetchMessageObject, uidValidity: string): Promise<MailSource | MailRejection | undefined> => {
    const base = { folder: w.folder, uidValidity, uid: meta.uid, internalDate: meta.internalDate ? new Date(meta.internalDate) : undefined };
    if ((meta.size ?? 0) <= w.maxMessageBytes || !meta.bodyStructure) {
      const full = await c.fetchOne(String(meta.uid), { uid: true, source: true }, { uid: true });
      return full && full.source ? { ...base, raw: full.source } : undefined;
    }
    const pick = pickTextPart(meta.bodyStructure);
    const attachments = attachmentStats(meta.bodyStructure, pick?.node);
    if (!pick) {
      return mailRejection('no_text_part', `the mail (${meta.size} bytes) has no text/plain or text/html part, only ${attachments.count} attachment(s)`);
    }
    if ((pick.node.size ?? 0) > w.maxMessageBytes) {
      return mailRejection('text_part_too_large', `the text part of the mail is ${pick.node.size} bytes, over the ${w.maxMessageBytes}-byte limit`);
    }
    const slim = await c.fetchOne(String(meta.uid), { uid: true, headers: true, bodyParts: [pick.part] }, { uid: true });
    const body = slim ? slim.bodyParts?.get(pick.part) : undefined;
    if (!slim || !slim.headers || !body) return undefined;
    log.info({ uid: meta.uid, size: meta.size }, 'large mail: reading its text part only');
    return { ...base, raw: slimMessage(slim.headers, pick.node, body), attachments };
  };

  const run = async () => {
    let backoff = MIN_BACKOFF_MS;
    while (!stopped.signal.aborted) {
      const c = w.newClient();
      client = c;
      let failure: unknown;
      // imapflow emits 'error' once before closing; without a listener Node would crash the process.
      c.on('error', (e: Error) => log.warn({ err: e.message }, 'IMAP connection error'));
      c.on('exists', wake);
      c.on('close', wake);
      try {
        await c.connect();
        await c.mailboxOpen(w.folder, { readOnly: !w.markSeen });
        log.info({ idle: c.capabilities.has('IDLE') }, 'watching folder');
        while (!stopped.signal.aborted && c.usable) {
          await syncPass(c);
          firstSyncDone();
          backoff = MIN_BACKOFF_MS;
          await nextRound();
        }
      } catch (e) {
        failure = e;
      }
      client = undefined;
      await c.logout().catch(() => c.close());
      if (stopped.signal.aborted) break;
      log.warn({ err: describe(failure), retryInMs: backoff }, 'IMAP folder watch interrupted; reconnecting');
      await sleep(backoff, undefined, { signal: stopped.signal }).catch(() => undefined);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  };

  const done = run().catch((e: unknown) => log.error({ err: (e as Error).message }, 'folder watcher failed'));
  return {
    firstSync,
    async stop() {
      stopped.abort();
      wake();
      const grace = new AbortController();
      const finished = await Promise.race([done.then(() => true), sleep(STOP_GRACE_MS, false, { signal: grace.signal }).catch(() => false)]);
      grace.abort();
      if (!finished) {
        log.warn('mail in hand did not finish within the grace period; closing the connection');
        client?.close();
        await done;
      }
    },
  };
}
