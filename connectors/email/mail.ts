import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { ConnectorEvent } from '../shared/index.ts';
import { mailRejection, type MailRejection } from './errors.ts';
import { stripReply } from './strip.ts';
import type { AttachmentStats } from './structure.ts';

/** One mail as read from a folder. */
export interface MailSource {
  raw: Buffer;
  folder: string;
  uidValidity: string;
  uid: number;
  internalDate?: Date | undefined;
  /** Set when `raw` is a slimmed stand-in for a large mail: its attachments, from BODYSTRUCTURE. */
  attachments?: AttachmentStats | undefined;
}

/** Who is who: how addresses become customer and agent ids. */
export interface MailIdentities {
  customerIdFor(address: string): string;
  agentIdFor(address: string): string;
  isAgent(address: string): boolean;
}

export type MailOutcome = ({ ok: true; event: ConnectorEvent } | { ok: false; rejection: MailRejection }) & { messageId?: string };

/** Ids longer than this are hashed: the contract allows 256 characters and some Message-IDs are long. */
const MAX_RAW_ID = 200;
/** A body where more than this share of characters failed to decode is not worth scoring. */
const MAX_REPLACEMENT_SHARE = 0.02;
/** HTML beyond this size is not converted to text (the converter's cost grows with it). */
const MAX_HTML_CHARS = 2_000_000;

/**
 * The default customer id: `email:` + the lower-cased address, the form every connector uses for
 * a customer known by address (the chat connector too, when the contact has one), so one
 * customer is one id on every channel. The engine pseudonymises it with its keyed hash
 * (CXPULSE_PSEUDONYM_KEY) before anything is stored; a bare hash here could be reversed by
 * hashing candidate addresses.
 */
export function emailCustomerId(address: string): string {
  return `email:${address.trim().toLowerCase()}`;
}

/** `<abc@host>` → `abc@host`, without whitespace or control characters (ids travel in NATS headers). */
function bareId(id: string): string {
  return id.trim().replace(/^<|>$/g, '').replace(/[\s\x00-\x1f\x7f]/g, '');
}

function messageIds(value: string | string[] | undefined): string[] {
  const all = (Array.isArray(value) ? value : value ? [value] : []).join(' ');
  const bracketed = all.match(/<[^<>]+>/g);
  return (bracketed ?? all.split(/\s+/)).map(bareId).filter((s) => s !== '');
}

function idFrom(prefix: string, value: string): string {
  return value.length <= MAX_RAW_ID ? `${prefix}${value}` : `${prefix}sha256:${createHash('sha256').update(value).digest('hex').slice(0, 40)}`;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  const walk = (list: AddressObject['value']) => {
    for (const a of list) {
      if (a.address) out.push(a.address.toLowerCase());
      if (a.group) walk(a.group);
    }
  };
  for (const obj of Array.isArray(field) ? field : field ? [field] : []) walk(obj.value);
  return out;
}

/** The Date header as written; mailparser turns an unparseable one into "now", which we must not. */
function headerDate(mail: ParsedMail): Date | undefined {
  const line = mail.headerLines.find((h) => h.key === 'date')?.line;
  if (!line) return undefined;
  const value = line.slice(line.indexOf(':') + 1).replace(/\s+/g, ' ').replace(/\([^)]*\)/g, '').trim();
  const ms = Date.parse(value);
  return plausible(ms) ? new Date(ms) : undefined;
}

const plausible = (ms: number) => Number.isFinite(ms) && ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2100, 0, 1);

const NO_REPLY = /^(no-?reply|do-?not-?reply)@/;

/**
 * Auto-replies, bounces and no-reply notices are the system talking, not a person. Not
 * `Precedence: list/bulk`: support addresses run as Google Groups or list aliases carry those on
 * every customer mail.
 */
function isAutomated(mail: ParsedMail, sender: string): boolean {
  const h = (name: string) => String(mail.headers.get(name) ?? '').toLowerCase();
  if (h('auto-submitted') !== '' && h('auto-submitted') !== 'no') return true;
  if (mail.headers.has('x-autoreply') || mail.headers.has('x-autorespond')) return true;
  if (['auto_reply', 'junk'].includes(h('precedence'))) return true;
  return /^(mailer-daemon|postmaster)@/.test(sender) || NO_REPLY.test(sender);
}

/**
 * Who wrote it. Web contact forms send from a no-reply address with the customer in Reply-To;
 * otherwise From, then Reply-To, then Sender.
 */
