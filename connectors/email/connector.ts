import { ImapFlow } from 'imapflow';
import type { ConnectorDefinition } from '../shared/index.ts';
import {
  agentMatcher,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_POLL_INTERVAL_MS,
  emailSettings,
  type EmailSettings,
  type EmailConnectorOptions,
} from './config.ts';
import { mailRejection, type MailRejection } from './errors.ts';
import { watchFolder, type FolderWatcher, type MailLocator } from './folder.ts';
import { mailToEvent, emailCustomerId, type MailIdentities, type MailOutcome, type MailSource } from './mail.ts';
import { openPositionStore } from './state.ts';

export interface EmailConnector {
  /** Opens the position file and starts one watcher per folder; connection trouble is retried in the background. */
  start(): Promise<void>;
  /** Resolves once every folder has been read up to what it held when its watcher connected. */
  firstSync(): Promise<void>;
  /** Lets the mail in hand finish (publish + position saved), then logs out. */
  stop(): Promise<void>;
}

/** An IMAP mailbox as a source of `email` events: see connectors/README.md, "E-mail (IMAP)". */
export function createEmailConnector(opts: EmailConnectorOptions): EmailConnector {
  const log = opts.log.child({ connector: 'email' });
  const isAgent = agentMatcher(opts.agentAddresses ?? []);
  const who: MailIdentities = {
    customerIdFor: opts.customerIdFor ?? emailCustomerId,
    agentIdFor: opts.agentIdFor ?? ((a) => a.trim().toLowerCase()),
    isAgent,
  };
  // imapflow logs every command at debug/info; only its warnings are worth our log (and none
  // when our log is set quieter than that).
  const imapLog = log.child({ component: 'imapflow' }, { level: log.levelVal > 40 ? log.level : 'warn' });
  const newClient = () =>
    new ImapFlow({
      host: opts.host,
      port: opts.port,
      secure: opts.secure,
      auth: { user: opts.user, pass: opts.pass },
      logger: imapLog,
      // Enter IDLE soon after a pass, so new mail is announced within a second or two.
      autoIdleDelay: 1_000,
      ...(opts.tls ? { tls: opts.tls } : {}),
    });

  const locate = (l: MailLocator, reason?: string, messageId?: string) =>
    JSON.stringify({ source: 'imap', host: opts.host, ...l, ...(messageId ? { messageId } : {}), ...(reason ? { reason } : {}) });

  const deadLetter = async (r: MailRejection, payload: string, l: MailLocator) => {
    log.info({ uid: l.uid, reason: r.reason, code: r.error.code }, 'mail dead-lettered');
    await opts.publisher.reject(r.error, payload);
  };

  const handle = async (read: MailSource | MailRejection, l: MailLocator) => {
    if (!('raw' in read)) return deadLetter(read, locate(l, read.reason), l);
    let outcome: MailOutcome;
    try {
      outcome = await mailToEvent(read, who);
    } catch (e) {
      // A mail that trips up parsing must not block the folder forever: it goes to the DLQ.
      const rejection = mailRejection('unparseable_mime', `the mail could not be processed: ${(e as Error).message}`);
      return deadLetter(rejection, locate(l, rejection.reason), l);
    }
    if (!outcome.ok) return deadLetter(outcome.rejection, locate(l, outcome.rejection.reason, outcome.messageId), l);
    // The source payload is the locator, not the mail: a DLQ entry must stay small, and the
    // mail itself stays in the mailbox (the connector never deletes or moves it).
    const result = await opts.publisher.publish(outcome.event, { payload: locate(l, undefined, outcome.messageId) });
    if (result.status === 'rejected') log.info({ uid: l.uid, code: result.error.code }, 'event rejected by the publisher (dead-lettered)');
    else log.debug({ uid: l.uid, id: outcome.event.id, status: result.status }, 'mail published');
  };

  let watchers: FolderWatcher[] = [];
  return {
    async start() {
      if (watchers.length > 0) return;
      const positions = await openPositionStore(opts.stateDir, `${opts.user}@${opts.host}:${opts.port}`);
      watchers = [...new Set(opts.folders)].map((folder) =>
        watchFolder({
          folder,
          newClient,
          positions,
          log,
          markSeen: opts.markSeen ?? false,
          pollIntervalMs: opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
          maxMessageBytes: opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
          initialSync: opts.initialSync ?? 'all',
          handle,
        }),
      );
      log.info({ host: opts.host, folders: opts.folders, markSeen: opts.markSeen ?? false, positions: positions.file }, 'e-mail connector started');
    },
    async firstSync() {
      await Promise.all(watchers.map((w) => w.firstSync));
    },
    async stop() {
      const stopping = watchers;
      watchers = [];
      await Promise.all(stopping.map((w) => w.stop()));
      log.info('e-mail connector stopped');
    },
  };
}

/** E-mail: a background source only (one IMAP watcher per folder), on when CXPULSE_IMAP_HOST is set. */
export const emailConnector: ConnectorDefinition<EmailSettings> = {
  name: 'email',
  configure: emailSettings,
  enabledBy: 'CXPULSE_IMAP_HOST, CXPULSE_IMAP_USER and CXPULSE_IMAP_PASS (or CXPULSE_IMAP_PASS_FILE)',
  // The mailbox is the buffer: a mail not yet published is read again, so waiting out an outage is safe.
  publishRetry: { giveUpAfterMs: 5 * 60_000, maxDelayMs: 10_000 },
  create: ({ publisher, log, settings }) => {
    const email = createEmailConnector({ ...settings, publisher, log });
    return { name: 'email', start: () => email.start(), stop: () => email.stop() };
  },
};
