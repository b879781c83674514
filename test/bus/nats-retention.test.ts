import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { jetstream } from '@nats-io/jetstream';
import { createNatsBus, DLQ_STREAM, type DeadLetter, type NatsBusOptions } from '../../engine/bus/index.ts';
import { deadLetterEntry } from '../../engine/bus/index.ts';
import { createPseudonymizer, redactDeadLetter } from '../../engine/privacy/index.ts';
import { eventError } from '../../engine/event/index.ts';
import { waitUntil } from '../helpers/engine.ts';
import { useNatsServerPerTest } from '../helpers/nats.ts';

const nats = useNatsServerPerTest();

/** A logger whose lines the test reads. */
function capturingLog() {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) });
  return { log: pino({ level: 'info' }, sink), lines };
}

const options = (o: Partial<NatsBusOptions> = {}): NatsBusOptions => ({ servers: [nats.server.url], stream: 'CX_EVENTS', consumer: 'engine', maxAckPending: 100, ackWaitMs: 1000, log: pino({ level: 'silent' }), ...o });
const HOUR_NS = 3_600_000 * 1e6;

describe('how long raw events stay in CX_EVENTS', () => {
  it('makes a work-queue stream with a 24 h max_age: an acked event is gone at once, an unacked one waits', async () => {
    nats.bus = await createNatsBus(options());
    await nats.bus.init();
    const { config } = await nats.jsm.streams.info('CX_EVENTS');
    expect(config.retention).toBe('workqueue');
    expect(config.max_age).toBe(24 * HOUR_NS);
    for (const id of ['m-1', 'm-2']) await nats.bus.publishEvent('chat', new TextEncoder().encode(JSON.stringify({ id, text: 'my card 4111 1111 1111 1111' })), id);
    expect((await nats.jsm.streams.info('CX_EVENTS')).state.messages).toBe(2);
    const it = nats.bus.messages()[Symbol.asyncIterator]();
    const first = (await it.next()).value!;
    first.ack();
    await it.next(); // taken, never acked: it stays until redelivered and acked, or until max_age
    await waitUntil(async () => (await nats.jsm.streams.info('CX_EVENTS')).state.messages === 1, 5000, () => 'the acked event left the stream');
    const left = await nats.jsm.streams.getMessage('CX_EVENTS', { seq: 2 });
    expect(left?.json<{ id: string }>().id).toBe('m-2');
  });

  it('sets the configured max_age, retention and DLQ max_age', async () => {
    nats.bus = await createNatsBus(options({ retention: 'interest', eventsMaxAgeMs: 2 * 3_600_000, dlqMaxAgeMs: 48 * 3_600_000 }));
    await nats.bus.init();
    const events = await nats.jsm.streams.info('CX_EVENTS');
    expect(events.config).toMatchObject({ retention: 'interest', max_age: 2 * HOUR_NS });
    expect((await nats.jsm.streams.info(DLQ_STREAM)).config.max_age).toBe(48 * HOUR_NS);
  });

  it('keeps an existing limits stream working, gives it the max_age and logs how to migrate its retention', async () => {
    await nats.jsm.streams.add({ name: 'CX_EVENTS', subjects: ['cx.events.>'] });
    await nats.jsm.streams.add({ name: DLQ_STREAM, subjects: ['cx.dlq'] });
    await jetstream(nats.nc).publish('cx.events.chat', JSON.stringify({ id: 'old-1' }), { msgID: 'old-1' });
    const { log, lines } = capturingLog();
    nats.bus = await createNatsBus(options({ log }));
    await nats.bus.init();
    const { config, state } = await nats.jsm.streams.info('CX_EVENTS');
    expect(config.retention).toBe('limits');
    expect(config.max_age).toBe(24 * HOUR_NS);
    expect(state.messages).toBe(1);
    expect((await nats.jsm.streams.info(DLQ_STREAM)).config.max_age).toBe(7 * 24 * HOUR_NS);
    const warning = lines.find((l) => l.level === 40 && l.msg.includes("keeps retention 'limits'"));
    expect(warning?.msg).toContain('nats stream rm -f CX_EVENTS');
    // The consumer still works on the old stream.
    const first = (await nats.bus.messages()[Symbol.asyncIterator]().next()).value!;
    expect(JSON.parse(new TextDecoder().decode(first.data)).id).toBe('old-1');
  });
});

