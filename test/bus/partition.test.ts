import { describe, expect, it } from 'vitest';
import { consumersFor, customerOf, eventSubject, fnv1a32, partitionOf } from '../../engine/bus/index.ts';

describe('partitions of CX_EVENTS', () => {
  it('hashes with 32-bit FNV-1a over UTF-8, as NATS partition() does', () => {
    // Published FNV-1a test vectors.
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    // Non-ASCII ids hash their UTF-8 bytes (the server hashes the subject's bytes): 'å' is two bytes.
    expect(fnv1a32('å')).toBe(Math.imul(Math.imul(0x811c9dc5 ^ 0xc3, 0x01000193) >>> 0 ^ 0xa5, 0x01000193) >>> 0);
  });

  it('puts a customer in one partition, spreads customers over all', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const k = partitionOf(`cust-${i}`, 12);
      expect(k).toBe(partitionOf(`cust-${i}`, 12));
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThan(12);
      seen.add(k);
    }
    expect(seen.size).toBe(12);
  });

  it('subjects: un-partitioned with one partition or no customer, else cx.events.<channel>.<k>', () => {
    expect(eventSubject('chat', 'cust-1', 1)).toBe('cx.events.chat');
    expect(eventSubject('chat', undefined, 12)).toBe('cx.events.chat');
    expect(eventSubject('crm', 'cust-1', 12)).toBe(`cx.events.crm.${partitionOf('cust-1', 12)}`);
  });

  it('consumers: today\'s one with P = 1; one per owned partition, and the legacy one on the owner of 0', () => {
    expect(consumersFor('cxpulse-engine', 1, [0])).toEqual([{ name: 'cxpulse-engine' }]);
    expect(consumersFor('e', 6, [1, 4])).toEqual([{ name: 'e-p1', filter: 'cx.events.*.1' }, { name: 'e-p4', filter: 'cx.events.*.4' }]);
    expect(consumersFor('e', 6, [0, 3]).map((c) => c.name)).toEqual(['e-p0', 'e-p3', 'e-legacy']);
  });

  it('takes the customer of an event or of a batch, nothing from anything else', () => {
    expect(customerOf({ customerId: 'c-1' })).toBe('c-1');
    expect(customerOf([{ customerId: 'c-2' }, { customerId: 'c-3' }])).toBe('c-2');
    for (const x of [null, 'x', {}, { customerId: 4 }, { customerId: '' }, []]) expect(customerOf(x)).toBeUndefined();
  });
});
