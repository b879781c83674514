import { parseTimestamp } from '../../engine/event/index.ts';
import {
  connectorError,
  inputError,
  isObject,
  optId,
  optObject,
  reqId,
  reqObject,
  reqString,
  type ConnectorError,
  type ConnectorEvent,
} from '../shared/index.ts';

/** What one Chatwoot delivery becomes. */
export type ChatwootMapping =
  | { kind: 'event'; event: ConnectorEvent }
  | { kind: 'ignored'; reason: string }
  /** A customer message we cannot score (no text): dead-lettered with the reason, answered 202. */
  | { kind: 'unusable'; error: ConnectorError };

/** Chatwoot's message_type, as the webhook names it (the API uses the numbers 0..3 for the same). */
const MESSAGE_TYPES = ['incoming', 'outgoing', 'activity', 'template'] as const;
type MessageType = (typeof MESSAGE_TYPES)[number];

function messageType(o: Record<string, unknown>): MessageType {
  const v = o.message_type;
  if (typeof v === 'number' && MESSAGE_TYPES[v]) return MESSAGE_TYPES[v];
  const s = reqString(o, 'message_type');
  if (!(MESSAGE_TYPES as readonly string[]).includes(s)) throw inputError('CX_ERR_INVALID_VALUE', `field 'message_type' must be one of ${MESSAGE_TYPES.join(', ')}`, 'message_type');
  return s as MessageType;
}

/**
 * Chatwoot timestamps come as ISO-8601 (`2021-07-23T18:02:48.000Z`), as `2020-03-03 13:05:57 UTC`
 * (older docs and versions) or as unix seconds (message lists); all three become epoch ms.
 */
