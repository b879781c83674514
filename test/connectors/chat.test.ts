import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { signChatwoot, signGeneric } from '../../connectors/chat/index.ts';
import { connectorApp, fixture, fixtureJson } from './helpers.ts';

const JSON_HEADERS = { 'content-type': 'application/json' };
const WEBHOOK = '/v1/connectors/chat/webhook';

let open: Awaited<ReturnType<typeof connectorApp>>;
let signed: Awaited<ReturnType<typeof connectorApp>>;

beforeAll(async () => {
  open = await connectorApp();
  signed = await connectorApp({ CXPULSE_CHAT_WEBHOOK_SECRET: 'generic-secret', CXPULSE_CHATWOOT_WEBHOOK_SECRET: 'chatwoot-secret', CXPULSE_CHAT_WS_TOKEN: 'widget-token' });
});
afterAll(async () => {
  await open.app.close();
  await signed.app.close();
});

const post = (t: typeof open, payload: string | Buffer, headers: Record<string, string> = JSON_HEADERS) =>
  t.app.inject({ method: 'POST', url: WEBHOOK, headers, payload });

describe('the chat webhook, generic shape', () => {
  it('publishes a message once under a source-derived id; a redelivery is a duplicate', async () => {
    const body = fixture('chat/generic-message.json');
    const first = await post(open, body);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ status: 'published', id: 'chat:acme-widget:m-20261124-0001' });
    const again = await post(open, body);
    expect(again.json()).toEqual({ status: 'duplicate', id: 'chat:acme-widget:m-20261124-0001' });
    const events = open.published.filter((p) => p.msgId === 'chat:acme-widget:m-20261124-0001');
    expect(events).toHaveLength(1);
    expect(events[0]!.channel).toBe('chat');
    expect(events[0]!.event).toMatchObject({
      channel: 'chat',
      conversationId: 'conv-7781',
      customerId: 'cust-4411',
      author: 'customer',
      agentId: 'agent-12',
      ts: '2026-11-24T09:00:00Z',
      meta: { page: '/orders/88412', source: 'acme-widget' },
    });
  });

  it('turns a bot author into a system event marked as a bot', async () => {
    const res = await post(open, JSON.stringify({ messageId: 'b-1', conversationId: 'c', customerId: 'u', author: 'bot', text: 'An agent will join shortly.', ts: 1795510872000 }));
    expect(res.statusCode).toBe(202);
    expect(open.published.find((p) => p.msgId === 'chat:generic:b-1')!.event).toMatchObject({ author: 'system', meta: { bot: true, source: 'generic' } });
  });
});

