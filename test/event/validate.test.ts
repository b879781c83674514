import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEvent, parseTimestamp, validateEvent, validateBusinessEvent, EVENT_ERRORS, MAX_META_BYTES } from '../../engine/event/index.ts';

const opts = { maxTextBytes: 1000 };
export const goodEvent = {
  id: 'e-1',
  channel: 'chat',
  conversationId: 'c-1',
  customerId: 'cust-1',
  author: 'customer',
  text: 'My order has not arrived',
  ts: '2026-11-24T08:00:00Z',
};

describe('validateEvent', () => {
  it('accepts a valid event and normalises ts to epoch ms', () => {
    const r = validateEvent(goodEvent, opts);
    expect(r).toEqual({ ok: true, event: { ...goodEvent, ts: undefined, tsMs: Date.UTC(2026, 10, 24, 8) } });
  });

  it('accepts epoch milliseconds and keeps optional fields', () => {
    const r = validateEvent({ ...goodEvent, ts: 1795000000000, agentId: 'a-7', lang: 'SV', subject: 'Hej', meta: { x: 1 } }, opts);
    expect(r.ok && r.event).toMatchObject({ tsMs: 1795000000000, agentId: 'a-7', lang: 'sv', subject: 'Hej', meta: { x: 1 } });
  });

  const cases: [string, unknown, string, string | undefined][] = [
    ['missing id', { ...goodEvent, id: undefined }, 'CX_ERR_MISSING_FIELD', 'id'],
    ['numeric conversationId', { ...goodEvent, conversationId: 42 }, 'CX_ERR_WRONG_TYPE', 'conversationId'],
    ['unknown channel', { ...goodEvent, channel: 'fax' }, 'CX_ERR_UNKNOWN_CHANNEL', 'channel'],
    ['bad author', { ...goodEvent, author: 'bot' }, 'CX_ERR_INVALID_VALUE', 'author'],
    ['empty text', { ...goodEvent, text: '   ' }, 'CX_ERR_EMPTY_TEXT', 'text'],
    ['text over the limit', { ...goodEvent, text: 'å'.repeat(501) }, 'CX_ERR_TEXT_TOO_LARGE', 'text'],
    ['missing ts', { ...goodEvent, ts: undefined }, 'CX_ERR_MISSING_FIELD', 'ts'],
    ['ts not a date', { ...goodEvent, ts: 'yesterday' }, 'CX_ERR_INVALID_TIMESTAMP', 'ts'],
    ['ts in seconds', { ...goodEvent, ts: 1795000000 }, 'CX_ERR_INVALID_TIMESTAMP', 'ts'],
    ['ts impossible date', { ...goodEvent, ts: '2026-13-45T00:00:00Z' }, 'CX_ERR_INVALID_TIMESTAMP', 'ts'],
    ['ts boolean', { ...goodEvent, ts: true }, 'CX_ERR_WRONG_TYPE', 'ts'],
    ['meta array', { ...goodEvent, meta: [1] }, 'CX_ERR_WRONG_TYPE', 'meta'],
    ['array instead of object', [goodEvent], 'CX_ERR_NOT_AN_OBJECT', undefined],
    ['crm event', { ...goodEvent, channel: 'crm', text: undefined, type: 'payment_late' }, 'CX_ERR_UNSUPPORTED_EVENT', 'type'],
  ];
  it.each(cases)('rejects %s with a code and the field name', (_name, raw, code, field) => {
    const r = validateEvent(raw, opts);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe(code);
    expect(r.error.field).toBe(field);
    if (field) expect(r.error.message).toContain(field);
  });

  it('never throws on arbitrary JSON and always answers with a catalogued code', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ ...Object.fromEntries(Object.keys(goodEvent).map((k) => [k, fc.jsonValue()])) })), (v) => {
        const r = validateEvent(v, opts);
        if (!r.ok) expect(Object.keys(EVENT_ERRORS)).toContain(r.error.code);
      }),
    );
  });
});

describe('decodeEvent', () => {
  it('answers malformed bytes with CX_ERR_INVALID_JSON', () => {
    const r = decodeEvent(Buffer.from('{"id": '), opts);
    expect(r.ok === false && r.error.code).toBe('CX_ERR_INVALID_JSON');
  });
  it('answers invalid UTF-8 without throwing', () => {
    const r = decodeEvent(Uint8Array.from([0xff, 0xfe, 0x7b]), opts);
    expect(r.ok).toBe(false);
  });
});

describe('parseTimestamp', () => {
  it('reads ISO with offsets and numeric strings of epoch ms', () => {
    expect(parseTimestamp('2026-11-24T09:00:00+01:00')).toBe(Date.UTC(2026, 10, 24, 8));
    expect(parseTimestamp('1795000000000')).toBe(1795000000000);
    expect(parseTimestamp(Number.NaN)).toBeUndefined();
  });
});

describe('validateBusinessEvent', () => {
  const crm = { id: 'crm:payment_late:1', channel: 'crm', customerId: 'cust-1', type: 'payment_late', ts: '2026-11-20T10:00:00Z', meta: { daysLate: 12 } };
  it('accepts a CRM event and keeps its meta', () => {
    expect(validateBusinessEvent(crm)).toEqual({
      ok: true,
      business: { id: crm.id, customerId: 'cust-1', type: 'payment_late', tsMs: Date.UTC(2026, 10, 20, 10), meta: { daysLate: 12 } },
    });
  });
  it.each([
    ['unknown type', { ...crm, type: 'birthday' }, 'CX_ERR_INVALID_VALUE', 'type'],
    ['missing customer', { ...crm, customerId: undefined }, 'CX_ERR_MISSING_FIELD', 'customerId'],
    ['bad ts', { ...crm, ts: 'later' }, 'CX_ERR_INVALID_TIMESTAMP', 'ts'],
    ['meta over the limit', { ...crm, meta: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`note${i}`, 'x'.repeat(MAX_META_BYTES / 8)])) }, 'CX_ERR_FIELD_TOO_LARGE', 'meta'],
  ])('refuses %s', (_n, raw, code, field) => {
    const r = validateBusinessEvent(raw);
    expect(r.ok === false && [r.error.code, r.error.field]).toEqual([code, field]);
  });
});