describe('dead letters at rest', () => {
  it('stores a DLQ entry with its text redacted and its customer id pseudonymised', async () => {
    const pseudonymize = createPseudonymizer('k'.repeat(32));
    nats.bus = await createNatsBus(options({ sanitizeDeadLetter: (e: DeadLetter) => redactDeadLetter(e, { pseudonymize }) }));
    await nats.bus.init();
    const raw = JSON.stringify({ id: 'bad-1', channel: 'chat', customerId: 'email:anna@example.com', text: 'Ring mig på 070-123 45 67, anna@example.com', ts: 'soon', meta: { note: 'IBAN DE89 3704 0044 0532 0130 00' } });
    const entry = deadLetterEntry({ subject: 'cx.events.chat', data: new TextEncoder().encode(raw), receivedAtMs: 1, deliveryCount: 1, busId: 'CX_EVENTS:9' }, eventError('CX_ERR_INVALID_TIMESTAMP', "field 'ts' (\"soon\") is not ISO-8601; sender anna@example.com", 'ts'));
    await nats.bus.deadLetter(entry);
    const stored = (await nats.jsm.streams.getMessage(DLQ_STREAM, { seq: 1 }))!.json<DeadLetter>();
    const payload = JSON.parse(stored.payload) as Record<string, unknown>;
    expect(payload).toEqual({ id: 'bad-1', channel: 'chat', customerId: pseudonymize('email:anna@example.com'), text: 'Ring mig på [phone], [email]', ts: 'soon', meta: { note: 'IBAN [iban]' } });
    expect(stored.error).toEqual({ code: 'CX_ERR_INVALID_TIMESTAMP', field: 'ts', message: "field 'ts' (\"soon\") is not ISO-8601; sender [email]" });
    expect(JSON.stringify(stored)).not.toContain('anna');
  });
});

describe('erasing a customer from the streams', () => {
  it('deletes the events still waiting and the dead letters of one customer, by raw id or pseudonym, and keeps the others', async () => {
    const pseudonymize = createPseudonymizer('k'.repeat(32));
    nats.bus = await createNatsBus(options({ sanitizeDeadLetter: (e: DeadLetter) => redactDeadLetter(e, { pseudonymize }) }));
    await nats.bus.init();
    const enc = new TextEncoder();
    const event = (id: string, customerId: string) => enc.encode(JSON.stringify({ id, channel: 'chat', conversationId: `c-${id}`, customerId, author: 'customer', text: `hello from ${id}`, ts: 1 }));
    // Not consumed: they wait in CX_EVENTS, raw, as they would while the engine is down.
    for (const [id, who] of [['x-1', 'cust-x'], ['y-1', 'cust-y'], ['x-2', 'cust-x'], ['y-2', 'cust-y']] as const) await nats.bus.publishEvent('chat', event(id, who), id);
    await nats.bus.publishEvent('crm', enc.encode(JSON.stringify([{ id: 'crm-x', customerId: 'cust-x', type: 'payment_late', ts: 1 }])), 'crm-x');
    for (const [id, who] of [['x-bad', 'cust-x'], ['y-bad', 'cust-y']] as const) {
      await nats.bus.deadLetter(deadLetterEntry({ subject: 'cx.events.chat', data: event(id, who), receivedAtMs: 1, deliveryCount: 1 }, eventError('CX_ERR_INVALID_TIMESTAMP', 'bad ts', 'ts')));
    }
    // The DLQ holds the pseudonym, the stream the raw id: the pseudonym given finds both.
    const set = new Set([pseudonymize('cust-x')]);
    const erased = await nats.bus.eraseCustomer!({ ids: [...set], matches: (c) => set.has(c) || set.has(pseudonymize(c)) });
    expect(erased).toEqual([
      { place: 'nats', what: 'stream CX_EVENTS', removed: 3 },
      { place: 'nats', what: `stream ${DLQ_STREAM}`, removed: 1 },
    ]);
    const left = async (stream: string) => {
      const { state } = await nats.jsm.streams.info(stream);
      const out: string[] = [];
      for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
        const m = await nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
        if (m) out.push(new TextDecoder().decode(m.data));
      }
      return out;
    };
    const events = await left('CX_EVENTS');
    expect(events.map((t) => JSON.parse(t).id)).toEqual(['y-1', 'y-2']);
    const dlq = await left(DLQ_STREAM);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]).toContain(pseudonymize('cust-y'));
    // The consumer still delivers what is left.
    const first = (await nats.bus.messages()[Symbol.asyncIterator]().next()).value!;
    expect(JSON.parse(new TextDecoder().decode(first.data)).id).toBe('y-1');
  });
});

describe('a second consumer on the work queue', () => {
  it('is refused at start with the consumer that holds the stream and what to do', async () => {
    nats.bus = await createNatsBus(options({ consumer: 'engine' }));
    await nats.bus.init();
    const other = await createNatsBus(options({ consumer: 'renamed' }));
    try {
      await expect(other.init()).rejects.toThrow("consumer 'renamed' cannot be added to stream CX_EVENTS: it is a work queue, which takes one consumer (engine instances share it), and it has 'engine'");
    } finally {
      await other.close();
    }
  });
});
