import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorPublisher, type MeteredPublisher } from '../../engine/connector/index.ts';
import { pseudonymOf } from '../../engine/privacy/index.ts';
import { createEmailConnector, emailCustomerId, type EmailConnector } from '../../connectors/email/index.ts';
import { createNatsBus, DLQ_STREAM, type EventBus } from '../../engine/bus/index.ts';
import { startNatsServer, type NatsServerHandle } from '../../engine/devtools/index.ts';
import type { Engine } from '../../engine/runtime/index.ts';
import { AGENT_ADDRESSES, EXPECTED, INTERNAL_DATE } from '../fixtures/email/expected.ts';
import { dovecotAvailability, mailboxClient, startDovecot, type DovecotHandle } from '../helpers/dovecot.ts';
import { queryNumber, startTestEngine, testDatabase, waitUntil } from '../helpers/engine.ts';

// End to end: mail in a real Dovecot -> the e-mail connector -> the shared connector publisher ->
// a private nats-server (JetStream) -> the scoring engine -> scored rows in the real ClickHouse.
const availability = dovecotAvailability();
if (!availability.available) console.warn(`[email-e2e] ${availability.reason}`);

const FIXTURES = join(import.meta.dirname, '../fixtures/email');
const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const events = Object.entries(EXPECTED).filter(([, w]) => w.kind === 'event');
const rejects = Object.entries(EXPECTED).filter(([, w]) => w.kind === 'reject');

describe.skipIf(!availability.available)('e-mail from an IMAP mailbox to scored rows in ClickHouse', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let dovecot: DovecotHandle;
  let engine: Engine;
  let bus: EventBus;
  let publisher: MeteredPublisher;
  let stateDir: string;
  const registry = new Registry();
  const db = testDatabase('cxpulse_it_email');
  const table = `${db.name}.scored_events`;

  const connector = (): EmailConnector =>
    createEmailConnector({
      host: dovecot.host, port: dovecot.port, secure: false, user: dovecot.user, pass: dovecot.pass,
      folders: ['INBOX'], publisher, stateDir, log, agentAddresses: AGENT_ADDRESSES,
    });
  const outcome = async (name: string) => {
    const { values } = await registry.getSingleMetric('cxpulse_connector_events_total')!.get();
    return values.find((v) => v.labels.connector === 'email' && v.labels.outcome === name)?.value ?? 0;
  };

  const KEY = 'email-e2e-pseudonym-key-0123456789abcdef';

  beforeAll(async () => {
    nats = await startNatsServer();
    dovecot = await startDovecot();
    stateDir = await mkdtemp(join(tmpdir(), 'cxpulse-email-e2e-'));
    // CXPULSE_MODEL_DIR lets the test run against a model outside models/ (e.g. a fresh training run).
    const model: Record<string, string> = process.env.CXPULSE_MODEL_DIR ? { CXPULSE_MODEL_DIR: process.env.CXPULSE_MODEL_DIR } : {};
    engine = await startTestEngine({ NATS_URL: nats.url, CLICKHOUSE_URL: 'http://127.0.0.1:8123', CLICKHOUSE_DB: db.name, CXPULSE_PSEUDONYM_KEY: KEY, ...model });
    // The connector has a bus of its own, as `cxpulse connector email` would.
    bus = await createNatsBus({ servers: [nats.url], stream: 'CX_EVENTS', consumer: 'cxpulse-engine', maxAckPending: 1024, log });
    await bus.init();
    publisher = createConnectorPublisher({ connector: 'email', bus, registry, log });
    nc = await connect({ servers: nats.url });
    const box = await mailboxClient(dovecot);
    for (const name of Object.keys(EXPECTED).sort()) await box.deliver('INBOX', await readFile(join(FIXTURES, name)), INTERNAL_DATE);
    await box.close();
  });

  afterAll(async () => {
    await engine?.stop();
    await bus?.close();
    await nc?.close();
    await nats?.dispose();
    await dovecot?.dispose();
    await db.drop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('scores every mail once, threaded and pseudonymised, and dead-letters the bad ones with their reason', async () => {
    const c = connector();
    await c.start();
    await c.firstSync();
    await c.stop();
    await waitUntil(async () => (await queryNumber(db.client, `SELECT count() FROM ${table} FINAL`)) >= events.length, 60_000, () => 'scored e-mail rows');
    expect(await queryNumber(db.client, `SELECT count() FROM ${table} FINAL WHERE channel = 'email'`)).toBe(events.length);

    const rs = await db.client.query({ query: `SELECT event_id, conversation_id, customer_id, author, text, sentiment_label FROM ${table} FINAL`, format: 'JSONEachRow' });
    const rows = (await rs.json()) as { event_id: string; conversation_id: string; customer_id: string; author: string; text: string; sentiment_label: string }[];
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    for (const [name, want] of events) {
      if (want.kind !== 'event' || want.id.includes('{locator}')) continue;
      expect(byId.get(want.id), name).toMatchObject({ conversation_id: want.conversationId, customer_id: pseudonymOf(KEY, emailCustomerId(want.customer)), author: want.author });
    }
    expect(rows.filter((r) => r.conversation_id === 'email:a1@example.com')).toHaveLength(5);
    expect(byId.get('email:a2@example.com')?.text).toBe(EXPECTED['en-reply-gmail.eml']?.kind === 'event' ? EXPECTED['en-reply-gmail.eml'].text : '');
    // Quoted support answers never reach the store; every row has a sentiment.
    expect(rows.filter((r) => /wrote:|skrev|schrieb|^>/m.test(r.text))).toEqual([]);
    expect(rows.every((r) => ['negative', 'neutral', 'positive'].includes(r.sentiment_label))).toBe(true);

    const jsm = await jetstreamManager(nc);
    const dlq = (await jsm.streams.info(DLQ_STREAM)).state;
    const entries: { error: { code: string }; subject: string; payload: string }[] = [];
    for (let seq = dlq.first_seq; seq <= dlq.last_seq; seq++) entries.push((await jsm.streams.getMessage(DLQ_STREAM, { seq }))!.json());
    const reasons = entries.filter((e) => e.subject === 'cx.connectors.email').map((e) => (JSON.parse(e.payload) as { reason: string }).reason);
    expect(reasons.sort()).toEqual(rejects.map(([, w]) => (w.kind === 'reject' ? w.reason : '')).sort());
    expect(await outcome('published')).toBe(events.length);
    expect(await outcome('rejected')).toBe(rejects.length);
  });

  it('after a connector restart scores only the new mail: nothing published twice', async () => {
    const box = await mailboxClient(dovecot);
    await box.deliver('INBOX', 'From: Nora Lund <nora@example.se>\nTo: support@acme.example\nSubject: igen\nDate: Sat, 22 Mar 2025 10:00:00 +0100\nMessage-ID: <e2e-new@example.se>\n\nTredje gången jag skriver. Svara!\n');
    await box.close();
    const c = connector();
    await c.start();
    await c.firstSync();
    await c.stop();
    await waitUntil(async () => (await queryNumber(db.client, `SELECT count() FROM ${table} FINAL`)) >= events.length + 1, 60_000, () => 'the new row');
    await new Promise((r) => setTimeout(r, 500));
    expect(await queryNumber(db.client, `SELECT count() FROM ${table}`)).toBe(events.length + 1);
    expect(await queryNumber(db.client, `SELECT uniqExact(event_id) FROM ${table}`)).toBe(events.length + 1);
    expect(await outcome('published')).toBe(events.length + 1);
    expect(await outcome('duplicate')).toBe(0);
  });
});
