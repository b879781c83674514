import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { importCrmCsv, parseCsv, readCrmCsv } from '../../connectors/crm/index.ts';
import { createConnectorPublisher } from '../../engine/connector/index.ts';
import { runConnector } from '../../cli/connector.ts';
import { startNatsServer } from '../../engine/devtools/index.ts';
import { connectorApp, fixture, fixtureJson, recordingBus } from './helpers.ts';

let t: Awaited<ReturnType<typeof connectorApp>>;
beforeAll(async () => {
  t = await connectorApp();
});
afterAll(() => t.app.close());

const post = (payload: string | Buffer, contentType = 'application/json') =>
  t.app.inject({ method: 'POST', url: '/v1/connectors/crm', headers: { 'content-type': contentType }, payload });
const events = () => fixtureJson('crm/events.json') as unknown as Record<string, unknown>[];

describe('POST /v1/connectors/crm', () => {
  it('publishes one business event on the crm channel, its type fields in meta', async () => {
    const res = await post(JSON.stringify(events()[0]));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, ids: ['crm:payment_late:inv-2026-1187'] });
    const p = t.published.find((x) => x.msgId === 'crm:payment_late:inv-2026-1187')!;
    expect(p.channel).toBe('crm');
    expect(p.event).toEqual({
      id: 'crm:payment_late:inv-2026-1187',
      channel: 'crm',
      customerId: 'cust-4411',
      type: 'payment_late',
      ts: '2026-11-20T00:00:00Z',
      meta: { sourceId: 'inv-2026-1187', daysLate: 14, amount: 499, currency: 'SEK', invoiceId: '2026-1187' },
    });
  });

  it('publishes an array of all five types; a resend is all duplicates', async () => {
    const res = await post(fixture('crm/events.json'));
    expect(res.json()).toMatchObject({ accepted: 5, duplicates: 1 });
    expect(res.json().ids).toEqual([
      'crm:payment_late:inv-2026-1187',
      'crm:order_placed:ord-88412',
      'crm:usage_drop:usage-2026-w47-cust-4411',
      'crm:plan_change:sub-5521-chg-3',
      'crm:cancellation:sub-5521-cancel',
    ]);
    expect(t.published.find((x) => x.msgId === 'crm:cancellation:sub-5521-cancel')!.event.meta).toEqual({
      channel: 'self-service',
      sourceId: 'sub-5521-cancel',
      reason: 'too expensive',
      effectiveAt: Date.parse('2026-12-31T23:59:59Z'),
    });
    expect((await post(fixture('crm/events.json'))).json()).toMatchObject({ accepted: 5, duplicates: 5 });
  });

  const base = { id: 'e-1', type: 'payment_late', customerId: 'c-1', ts: '2026-11-20T00:00:00Z', daysLate: 3 };
  it.each([
    ['a missing type', { ...base, type: undefined }, 'CX_ERR_MISSING_FIELD', 'type'],
    ['an unknown type', { ...base, type: 'refund_issued' }, 'CX_ERR_INVALID_VALUE', 'type'],
    ['a missing customer', { ...base, customerId: undefined }, 'CX_ERR_MISSING_FIELD', 'customerId'],
    ['a late payment without daysLate', { ...base, daysLate: undefined }, 'CX_ERR_MISSING_FIELD', 'daysLate'],
    ['a number sent as a string', { ...base, amount: '12' }, 'CX_ERR_WRONG_TYPE', 'amount'],
    ['a negative amount', { ...base, amount: -5 }, 'CX_ERR_INVALID_VALUE', 'amount'],
    ['a currency that is not ISO 4217', { ...base, currency: 'kr' }, 'CX_ERR_INVALID_VALUE', 'currency'],
    ['a misspelt field', { ...base, dayslate: 3 }, 'CX_ERR_INVALID_VALUE', 'dayslate'],
    ['a field of another type', { ...base, dropPct: 20 }, 'CX_ERR_INVALID_VALUE', 'dropPct'],
    ['a usage drop over 100%', { id: 'u', type: 'usage_drop', customerId: 'c', ts: 1795510872000, dropPct: 150 }, 'CX_ERR_INVALID_VALUE', 'dropPct'],
    ['a plan change without its target', { id: 'p', type: 'plan_change', customerId: 'c', ts: 1795510872000, fromPlan: 'pro' }, 'CX_ERR_MISSING_FIELD', 'toPlan'],
    ['an unreadable time', { ...base, ts: 'last week' }, 'CX_ERR_INVALID_TIMESTAMP', 'ts'],
    ['meta that is not an object', { ...base, meta: [1] }, 'CX_ERR_WRONG_TYPE', 'meta'],
  ])('refuses %s, naming the field, and dead-letters it', async (_n, ev, code, field) => {
    const before = { pub: t.published.length, dlq: t.deadLetters.length };
    const res = await post(JSON.stringify(ev));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code, field });
    expect(res.json().error.message).toContain(field);
    expect(t.published.length).toBe(before.pub);
    expect(t.deadLetters.length).toBe(before.dlq + 1);
    expect(t.deadLetters.at(-1)!.error).toMatchObject({ code, field });
    expect(t.deadLetters.at(-1)!.payload).toBe(JSON.stringify(ev));
  });

  it('refuses meta over the engine\'s 16 KiB limit at the source, as the engine would dead-letter it', async () => {
    // The connector's own CRM check once let this through (202) and the engine dead-lettered it
    // later; both now run engine/event/validate.ts validateBusinessEvent.
    const meta = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`note${i}`, 'x'.repeat(4000)]));
    const res = await post(JSON.stringify({ ...base, id: 'big-meta', meta }));
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'CX_ERR_FIELD_TOO_LARGE', field: 'meta' });
    expect(res.json().error.message).toMatch(/limit is 16384/);
  });

  it('refuses a whole array when any event is bad, listing each by index; nothing is published', async () => {
    const list = [{ ...base, id: 'ok-1' }, { ...base, id: 'bad-1', daysLate: 'x' }, { ...base, id: 'bad-2', type: 'nope' }];
    const before = { pub: t.published.length, dlq: t.deadLetters.length };
    const res = await post(JSON.stringify(list));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^event 1: .*\(and 1 more invalid events\)$/);
    expect(res.json().error.events.map((e: { index: number; field: string }) => [e.index, e.field])).toEqual([
      [1, 'daysLate'],
      [2, 'type'],
    ]);
    expect(t.published.length).toBe(before.pub);
    expect(t.deadLetters.length).toBe(before.dlq + 2);
  });

  it('refuses malformed JSON, an empty array and a non-object', async () => {
    for (const [payload, code] of [['{"id":', 'CX_ERR_INVALID_JSON'], ['[]', 'CX_ERR_EMPTY_BATCH'], ['[42]', 'CX_ERR_NOT_AN_OBJECT']] as const) {
      const res = await post(payload);
      expect(res.statusCode, payload).toBe(400);
      expect(res.json().error.code).toBe(code);
      expect(t.deadLetters.at(-1)!.payload).toBe(payload === '[42]' ? '42' : payload);
    }
  });

  it('accepts a CSV body (text/csv)', async () => {
    const res = await post(fixture('crm/events-semicolon.csv'), 'text/csv');
    expect(res.statusCode).toBe(202);
    expect(res.json().accepted).toBe(5);
  });
});