export function chatwootTime(v: unknown): number | undefined {
  if (typeof v === 'number') return parseTimestamp(v < 1e11 ? v * 1000 : v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim().replace(/ UTC$/, 'Z').replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2');
  return parseTimestamp(s);
}

function describeNonText(o: Record<string, unknown>): string {
  const attachments = Array.isArray(o.attachments) ? o.attachments : [];
  const kinds = attachments.map((a) => (isObject(a) && typeof a.file_type === 'string' ? a.file_type : 'file'));
  if (kinds.length > 0) return `${kinds.length} attachment(s): ${kinds.join(', ')}`;
  return `content_type '${typeof o.content_type === 'string' ? o.content_type : 'unknown'}' without content`;
}

/**
 * Maps a Chatwoot webhook delivery. Only `message_created` carries a new message; private notes
 * (agents only) and activity messages (Chatwoot's own status lines) are ignored; bot and
 * template messages become `system` events with `meta.bot`. Ids: event `chatwoot:<account>:<message>`,
 * conversation `chatwoot:<account>:<conversation>`, customer `chatwoot:<account>:<contact>`,
 * agent `chatwoot:<account>:user:<user>`. Throws InputError for malformed deliveries.
 */
export function fromChatwoot(o: Record<string, unknown>): ChatwootMapping {
  const name = reqString(o, 'event');
  if (name !== 'message_created') return { kind: 'ignored', reason: `Chatwoot event '${name.slice(0, 40)}' carries no new message` };
  const account = reqId(reqObject(o, 'account'), 'id', 'account.id');
  const messageId = reqId(o, 'id');
  const conversation = reqObject(o, 'conversation');
  const conversationId = reqId(conversation, 'id', 'conversation.id');
  if (o.private === true) return { kind: 'ignored', reason: 'private note (visible to agents only)' };
  const type = messageType(o);
  if (type === 'activity') return { kind: 'ignored', reason: 'activity message (written by Chatwoot, not a person)' };

  const sender = optObject(o, 'sender');
  const senderType = typeof sender?.type === 'string' ? sender.type : undefined;
  const isBot = type === 'template' || senderType === 'agent_bot' || (type === 'outgoing' && sender === undefined);
  const author: ConnectorEvent['author'] = type === 'incoming' ? 'customer' : isBot ? 'system' : 'agent';

  const convMeta = optObject(conversation, 'meta', 'conversation.meta');
  const contactInbox = optObject(conversation, 'contact_inbox', 'conversation.contact_inbox');
  const contact =
    (author === 'customer' && sender ? optId(sender, 'id', 'sender.id') : undefined) ??
    (convMeta?.sender && isObject(convMeta.sender) ? optId(convMeta.sender, 'id', 'conversation.meta.sender.id') : undefined) ??
    (contactInbox ? optId(contactInbox, 'contact_id', 'conversation.contact_inbox.contact_id') : undefined);
  if (contact === undefined) throw inputError('CX_ERR_MISSING_FIELD', "no contact id: expected 'sender.id' (incoming) or 'conversation.meta.sender.id'", 'conversation.meta.sender.id');

  // A contact known by address gets the id the e-mail connector gives it, so one customer is one id on every channel.
  const contactEmail = emailOf(author === 'customer' ? sender : undefined) ?? emailOf(convMeta?.sender);

  if (o.created_at === undefined || o.created_at === null) throw inputError('CX_ERR_MISSING_FIELD', "missing required field 'created_at'", 'created_at');
  const ts = chatwootTime(o.created_at);
  if (ts === undefined) throw inputError('CX_ERR_INVALID_TIMESTAMP', `field 'created_at' (${JSON.stringify(o.created_at).slice(0, 40)}) is not a time Chatwoot sends`, 'created_at');

  const text = typeof o.content === 'string' ? o.content : '';
  if (text.trim() === '') {
    if (author !== 'customer') return { kind: 'ignored', reason: `${author} message without text (${describeNonText(o)})` };
    return {
      kind: 'unusable',
      error: connectorError('CX_ERR_EMPTY_TEXT', `Chatwoot message ${messageId} from contact ${contact} has no text (${describeNonText(o)}); only text is scored`, 'content'),
    };
  }

  const inboxChannel = typeof conversation.channel === 'string' ? conversation.channel : undefined;
  const meta: Record<string, unknown> = { source: 'chatwoot', accountId: account, messageId, contentType: o.content_type ?? 'text' };
  if (inboxChannel) meta.inboxChannel = inboxChannel;
  const inboxId = isObject(o.inbox) ? o.inbox.id : conversation.inbox_id;
  if (inboxId !== undefined) meta.inboxId = inboxId;
  if (isBot) meta.bot = true;

  const event: ConnectorEvent = {
    id: `chatwoot:${account}:${messageId}`,
    // An e-mail inbox in Chatwoot is still e-mail to the scoring (tone, length, subject).
    channel: inboxChannel === 'Channel::Email' ? 'email' : 'chat',
    conversationId: `chatwoot:${account}:${conversationId}`,
    customerId: contactEmail !== undefined ? `email:${contactEmail}` : `chatwoot:${account}:${contact}`,
    author,
    text,
    ts,
    meta,
  };
  // The agent who wrote it, else (a customer or bot message) the agent the conversation is assigned to.
  const assignee = convMeta && isObject(convMeta.assignee) ? convMeta.assignee : undefined;
  let agent: string | undefined;
  if (author === 'agent' && sender) agent = optId(sender, 'id', 'sender.id');
  else if (assignee) agent = optId(assignee, 'id', 'conversation.meta.assignee.id');
  if (agent !== undefined) event.agentId = `chatwoot:${account}:user:${agent}`;
  const subject = emailSubject(o, conversation);
  if (event.channel === 'email' && subject) event.subject = subject;
  return { kind: 'event', event };
}

function emailSubject(o: Record<string, unknown>, conversation: Record<string, unknown>): string | undefined {
  const attrs = isObject(o.content_attributes) ? o.content_attributes : {};
  const email = isObject(attrs.email) ? attrs.email : {};
  if (typeof email.subject === 'string') return email.subject;
  const convAttrs = isObject(conversation.additional_attributes) ? conversation.additional_attributes : {};
  return typeof convAttrs.mail_subject === 'string' ? convAttrs.mail_subject : undefined;
}

/** The contact's e-mail address, lower-cased, when the payload carries a plausible one. */
function emailOf(contact: unknown): string | undefined {
  if (!isObject(contact) || typeof contact.email !== 'string') return undefined;
  const email = contact.email.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.length <= 254 ? email : undefined;
}