describe('the chat webhook, Chatwoot message_created', () => {
  it('maps an incoming message: account-scoped ids, the contact by its e-mail address as customer, assignee as agent', async () => {
    const res = await post(open, fixture('chat/chatwoot-message-created-incoming.json'));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: 'published', id: 'chatwoot:7:5120' });
    expect(open.published.find((p) => p.msgId === 'chatwoot:7:5120')!.event).toEqual({
      id: 'chatwoot:7:5120',
      channel: 'chat',
      conversationId: 'chatwoot:7:88',
      customerId: 'email:jane@example.com',
      author: 'customer',
      agentId: 'chatwoot:7:user:17',
      text: 'Third time I ask: where is my refund for order 88412? This is getting ridiculous.',
      ts: Date.parse('2026-11-24T09:01:12.000Z'),
      meta: { source: 'chatwoot', accountId: '7', messageId: '5120', contentType: 'text', inboxChannel: 'Channel::WebWidget', inboxId: 4 },
    });
  });

  it('never creates a second event when Chatwoot redelivers the same webhook', async () => {
    const before = open.published.length;
    const res = await post(open, fixture('chat/chatwoot-message-created-incoming.json'));
    expect(res.json().status).toBe('duplicate');
    expect(open.published.length).toBe(before);
  });

  it('maps an agent reply with the agent as author and the contact as customer', async () => {
    await post(open, fixture('chat/chatwoot-message-created-outgoing.json'));
    expect(open.published.find((p) => p.msgId === 'chatwoot:7:5121')!.event).toMatchObject({ author: 'agent', agentId: 'chatwoot:7:user:17', customerId: 'email:jane@example.com' });
  });

  it('falls back on the account-scoped contact id when the contact has no e-mail address', async () => {
    const body = JSON.parse(fixture('chat/chatwoot-message-created-incoming.json').toString('utf8')) as { id: number; sender: Record<string, unknown>; conversation: { meta: { sender: Record<string, unknown> } } };
    body.id = 95120;
    delete body.sender.email;
    delete body.conversation.meta.sender.email;
    await post(open, JSON.stringify(body));
    expect(open.published.find((p) => p.msgId === 'chatwoot:7:95120')!.event).toMatchObject({ customerId: 'chatwoot:7:301' });
  });

  it('keeps a bot greeting as a system event', async () => {
    await post(open, fixture('chat/chatwoot-bot-reply.json'));
    expect(open.published.find((p) => p.msgId === 'chatwoot:7:5119')!.event).toMatchObject({ author: 'system', meta: { bot: true } });
  });

  it.each([
    ['a private note', 'chat/chatwoot-private-note.json', /private note/],
    ['a conversation status change', 'chat/chatwoot-conversation-status-changed.json', /conversation_status_changed/],
  ])('answers %s with 200 ignored, publishing and dead-lettering nothing', async (_n, file, reason) => {
    const before = { pub: open.published.length, dlq: open.deadLetters.length, ignored: await open.count('chat', 'ignored') };
    const res = await post(open, fixture(file));
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('ignored');
    expect(res.json().reason).toMatch(reason);
    expect(open.published.length).toBe(before.pub);
    expect(open.deadLetters.length).toBe(before.dlq);
    expect(await open.count('chat', 'ignored')).toBe(before.ignored + 1);
  });

  it('dead-letters a customer message without text (an image) with the reason, and answers 202', async () => {
    const body = fixture('chat/chatwoot-attachment-only.json');
    const res = await post(open, body);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'dead_lettered', error: { code: 'CX_ERR_EMPTY_TEXT', field: 'content' } });
    const entry = open.deadLetters.at(-1)!;
    expect(entry.error.code).toBe('CX_ERR_EMPTY_TEXT');
    expect(entry.error.message).toMatch(/1 attachment\(s\): image/);
    expect(entry.subject).toBe('cx.connectors.chat');
    expect(entry.payload).toBe(body.toString('utf8'));
  });
});

