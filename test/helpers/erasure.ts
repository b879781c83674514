/**
 * A customer's traffic for erasure tests: a chat and an e-mail conversation full of identifiers
 * in the five languages, a CRM event and an event the engine refuses (it goes to the DLQ). Every
 * text carries the customer's marker word, so a store that kept anything of it can be found by
 * searching for the marker.
 */
export interface CustomerTraffic {
  customerId: string;
  marker: string;
  conversations: string[];
  events: Record<string, unknown>[];
  business: Record<string, unknown>;
  invalid: Record<string, unknown>;
}

const TEXTS = [
  ['en', 'Hi, {m} here. My card 4111 1111 1111 1111 was charged twice, call me on +44 20 7946 0958.'],
  ['sv', 'Hej! {m} igen. Mitt personnummer är 811218-9876 och jag bor på Storgatan 12, 114 55 Stockholm.'],
  ['nb', '{m}: dere har trukket meg to ganger, ring meg på 412 34 567. Mvh Kari Nordmann'],
  ['da', 'Kære support, {m} skriver: mit CPR er 150385-1234 og min mail er kunde@example.dk.'],
  ['de', 'Guten Tag, {m} hier. Bitte zurück auf DE89 3704 0044 0532 0130 00 überweisen. Mit freundlichen Grüßen, Hans Müller'],
] as const;

export function customerTraffic(customerId: string, marker: string, nowMs = Date.now()): CustomerTraffic {
  const tag = marker.toLowerCase();
  const chat = `conv-${tag}-chat`;
  const mail = `conv-${tag}-mail`;
  const events: Record<string, unknown>[] = TEXTS.map(([lang, text], i) => ({
    id: `${tag}-${i}`,
    channel: i % 2 === 0 ? 'chat' : 'email',
    conversationId: i % 2 === 0 ? chat : mail,
    customerId,
    author: 'customer',
    text: text.replace('{m}', marker),
    lang,
    ts: nowMs - (TEXTS.length - i) * 1000,
    meta: { note: `${marker} prefers the phone 070-123 45 67` },
  }));
  events.push({ id: `${tag}-reply`, channel: 'chat', conversationId: chat, customerId, author: 'agent', agentId: 'agent-7', text: `Sorry ${marker}, we will refund you today.`, ts: nowMs });
  return {
    customerId,
    marker,
    conversations: [chat, mail],
    events,
    business: { id: `${tag}-crm-1`, channel: 'crm', customerId, type: 'payment_late', ts: nowMs - 86_400_000, meta: { daysLate: 12, note: `reminder sent to ${marker}` } },
    invalid: { id: `${tag}-bad`, channel: 'chat', conversationId: chat, customerId, author: 'customer', text: `${marker} writes with a broken clock`, ts: 'soon' },
  };
}

/** The feed's `snapshot` message a client gets on connecting now (events, cues, alerts), as text. */
export async function feedSnapshot(baseUrl: string, token?: string): Promise<string> {
  const { default: WebSocket } = await import('ws');
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/feed`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  try {
    return await new Promise<string>((resolve, reject) => {
      ws.on('message', (data) => {
        const text = String(data);
        if ((JSON.parse(text) as { type: string }).type === 'snapshot') resolve(text);
      });
      ws.once('error', reject);
    });
  } finally {
    ws.close();
  }
}
