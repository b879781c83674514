import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPseudonymizer, erasureLogHash, PSEUDONYM_CACHE_SIZE, PSEUDONYM_PATTERN, pseudonymOf, redactDeadLetter, redactMeta, redactPayload } from '../../engine/privacy/index.ts';
import { eventError } from '../../engine/event/index.ts';

const KEY = 'a-key-of-at-least-thirty-two-characters';

describe('pseudonymous customer ids', () => {
  it('gives the same id for the same customer and key, another with another key, and never the id itself', () => {
    const p = createPseudonymizer(KEY);
    const q = createPseudonymizer(`${KEY}!`);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        expect(p(a)).toMatch(PSEUDONYM_PATTERN);
        expect(p(a)).toBe(p(a));
        expect(q(a)).not.toBe(p(a));
        if (a !== b && !PSEUDONYM_PATTERN.test(a) && !PSEUDONYM_PATTERN.test(b)) expect(p(a)).not.toBe(p(b));
      }),
    );
  });

  it('leaves a pseudonym as it is (hashing twice changes nothing) and passes ids through when off', () => {
    const p = createPseudonymizer(KEY);
    expect(p(p('email:anna@example.com'))).toBe(p('email:anna@example.com'));
    const off = createPseudonymizer(undefined);
    expect(off.enabled).toBe(false);
    expect(off('email:anna@example.com')).toBe('email:anna@example.com');
  });

  it('answers the same from its cache of recent ids as without it, before and after an id leaves the cache', () => {
    const p = createPseudonymizer(KEY);
    const ids = Array.from({ length: 2 * PSEUDONYM_CACHE_SIZE + 50 }, (_, i) => `cust-${i}`);
    for (const round of [1, 2]) for (const id of ids) expect(p(id), `${id}, round ${round}`).toBe(pseudonymOf(KEY, id));
    const already = p('cust-1');
    expect(p(already)).toBe(already);
  });

  it('forgets an id on request (erasure) and recomputes the same pseudonym when it comes again', () => {
    const p = createPseudonymizer(KEY);
    const pseudonym = p('email:anna@example.com');
    p('email:bo@example.com');
    expect(p.cached?.('email:anna@example.com')).toBe(true);
    p.forget?.('email:anna@example.com');
    expect(p.cached?.('email:anna@example.com')).toBe(false);
    expect(p.cached?.('email:bo@example.com')).toBe(true);
    expect(p('email:anna@example.com')).toBe(pseudonym);
  });

  it('forgets the cached ids whose pseudonym matches (an erasure announced by another instance), in both generations', () => {
    const p = createPseudonymizer(KEY);
    const anna = p('email:anna@example.com');
    for (let i = 0; i < PSEUDONYM_CACHE_SIZE; i++) p(`cust-${i}`); // anna moves to the older generation
    p('crm:42');
    expect(p.forgetWhere?.((x) => x === anna || x === pseudonymOf(KEY, 'crm:42'))).toBe(2);
    expect(p.cached?.('email:anna@example.com')).toBe(false);
    expect(p.cached?.('crm:42')).toBe(false);
    expect(p.cached?.('cust-7')).toBe(true);
  });

  it('logs erasures under a hash that is neither the id nor the pseudonym', () => {
    const pseudonym = createPseudonymizer(KEY)('cust-1');
    const h = erasureLogHash(KEY, pseudonym);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(h).not.toContain(pseudonym.slice(4));
    expect(erasureLogHash(KEY, pseudonym)).toBe(h);
  });
});

describe('meta and payloads', () => {
  it('redacts string values in meta, nested ones too, and keeps only allowed keys when an allow-list is set', () => {
    const meta = { note: 'call 070-123 45 67', nested: { who: 'anna@example.com', n: 3 }, customerSince: '2024-03-05', escalated: true };
    expect(redactMeta(meta)).toEqual({ note: 'call [phone]', nested: { who: '[email]', n: 3 }, customerSince: '2024-03-05', escalated: true });
    expect(redactMeta(meta, { metaAllow: new Set(['customerSince', 'escalated']) })).toEqual({ customerSince: '2024-03-05', escalated: true });
  });

  it('redacts a payload that is not JSON as text', () => {
    expect(redactPayload('id,type,customerId\n1,payment_late,anna@example.com')).toBe('id,type,customerId\n1,payment_late,[email]');
    expect(redactPayload('{"text":"cut off near anna@example.com, and')).toBe('{"text":"cut off near [email], and');
  });

  it('drops the word a cut payload ends in, so half an identifier is not kept', () => {
    const entry = { error: eventError('CX_ERR_TEXT_TOO_LARGE', 'too large'), subject: 'cx.events.chat', payload: '{"text":"write to anna@exa', receivedAtMs: 1, deliveryCount: 1, payloadBytes: 300_000 };
    expect(redactDeadLetter(entry).payload).toBe('{"text":"write to');
  });
});