function senderOf(mail: ParsedMail): string | undefined {
  const from = addresses(mail.from)[0];
  const replyTo = addresses(mail.replyTo)[0];
  if (from && replyTo && NO_REPLY.test(from)) return replyTo;
  return from ?? replyTo ?? addresses(mail.headers.get('sender') as AddressObject | undefined)[0];
}

function describeSize(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}

/**
 * Turns one raw mail into the event the customer (or agent) wrote, or into the reason it cannot
 * be one. Pure apart from parsing: no I/O, so it is tested on fixture files without a server.
 */
export async function mailToEvent(src: MailSource, who: MailIdentities): Promise<MailOutcome> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(src.raw, { skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true, checksumAlgo: false, maxHtmlLengthToParse: MAX_HTML_CHARS });
  } catch (e) {
    return { ok: false, rejection: mailRejection('unparseable_mime', `the mail could not be parsed as MIME: ${(e as Error).message}`) };
  }
  const ownId = messageIds(mail.messageId)[0];
  const result = (o: { ok: true; event: ConnectorEvent } | { ok: false; rejection: MailRejection }): MailOutcome => (ownId ? { ...o, messageId: ownId } : o);
  const reject = (reason: Parameters<typeof mailRejection>[0], message: string) => result({ ok: false, rejection: mailRejection(reason, message) });

  const attachments = src.attachments ?? { count: mail.attachments.length, bytes: mail.attachments.reduce((n, a) => n + a.size, 0) };
  if (mail.textConversionError) return reject('html_not_converted', `the HTML body could not be turned into text: ${mail.textConversionError.message}`);
  const body = mail.text;
  if (body === undefined) {
    const what = attachments.count > 0 ? `only ${attachments.count} attachment(s), ${describeSize(attachments.bytes)}` : 'no body at all';
    return reject('no_text_part', `the mail has no text/plain or text/html part (${what})`);
  }
  if (body.trim() === '') return reject('empty_body', 'the mail body is empty');
  const bad = (body.match(/\uFFFD/g) ?? []).length;
  const visible = body.replace(/\s/g, '').length;
  if (bad > 0 && bad / visible > MAX_REPLACEMENT_SHARE) {
    return reject('broken_encoding', `${bad} of ${visible} characters of the body could not be decoded: the declared charset does not match the bytes`);
  }
  const stripped = stripReply(body);
  if (stripped.text === '') return reject('empty_after_stripping', 'nothing is left of the body once the quoted reply and signature are removed');

  const from = senderOf(mail);
  if (!from) return reject('no_sender', 'the mail has no From, Reply-To or Sender address');
  const agent = who.isAgent(from);
  const customerAddress = agent ? [...addresses(mail.to), ...addresses(mail.cc)].find((a) => !who.isAgent(a)) : from;
  if (!customerAddress) return reject('no_customer_recipient', 'an agent wrote this mail to no customer address (To and Cc are all agents)');

  const locator = `${src.folder}:${src.uidValidity}:${src.uid}`;
  const id = ownId ? idFrom('email:', ownId) : idFrom('email:uid:', locator);
  // The thread's root: References lists the ancestors oldest first; In-Reply-To names the parent.
  const root = messageIds(mail.references)[0] ?? messageIds(mail.inReplyTo)[0];
  const conversationId = root ? idFrom('email:', root) : id;
  const date = headerDate(mail);
  const ts = (date ?? (src.internalDate && plausible(src.internalDate.getTime()) ? src.internalDate : new Date())).toISOString();

  const event: ConnectorEvent = {
    id,
    channel: 'email',
    conversationId,
    customerId: who.customerIdFor(customerAddress),
    author: agent ? 'agent' : isAutomated(mail, from) ? 'system' : 'customer',
    text: stripped.text,
    ts,
    meta: {
      fromDomain: from.slice(from.lastIndexOf('@') + 1),
      folder: src.folder,
      uid: src.uid,
      uidValidity: src.uidValidity,
      attachmentCount: attachments.count,
      attachmentBytes: attachments.bytes,
      quoteStripped: stripped.quoteStripped,
      signatureStripped: stripped.signatureStripped,
      tsFrom: date ? 'date-header' : 'internal-date',
      ...(src.attachments ? { largeMessage: true } : {}),
    },
  };
  if (agent) event.agentId = who.agentIdFor(from);
  if (mail.subject) event.subject = mail.subject;
  return result({ ok: true, event });
}