describe('the chat webhook refuses bad input with a catalogued error and a DLQ entry', () => {
  const incoming = () => fixtureJson('chat/chatwoot-message-created-incoming.json');
  const generic = () => fixtureJson('chat/generic-message.json');
  it.each([
    ['malformed JSON', '{"event": "message_created", "id": ', 'CX_ERR_INVALID_JSON', undefined],
    ['a JSON array', '[1,2]', 'CX_ERR_NOT_AN_OBJECT', undefined],
    ['a Chatwoot delivery without account', JSON.stringify({ ...incoming(), account: undefined }), 'CX_ERR_MISSING_FIELD', 'account'],
    ['a Chatwoot delivery without conversation id', JSON.stringify({ ...incoming(), conversation: { channel: 'Channel::WebWidget' } }), 'CX_ERR_MISSING_FIELD', 'conversation.id'],
    ['a Chatwoot delivery with an unknown message_type', JSON.stringify({ ...incoming(), message_type: 'whisper' }), 'CX_ERR_INVALID_VALUE', 'message_type'],
    ['a Chatwoot delivery with an unreadable created_at', JSON.stringify({ ...incoming(), created_at: 'yesterday' }), 'CX_ERR_INVALID_TIMESTAMP', 'created_at'],
    ['a generic message without customer', JSON.stringify({ ...generic(), customerId: undefined }), 'CX_ERR_MISSING_FIELD', 'customerId'],
    ['a generic message with an unknown author', JSON.stringify({ ...generic(), author: 'robot' }), 'CX_ERR_INVALID_VALUE', 'author'],
    ['a generic message with a bad time', JSON.stringify({ ...generic(), messageId: 'x-ts', ts: '24/11/2026' }), 'CX_ERR_INVALID_TIMESTAMP', 'ts'],
    ['a generic message with blank text', JSON.stringify({ ...generic(), messageId: 'x-blank', text: '   ' }), 'CX_ERR_EMPTY_TEXT', 'text'],
    ['a generic message over the text limit', JSON.stringify({ ...generic(), messageId: 'x-big', text: 'ä'.repeat(3000) }), 'CX_ERR_TEXT_TOO_LARGE', 'text'],
  ])('%s', async (_n, payload, code, field) => {
    const before = { pub: open.published.length, dlq: open.deadLetters.length };
    const res = await post(open, payload);
    expect(res.statusCode).toBe(code === 'CX_ERR_TEXT_TOO_LARGE' ? 413 : 400);
    expect(res.json().error.code).toBe(code);
    expect(res.json().error.field).toBe(field);
    expect(open.published.length).toBe(before.pub);
    expect(open.deadLetters.length).toBe(before.dlq + 1);
    const entry = open.deadLetters.at(-1)!;
    expect(entry.error).toEqual(res.json().error);
    expect(entry.payload).toBe(payload);
  });

  it('refuses a body that is not UTF-8 (Latin-1 bytes) with CX_ERR_BAD_ENCODING', async () => {
    const latin1 = Buffer.from(JSON.stringify({ ...generic(), messageId: 'x-latin1', text: 'Jag är så trött på det här' }), 'latin1');
    const res = await post(open, latin1);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('CX_ERR_BAD_ENCODING');
    expect(res.json().error.message).toMatch(/offset \d+/);
    expect(open.deadLetters.at(-1)!.error.code).toBe('CX_ERR_BAD_ENCODING');
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await post(open, 'text=hello', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('CX_ERR_UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('webhook signatures', () => {
  const nowSec = () => Math.floor(Date.now() / 1000);

  it('accepts a generic body signed with X-Cxpulse-Signature', async () => {
    const body = JSON.stringify({ ...fixtureJson('chat/generic-message.json'), messageId: 'sig-1' });
    const res = await post(signed, body, { ...JSON_HEADERS, 'x-cxpulse-signature': signGeneric('generic-secret', body) });
    expect(res.statusCode).toBe(202);
  });

  it("accepts a Chatwoot delivery signed the way Chatwoot signs: HMAC of '<timestamp>.<body>'", async () => {
    const body = fixture('chat/chatwoot-message-created-incoming.json');
    const ts = nowSec();
    const res = await post(signed, body, { ...JSON_HEADERS, 'x-chatwoot-timestamp': String(ts), 'x-chatwoot-signature': signChatwoot('chatwoot-secret', ts, body), 'x-chatwoot-delivery': 'b9817461-5fc7-4967-b312-edcc0131075a' });
    expect(res.statusCode).toBe(202);
    expect(res.json().id).toBe('chatwoot:7:5120');
  });

  const body = fixture('chat/chatwoot-message-created-incoming.json');
  const ts = () => nowSec();
  it.each([
    ['no signature at all', () => ({}), undefined],
    ['a wrong generic signature', () => ({ 'x-cxpulse-signature': signGeneric('not-the-secret', body) }), 'X-Cxpulse-Signature'],
    ['a signature that is not sha256=<hex>', () => ({ 'x-cxpulse-signature': 'deadbeef' }), 'X-Cxpulse-Signature'],
    ['a Chatwoot signature over a tampered body', () => ({ 'x-chatwoot-timestamp': String(ts()), 'x-chatwoot-signature': signChatwoot('chatwoot-secret', ts(), `${body.toString()} `) }), 'X-Chatwoot-Signature'],
    ['a Chatwoot signature without its timestamp', () => ({ 'x-chatwoot-signature': signChatwoot('chatwoot-secret', ts(), body) }), 'X-Chatwoot-Timestamp'],
    ['a replayed Chatwoot delivery (timestamp an hour old)', () => ({ 'x-chatwoot-timestamp': String(ts() - 3600), 'x-chatwoot-signature': signChatwoot('chatwoot-secret', ts() - 3600, body) }), 'X-Chatwoot-Timestamp'],
  ])('refuses %s with 401 CX_ERR_BAD_SIGNATURE, counts it, and stores nothing', async (_n, headers, field) => {
    const before = { pub: signed.published.length, dlq: signed.deadLetters.length, unauthorized: await signed.count('chat', 'unauthorized') };
    const res = await post(signed, body, { ...JSON_HEADERS, ...headers() });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('CX_ERR_BAD_SIGNATURE');
    expect(res.json().error.field).toBe(field);
    expect(res.json().error.message.length).toBeGreaterThan(20);
    expect(signed.published.length).toBe(before.pub);
    // Not dead-lettered on purpose: unauthenticated senders must not be able to fill the DLQ.
    expect(signed.deadLetters.length).toBe(before.dlq);
    expect(await signed.count('chat', 'unauthorized')).toBe(before.unauthorized + 1);
  });
});

/** Opens the chat WebSocket and returns a helper that sends a frame and waits for its reply. */
async function chatSocket(t: typeof open, path = '/v1/connectors/chat/ws') {
  const ws: WebSocket = await t.app.injectWS(path);
  const replies: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(m);
    else replies.push(m);
  });
  const next = () => new Promise<Record<string, unknown>>((r) => (replies.length > 0 ? r(replies.shift()!) : waiters.push(r)));
  return { ws, send: async (frame: string | Buffer) => (ws.send(frame), next()) };
}

describe('the chat WebSocket ingest', () => {
  const turn = (i: number, over: Record<string, unknown> = {}) =>
    JSON.stringify({ source: 'widget', messageId: `w-${i}`, conversationId: 'wc-1', customerId: 'cust-ws', author: 'customer', text: `turn ${i}: the app crashes on login`, ts: 1795510872000 + i, ...over });

  it('acks each turn with its id and status, and a resent turn as a duplicate', async () => {
    const s = await chatSocket(open);
    expect(await s.send(turn(1))).toEqual({ type: 'ack', id: 'chat:widget:w-1', status: 'published' });
    expect(await s.send(turn(2))).toEqual({ type: 'ack', id: 'chat:widget:w-2', status: 'published' });
    expect(await s.send(turn(1))).toEqual({ type: 'ack', id: 'chat:widget:w-1', status: 'duplicate' });
    expect(open.published.filter((p) => p.msgId.startsWith('chat:widget:')).map((p) => p.msgId)).toEqual(['chat:widget:w-1', 'chat:widget:w-2']);
    s.ws.terminate();
  });

  it('answers malformed frames with error frames, dead-letters them, and keeps the socket open', async () => {
    const s = await chatSocket(open);
    const dlq = open.deadLetters.length;
    const bad = await s.send('{"messageId": "w-9", ');
    expect(bad).toMatchObject({ type: 'error', error: { code: 'CX_ERR_INVALID_JSON' } });
    expect(bad.id).toBeUndefined();
    expect(await s.send(turn(10, { customerId: undefined }))).toMatchObject({ type: 'error', id: 'chat:widget:w-10', error: { code: 'CX_ERR_MISSING_FIELD', field: 'customerId' } });
    expect(await s.send(turn(11, { ts: 'soon' }))).toMatchObject({ type: 'error', id: 'chat:widget:w-11', error: { code: 'CX_ERR_INVALID_TIMESTAMP', field: 'ts' } });
    expect(await s.send(Buffer.from([0x7b, 0x22, 0xe4, 0x22, 0x7d]))).toMatchObject({ type: 'error', error: { code: 'CX_ERR_BAD_ENCODING' } });
    expect(await s.send('"just a string"')).toMatchObject({ type: 'error', error: { code: 'CX_ERR_NOT_AN_OBJECT' } });
    expect(open.deadLetters.length).toBe(dlq + 5);
    expect(open.deadLetters.at(-4)!.payload).toBe(turn(10, { customerId: undefined }));
    // Still open: the next good turn goes through.
    expect(await s.send(turn(12))).toEqual({ type: 'ack', id: 'chat:widget:w-12', status: 'published' });
    s.ws.terminate();
  });

  it('refuses the handshake without the configured token, and accepts it with the token', async () => {
    await expect(signed.app.injectWS('/v1/connectors/chat/ws')).rejects.toThrow(/401/);
    await expect(signed.app.injectWS('/v1/connectors/chat/ws?token=wrong')).rejects.toThrow(/401/);
    const s = await chatSocket(signed, '/v1/connectors/chat/ws?token=widget-token');
    expect(await s.send(turn(20))).toMatchObject({ type: 'ack', status: 'published' });
    s.ws.terminate();
  });
});

describe('connector metrics', () => {
  it('count received, published, duplicate, rejected and ignored per connector', async () => {
    const text = await open.registry.metrics();
    for (const outcome of ['received', 'published', 'duplicate', 'rejected', 'ignored']) {
      expect(text).toMatch(new RegExp(`cxpulse_connector_events_total\\{connector="chat",outcome="${outcome}"\\} [1-9]`));
    }
  });
});
