import {
  inputError,
  optId,
  optObject,
  optString,
  reqId,
  reqOneOf,
  type ConnectorEvent,
} from '../shared/index.ts';

/** `bot` is a chat reality the event contract does not have: it becomes `system` with `meta.bot`. */
export const GENERIC_AUTHORS = ['customer', 'agent', 'bot', 'system'] as const;
export const DEFAULT_GENERIC_SOURCE = 'generic';
const SOURCE_FORMAT = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The event id of a generic message: `chat:<source>:<messageId>`. Namespaced because JetStream
 * deduplicates by id across the whole stream: a chat tool's message 17 must not collide with
 * another source's 17, or with a call turn.
 */
export function genericEventId(o: Record<string, unknown>): string | undefined {
  const source = o.source ?? DEFAULT_GENERIC_SOURCE;
  const id = o.messageId;
  if (typeof source !== 'string' || !SOURCE_FORMAT.test(source)) return undefined;
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isSafeInteger(id))) return undefined;
  return `chat:${source}:${id}`;
}

/**
 * Our generic chat shape (webhook body and WebSocket frame):
 * `{ source?, messageId, conversationId, customerId, author, text, ts, agentId?, lang?, meta? }`.
 * Throws InputError naming the field; text and ts are checked by the shared contract check.
 */
export function fromGeneric(o: Record<string, unknown>): ConnectorEvent {
  const source = optString(o, 'source') ?? DEFAULT_GENERIC_SOURCE;
  if (!SOURCE_FORMAT.test(source)) throw inputError('CX_ERR_INVALID_VALUE', "field 'source' must be 1-64 letters, digits, '.', '_' or '-'", 'source');
  const messageId = reqId(o, 'messageId');
  const author = reqOneOf(o, 'author', GENERIC_AUTHORS);
  if (o.text === undefined || o.text === null) throw inputError('CX_ERR_MISSING_FIELD', "missing required field 'text'", 'text');
  if (typeof o.text !== 'string') throw inputError('CX_ERR_WRONG_TYPE', "field 'text' must be a string", 'text');
  const meta: Record<string, unknown> = { ...optObject(o, 'meta'), source };
  if (author === 'bot') meta.bot = true;
  const event: ConnectorEvent = {
    id: `chat:${source}:${messageId}`,
    channel: 'chat',
    conversationId: reqId(o, 'conversationId'),
    customerId: reqId(o, 'customerId'),
    author: author === 'bot' ? 'system' : author,
    text: o.text,
    // Passed through as sent: the contract check names a missing or malformed ts precisely.
    ts: o.ts as string | number,
    meta,
  };
  const agentId = optId(o, 'agentId');
  if (agentId !== undefined) event.agentId = agentId;
  const lang = optString(o, 'lang');
  if (lang !== undefined) event.lang = lang;
  return event;
}