describe('CSV', () => {
  it('parses quotes, escaped quotes, line breaks inside quotes and CRLF', () => {
    const rows = parseCsv('a,b,c\r\n1,"x, ""quoted""",3\r\n\r\n2,"multi\nline",\n');
    expect(rows.map((r) => r.cells)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "quoted"', '3'],
      ['2', 'multi\nline', ''],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
    expect(() => parseCsv('a,b\n1,"open')).toThrow(/line 2: a quoted cell is never closed/);
    expect(() => parseCsv('a,b\n1,2\n\n\n3,"x\ny')).toThrow(/line 5: a quoted cell is never closed/);
  });

  it("reads a ';' export with decimal commas and meta.* columns (a Nordic Excel export)", () => {
    const r = readCrmCsv(fixture('crm/events-semicolon.csv'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.every((row) => row.ok)).toBe(true);
    const byId = Object.fromEntries(r.value.flatMap((row) => (row.ok ? [[row.event.id, row.event]] : [])));
    expect(byId['crm:payment_late:inv-2026-1201']!.meta).toEqual({ region: 'Vestland', sourceId: 'inv-2026-1201', daysLate: 7, amount: 349, currency: 'NOK', invoiceId: '2026-1201' });
    expect(byId['crm:order_placed:ord-99120']!.meta).toMatchObject({ amount: 1299.5, currency: 'DKK' });
    expect(byId['crm:cancellation:sub-78-cancel']!.meta).toMatchObject({ reason: 'Zu teuer; Support zu langsam', region: 'Berlin' });
  });

  it('refuses a whole file that is not UTF-8 or lacks a required column', () => {
    const latin1 = Buffer.from('id,type,customerId,ts,reason\nc-1,cancellation,cust-1,2026-11-24T00:00:00Z,Zu teuer für uns\n', 'latin1');
    expect(readCrmCsv(latin1)).toMatchObject({ ok: false, error: { code: 'CX_ERR_BAD_ENCODING' } });
    expect(readCrmCsv(Buffer.from('id,type,ts\n1,usage_drop,2026-11-24T00:00:00Z\n'))).toMatchObject({ ok: false, error: { code: 'CX_ERR_MISSING_FIELD', field: 'customerId' } });
  });

  it('imports row by row: good rows published, each bad row dead-lettered with its line and text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cxpulse-crm-'));
    const file = join(dir, 'events.csv');
    await writeFile(file, fixture('crm/events-with-errors.csv'));
    const rec = recordingBus();
    const r = await importCrmCsv(file, createConnectorPublisher({ connector: 'crm', bus: rec.bus }));
    expect(r).toMatchObject({ rows: 6, published: 2, duplicates: 0 });
    expect(r.rejected.map((x) => [x.line, x.error.code, x.error.field])).toEqual([
      [3, 'CX_ERR_WRONG_TYPE', 'daysLate'],
      [4, 'CX_ERR_INVALID_TIMESTAMP', 'ts'],
      [5, 'CX_ERR_MISSING_FIELD', 'toPlan'],
      [7, 'CX_ERR_INVALID_VALUE', 'type'],
    ]);
    expect(rec.published.map((p) => p.msgId)).toEqual(['crm:payment_late:inv-1', 'crm:order_placed:ord-1']);
    expect(rec.deadLetters.map((d) => d.payload)).toEqual([
      'inv-2,payment_late,cust-6002,2026-11-21T00:00:00Z,three,,,',
      'use-1,usage_drop,cust-6003,yesterday,,30,,',
      'chg-1,plan_change,cust-6004,2026-11-22T00:00:00Z,,,gold,',
      'refund-1,refund_issued,cust-6006,2026-11-22T00:00:00Z,,,,',
    ]);
    expect(rec.deadLetters[0]!.error.message).toMatch(/^line 3: /);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('cxpulse connector crm --csv', () => {
  it('publishes the file to cx.events.crm on the configured NATS', async () => {
    const nats = await startNatsServer();
    const dir = await mkdtemp(join(tmpdir(), 'cxpulse-crm-cli-'));
    const file = join(dir, 'events.csv');
    await writeFile(file, fixture('crm/events-semicolon.csv'));
    const exitCode = process.exitCode;
    try {
      await runConnector('crm', { csv: file, nats: nats.url });
      expect(process.exitCode).toBe(exitCode);
      const nc = await connect({ servers: nats.url });
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info('CX_EVENTS');
      expect(info.state.messages).toBe(5);
      const first = await jsm.streams.getMessage('CX_EVENTS', { seq: 1 });
      expect(first!.subject).toBe('cx.events.crm');
      expect(first!.header?.get('Nats-Msg-Id')).toBe('crm:payment_late:inv-2026-1201');
      await nc.close();
    } finally {
      process.exitCode = exitCode;
      await nats.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
