import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailConnector, emailCustomerId, type EmailConnector, type EmailConnectorOptions } from '../../connectors/email/index.ts';
import type { ConnectorError, ConnectorEvent, ConnectorPublisher, CrmEvent, PublishOutcome } from '../../connectors/index.ts';
import { AGENT_ADDRESSES, EXPECTED, INTERNAL_DATE } from '../fixtures/email/expected.ts';
import { dovecotAvailability, mailboxClient, startDovecot, type DovecotHandle } from '../helpers/dovecot.ts';

// Against a real Dovecot started for this file: mail is delivered with IMAP APPEND, the connector
// watches two folders, and a recording publisher (the ConnectorPublisher contract) collects what
// it sends. Every publish call is recorded, so a repeated mail would show up as a second call.
const availability = dovecotAvailability();
if (!availability.available) console.warn(`[email-imap] ${availability.reason}`);

class RecordingPublisher implements ConnectorPublisher {
  events: ConnectorEvent[] = [];
  rejects: { error: ConnectorError; payload: Record<string, unknown> }[] = [];
  /** Number of upcoming publish calls that fail as if the bus were away. */
  failures = 0;
  async publish(event: ConnectorEvent | CrmEvent): Promise<PublishOutcome> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('bus unavailable (simulated)');
    }
    this.events.push(event as ConnectorEvent);
    return { status: 'published' };
  }
  async reject(error: ConnectorError, payload: string): Promise<void> {
    this.rejects.push({ error, payload: JSON.parse(payload) as Record<string, unknown> });
  }
  get handled() {
    return this.events.length + this.rejects.length;
  }
}

