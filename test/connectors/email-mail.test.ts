import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentMatcher, mailToEvent, emailCustomerId, type MailIdentities } from '../../connectors/email/index.ts';
import { AGENT_ADDRESSES, EXPECTED, INTERNAL_DATE } from '../fixtures/email/expected.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/email');
const who: MailIdentities = { customerIdFor: emailCustomerId, agentIdFor: (a) => a, isAgent: agentMatcher(AGENT_ADDRESSES) };
const read = (name: string) => readFileSync(join(FIXTURES, name));
const source = (raw: Buffer) => ({ raw, folder: 'INBOX', uidValidity: '7', uid: 42, internalDate: INTERNAL_DATE });

describe('turning a mail into an event', () => {
  it('has an expectation for every fixture mail, and there are a few dozen of them', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml')).sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(EXPECTED))('%s', async (name, want) => {
    const out = await mailToEvent(source(read(name)), who);
    if (want.kind === 'reject') {
      expect(out.ok ? out.event : out.rejection).toMatchObject({ reason: want.reason, error: { code: want.code } });
      return;
    }
    if (!out.ok) throw new Error(`rejected: ${out.rejection.error.message}`);
    const locator = 'INBOX:7:42';
    expect(out.event).toMatchObject({
      id: want.id.replace('{locator}', locator),
      channel: 'email',
      conversationId: want.conversationId.replace('{locator}', locator),
      customerId: emailCustomerId(want.customer),
      author: want.author,
      text: want.text,
      ts: want.ts,
      ...(want.subject ? { subject: want.subject } : {}),
      meta: { folder: 'INBOX', uid: 42, uidValidity: '7', ...want.meta },
    });
  });

  it('gives the customer the id every connector uses for an address (the engine pseudonymises it): stable, case-insensitive', () => {
    const id = emailCustomerId('John.Smith@Example.com');
    expect(id).toBe(emailCustomerId(' john.smith@example.com'));
    expect(id).toBe('email:john.smith@example.com');
  });

  it('lets the deployment choose its own customer ids (e.g. a CRM lookup)', async () => {
    const out = await mailToEvent(source(read('en-plain.eml')), { ...who, customerIdFor: (a) => `crm:${a.split('@')[0]}` });
    expect(out.ok && out.event.customerId).toBe('crm:john.smith');
  });

  it('names the agent of an agent reply and files it under the customer it was sent to', async () => {
    const out = await mailToEvent(source(read('agent-reply.eml')), who);
    expect(out.ok && out.event).toMatchObject({ author: 'agent', agentId: 'support@acme.example', customerId: emailCustomerId('john.smith@example.com') });
  });

  it('without agent addresses configured, every sender is a customer', async () => {
    const out = await mailToEvent(source(read('agent-reply.eml')), { ...who, isAgent: agentMatcher([]) });
    expect(out.ok && out.event).toMatchObject({ author: 'customer', customerId: emailCustomerId('support@acme.example') });
  });

  it('hashes Message-IDs too long for the contract into a stable id', async () => {
    const long = `${'x'.repeat(300)}@example.com`;
    const raw = Buffer.from(`From: a@example.com\r\nMessage-ID: <${long}>\r\nReferences: <${long}>\r\nSubject: s\r\n\r\nHello there.\r\n`);
    const a = await mailToEvent(source(raw), who);
    const b = await mailToEvent(source(raw), who);
    expect(a.ok && a.event.id).toMatch(/^email:sha256:[0-9a-f]{40}$/);
    expect(a.ok && b.ok && a.event.id === b.event.id && a.event.conversationId === a.event.id).toBe(true);
  });

  it('keeps a body with a stray undecodable character (below the broken-encoding threshold)', async () => {
    const text = `${'Everything works fine except the invoice. '.repeat(5)}\ufffd`;
    const raw = Buffer.from(`From: a@example.com\r\nMessage-ID: <r1@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`);
    const out = await mailToEvent(source(raw), who);
    expect(out.ok).toBe(true);
  });

  it('dead-letters a mail without any sender address', async () => {
    const raw = Buffer.from('To: support@acme.example\r\nMessage-ID: <anon@example.com>\r\nSubject: s\r\n\r\nWho am I?\r\n');
    const out = await mailToEvent(source(raw), who);
    expect(!out.ok && out.rejection).toMatchObject({ reason: 'no_sender', error: { code: 'CX_ERR_MISSING_FIELD', field: 'customerId' } });
    expect(out.messageId).toBe('anon@example.com');
  });
});
