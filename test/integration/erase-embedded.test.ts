import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../../engine/runtime/index.ts';
import { pseudonymOf } from '../../engine/privacy/index.ts';
import { startTestEngine, waitUntil } from '../helpers/engine.ts';
import { customerTraffic, feedSnapshot } from '../helpers/erasure.ts';

// Erasure with nothing but Node: the in-process bus (its DLQ file) and the embedded file store.
const KEY = 'erase-embedded-test-key-0123456789abcdef';
let engine: Engine;
let dir: string;
const x = customerTraffic('email:anna.x@example.com', 'Zorblax');
const y = customerTraffic('email:bo.y@example.com', 'Quuxlo');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-erase-'));
  engine = await startTestEngine({ NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_PSEUDONYM_KEY: KEY });
});
afterAll(async () => {
  await engine?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Every file the engine wrote under its data dir, as one text. */
async function everything(): Promise<string> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(await readFile(p, 'utf8'));
    }
  };
  await walk(dir);
  return out.join('\n');
}

describe('erasing one customer from the embedded engine', () => {
  it('removes the customer from the file store, the DLQ file and the engine memory, and leaves the other one', async () => {
    const post = (body: unknown) => fetch(`${engine.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post([...x.events, ...y.events])).status).toBe(202);
    for (const t of [x, y]) {
      await engine.bus.publishEvent('crm', Buffer.from(JSON.stringify(t.business)), String(t.business.id));
      await engine.bus.publishEvent('chat', Buffer.from(JSON.stringify(t.invalid)), String(t.invalid.id));
    }
    await waitUntil(async () => {
      const all = await everything();
      return (all.match(/Zorblax/g) ?? []).length >= 8 && all.includes(`${x.marker} writes with a broken clock`) && all.includes('payment_late');
    }, 30_000, () => 'stored rows, business events and dead letters of both customers');
    const before = await everything();
    expect(before).toContain(pseudonymOf(KEY, x.customerId));
    expect(before).not.toContain(x.customerId); // pseudonymised everywhere, the DLQ too

    const res = await fetch(`${engine.url}/v1/customers/${encodeURIComponent(x.customerId)}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({ customerId: pseudonymOf(KEY, x.customerId), complete: true, logged: true, failures: [] });
    const removed = (what: string) => report.places.filter((p: { what: string }) => p.what.includes(what)).reduce((n: number, p: { removed: number }) => n + p.removed, 0);
    expect(removed('scored_events.jsonl')).toBe(x.events.length);
    expect(removed('business_events.jsonl')).toBe(1);
    expect(removed('dlq.jsonl')).toBe(1);
    expect(removed('conversation sentiment state')).toBe(2);
    expect(removed('feed snapshot events')).toBe(x.events.length);
    expect(removed('customer state')).toBe(1);

    const after = await everything();
    for (const trace of [x.marker, pseudonymOf(KEY, x.customerId), x.customerId, ...x.conversations]) expect(after, trace).not.toContain(trace);
    expect((after.match(/Quuxlo/g) ?? []).length).toBe((before.match(/Quuxlo/g) ?? []).length);
    // The erasure log: a keyed hash and the time, nothing else.
    const log = (await readFile(join(dir, 'store', 'erasures.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(log).toHaveLength(1);
    expect(Object.keys(log[0]).sort()).toEqual(['erasedAtMs', 'idHash']);
    expect(log[0].idHash).toMatch(/^[0-9a-f]{64}$/);

    // A client connecting now gets Y in its snapshot and nothing of X.
    const snapshot = await feedSnapshot(engine.url);
    expect(snapshot).toContain(pseudonymOf(KEY, y.customerId));
    expect(snapshot).not.toContain(pseudonymOf(KEY, x.customerId));

    // The pseudonym works as the id too, and a second erasure finds nothing left.
    const again = await (await fetch(`${engine.url}/v1/customers/${pseudonymOf(KEY, x.customerId)}`, { method: 'DELETE' })).json();
    expect(again).toMatchObject({ removed: 0, complete: true });
  });
});