async function waitFor(cond: () => boolean, what: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const FIXTURES = join(import.meta.dirname, '../fixtures/email');
const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const fixture = (name: string) => readFile(join(FIXTURES, name));
const mail = (id: string, text: string, extra = '') =>
  `From: Nora Lund <nora@example.se>\nTo: support@acme.example\nSubject: ${id}\nDate: Fri, 21 Mar 2025 10:00:00 +0100\nMessage-ID: <${id}@example.se>\n${extra}Content-Type: text/plain; charset=utf-8\n\n${text}\n`;

describe.skipIf(!availability.available)('the e-mail connector against a real Dovecot', () => {
  let dovecot: DovecotHandle;
  let box: Awaited<ReturnType<typeof mailboxClient>>;
  let stateDir: string;
  const uidOf = new Map<string, number>();
  const running: EmailConnector[] = [];
  const publisher = new RecordingPublisher();

  const connector = (overrides: Partial<EmailConnectorOptions> = {}) => {
    const c = createEmailConnector({
      host: dovecot.host, port: dovecot.port, secure: false, user: dovecot.user, pass: dovecot.pass,
      folders: ['INBOX', 'Support'], publisher, stateDir, log, agentAddresses: AGENT_ADDRESSES,
      // A long poll: new mail must be noticed through IDLE, not by polling.
      pollIntervalMs: 120_000, maxMessageBytes: 1024 * 1024, ...overrides,
    });
    running.push(c);
    return c;
  };
  const stop = async (c: EmailConnector) => {
    await c.stop();
    running.splice(running.indexOf(c), 1);
  };

  beforeAll(async () => {
    dovecot = await startDovecot();
    box = await mailboxClient(dovecot);
    stateDir = await mkdtemp(join(tmpdir(), 'cxpulse-email-state-'));
    for (const name of Object.keys(EXPECTED).sort()) uidOf.set(name, await box.deliver('INBOX', await fixture(name), INTERNAL_DATE));
    await box.deliver('Support', mail('sup1', 'Hej, fakturan stämmer inte.'));
  });

  afterAll(async () => {
    for (const c of [...running]) await c.stop();
    await box?.close();
    await dovecot?.dispose();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('turns every delivered mail into the expected event or DLQ entry, each exactly once', async () => {
    const c = connector();
    await c.start();
    await c.firstSync();
    const { uidValidity } = await box.inspect('INBOX');
    const total = Object.keys(EXPECTED).length + 1;
    expect(publisher.handled).toBe(total);
    for (const [name, want] of Object.entries(EXPECTED)) {
      const uid = uidOf.get(name);
      if (want.kind === 'reject') {
        const entry = publisher.rejects.find((r) => r.payload.uid === uid && r.payload.folder === 'INBOX');
        expect(entry, name).toMatchObject({ error: { code: want.code }, payload: { reason: want.reason, source: 'imap', uidValidity } });
        continue;
      }
      const locator = `INBOX:${uidValidity}:${uid}`;
      const event = publisher.events.find((e) => e.id === want.id.replace('{locator}', locator));
      expect(event, name).toMatchObject({
        conversationId: want.conversationId.replace('{locator}', locator),
        customerId: emailCustomerId(want.customer),
        author: want.author, text: want.text, ts: want.ts,
        meta: { folder: 'INBOX', uid, ...want.meta },
      });
    }
    expect(publisher.events.find((e) => e.id === 'email:sup1@example.se')?.meta).toMatchObject({ folder: 'Support' });
    // Threads: John's first mail, the agent's answer, his two replies and his auto-reply share one conversation.
    expect(publisher.events.filter((e) => e.conversationId === 'email:a1@example.com')).toHaveLength(5);
    // A customer's address leaves the connector only as its customer id (`email:<address>`, which the engine replaces
    // by the keyed pseudonym before anything is stored: test/privacy/pseudonym.test.ts) and in the text they wrote.
    for (const e of publisher.events) expect(e.customerId).toMatch(/^email:[^@\s]+@[^@\s]+$/);
    const ids = JSON.stringify(publisher.events.map(({ text: _t, subject: _s, customerId: _c, ...rest }) => rest));
    expect(ids).not.toMatch(/john\.smith|karin|priya@|olivia/);
  });

  it('marks nothing as read', async () => {
    for (const folder of ['INBOX', 'Support']) {
      const { flags } = await box.inspect(folder);
      for (const f of flags.values()) expect(f.has('\\Seen')).toBe(false);
    }
  });

  it('picks up new mail as it arrives (IDLE), in each watched folder', async () => {
    const before = publisher.handled;
    await box.deliver('INBOX', mail('live1', 'Appen loggar ut mig hela tiden.'));
    await box.deliver('Support', mail('live2', 'Och nu fungerar inte inloggningen alls.'));
    await waitFor(() => publisher.handled === before + 2, () => `${publisher.handled - before} of 2 new mails`, 10_000);
    expect(publisher.events.slice(-2).map((e) => e.id).sort()).toEqual(['email:live1@example.se', 'email:live2@example.se']);
  });

  it('after a restart publishes only the mail that arrived meanwhile: none lost, none repeated', async () => {
    await stop(running[0] as EmailConnector);
    const before = publisher.handled;
    await box.deliver('INBOX', mail('offline1', 'Skrev ni till mig?'));
    await box.deliver('Support', mail('offline2', 'Hallå?'));
    const again = connector();
    await again.start();
    await again.firstSync();
    await new Promise((r) => setTimeout(r, 300));
    expect(publisher.handled).toBe(before + 2);
    expect(publisher.events.slice(-2).map((e) => e.id).sort()).toEqual(['email:offline1@example.se', 'email:offline2@example.se']);
    const ids = publisher.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const positionFile = (await readdir(stateDir)).find((f) => f.endsWith('.json')) as string;
    const saved = JSON.parse(await readFile(join(stateDir, positionFile), 'utf8')) as { folders: Record<string, { lastUid: number }> };
    expect(Object.keys(saved.folders).sort()).toEqual(['INBOX', 'Support']);
  });

  it('survives the IMAP server going away and comes back for the mail delivered after', async () => {
    const before = publisher.handled;
    await dovecot.stop();
    await new Promise((r) => setTimeout(r, 500));
    await dovecot.start();
    await box.close();
    box = await mailboxClient(dovecot);
    await box.deliver('INBOX', mail('after-outage', 'Nu är servern tillbaka.'));
    await waitFor(() => publisher.handled === before + 1, () => 'mail after the IMAP outage', 20_000);
    expect(publisher.events.at(-1)?.id).toBe('email:after-outage@example.se');
  });

  it('keeps a mail whose publish failed and publishes it once the bus is back', async () => {
    const before = publisher.handled;
    publisher.failures = 2;
    await box.deliver('INBOX', mail('retry1', 'Ni har debiterat mig två gånger.'));
    await waitFor(() => publisher.handled === before + 1, () => 'the mail to be published after the bus came back', 20_000);
    expect(publisher.failures).toBe(0);
    expect(publisher.events.filter((e) => e.id === 'email:retry1@example.se')).toHaveLength(1);
  });

  it('reads only the text part of a mail with a huge attachment, and dead-letters one without text', async () => {
    const before = publisher.handled;
    const blob = Buffer.alloc(3 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\n');
    const multipart = (id: string, parts: string) =>
      `From: Nora Lund <nora@example.se>\nTo: support@acme.example\nSubject: logs\nDate: Fri, 21 Mar 2025 11:00:00 +0100\nMessage-ID: <${id}@example.se>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b1"\n\n${parts}--b1--\n`;
    const attachment = `--b1\nContent-Type: application/zip; name="logs.zip"\nContent-Disposition: attachment; filename="logs.zip"\nContent-Transfer-Encoding: base64\n\n${blob}\n`;
    const text = '--b1\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nH=E4r =E4r loggarna fr=E5n kraschen.\n\nMvh\nNora\n';
    await box.deliver('INBOX', multipart('huge1', text + attachment));
    await box.deliver('INBOX', multipart('huge2', attachment));
    await waitFor(() => publisher.handled === before + 2, () => 'the two large mails');
    const event = publisher.events.find((e) => e.id === 'email:huge1@example.se');
    expect(event).toMatchObject({ text: 'Här är loggarna från kraschen.\n\nMvh', meta: { attachmentCount: 1, largeMessage: true } });
    expect(event?.meta?.attachmentBytes).toBeGreaterThan(3_000_000);
    expect(publisher.rejects.at(-1)).toMatchObject({ error: { code: 'CX_ERR_EMPTY_TEXT' }, payload: { reason: 'no_text_part', messageId: 'huge2@example.se' } });
  });

  it('rescans a folder whose UIDVALIDITY changed, with the same event ids as before', async () => {
    const c = running[0] as EmailConnector;
    await stop(c);
    const before = publisher.events.length;
    await box.deleteFolder('Support');
    await box.deliver('Support', mail('sup1', 'Hej, fakturan stämmer inte.'));
    const again = connector();
    await again.start();
    await again.firstSync();
    // JetStream (within its window) and ClickHouse (ReplacingMergeTree) drop the repeat by id.
    expect(publisher.events.slice(before).map((e) => e.id)).toEqual(['email:sup1@example.se']);
  });

  it('marks handled mail as read only when configured to', async () => {
    const c = connector({ folders: ['Marked'], markSeen: true });
    const uid = await box.deliver('Marked', mail('seen1', 'Markera mig som läst.'));
    await c.start();
    await c.firstSync();
    expect((await box.inspect('Marked')).flags.get(uid)?.has('\\Seen')).toBe(true);
  });
});
