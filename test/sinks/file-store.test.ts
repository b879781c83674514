import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUSINESS_FILE_NAME, createFileStore, FILE_NAME } from '../../engine/sinks/file/index.ts';
import type { FileStore } from '../../engine/sinks/file/index.ts';
import { businessEvent, businessEvents, memoryLog, scoredEvent, scoredEvents } from './fixtures.ts';

let dir: string;
const open: FileStore[] = [];

async function store(log = memoryLog()): Promise<FileStore> {
  const s = createFileStore({ dir, log });
  open.push(s);
  await s.init();
  return s;
}
async function lines(name = FILE_NAME): Promise<string[]> {
  const text = await readFile(join(dir, name), 'utf8');
  return text.split('\n').filter((l) => l !== '');
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-file-store-'));
});
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

describe('file store', () => {
  it('appends JSONL and reads back the same events', async () => {
    const s = await store();
    expect(await s.ping()).toBe(true);
    expect(s.description).toContain(FILE_NAME);
    const evs = scoredEvents(0, 5);
    await s.write(evs);
    expect(s.count()).toBe(5);
    expect((await lines()).map((l) => JSON.parse(l) as unknown)).toEqual(evs);
  });

  it('creates the directory when missing', async () => {
    dir = join(dir, 'nested', 'store');
    const s = await store();
    await s.write([scoredEvent(1)]);
    expect(await lines()).toHaveLength(1);
  });

  it('ignores duplicates within a batch, across batches and across restarts', async () => {
    const s = await store();
    await s.write([scoredEvent(1), scoredEvent(1), scoredEvent(2)]);
    await s.write(scoredEvents(1, 3)); // 1, 2 again and 3 new
    expect(s.count()).toBe(3);
    await s.close();

    const restarted = await store();
    expect(restarted.count()).toBe(3);
    await restarted.write(scoredEvents(2, 3)); // 2, 3 again and 4 new
    expect(restarted.count()).toBe(4);
    expect((await lines()).map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4']);
  });

  it('drops a torn trailing line with a warning and keeps appending cleanly', async () => {
    const s = await store();
    await s.write(scoredEvents(0, 2));
    await s.close();
    await appendFile(join(dir, FILE_NAME), '{"id":"ev-9","channel":"ch'); // crash mid-append

    const log = memoryLog();
    const restarted = await store(log);
    expect(restarted.count()).toBe(2);
    expect(log.lines.some((l) => l.level === 'warn' && /torn/.test(l.msg))).toBe(true);
    await restarted.write([scoredEvent(9)]); // the redelivery of the torn event
    const ids = (await lines()).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(['ev-0', 'ev-1', 'ev-9']);
  });

  it('keeps a whole last event whose newline was lost', async () => {
    await writeFile(join(dir, FILE_NAME), JSON.stringify(scoredEvent(1)));
    const s = await store();
    expect(s.count()).toBe(1);
    await s.write([scoredEvent(1), scoredEvent(2)]);
    expect(await lines()).toHaveLength(2);
  });

  it('skips a corrupt line in the middle with a warning and keeps it on disk', async () => {
    const body = [JSON.stringify(scoredEvent(1)), 'garbage{', '{"no":"id"}', '', JSON.stringify(scoredEvent(2))].join('\n') + '\n';
    await writeFile(join(dir, FILE_NAME), body);
    const log = memoryLog();
    const s = await store(log);
    expect(s.count()).toBe(2);
    const warnings = log.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => (w.o as { line: number }).line)).toEqual([2, 3]);
    expect(await readFile(join(dir, FILE_NAME), 'utf8')).toBe(body);
  });

  it('scans files larger than one read chunk', async () => {
    const big = 'x'.repeat(3000);
    const many = Array.from({ length: 800 }, (_, i) => JSON.stringify(scoredEvent(i, { text: big })));
    await writeFile(join(dir, FILE_NAME), many.join('\n') + '\n');
    const s = await store();
    expect(s.count()).toBe(800);
  });

  it('serialises concurrent writes', async () => {
    const s = await store();
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.write(scoredEvents(i * 5, 10))));
    expect(s.count()).toBe(105);
    expect(await lines()).toHaveLength(105);
  });

  it('refuses writes after close and reports not ready', async () => {
    const s = await store();
    await s.close();
    expect(await s.ping()).toBe(false);
    await expect(s.write([scoredEvent(1)])).rejects.toThrow(/closed/);
    await expect(s.writeBusinessEvents([businessEvent(1)])).rejects.toThrow(/closed/);
  });
});

describe('file store: business events', () => {
  const ids = async (): Promise<string[]> => (await lines(BUSINESS_FILE_NAME)).map((l) => (JSON.parse(l) as { id: string }).id);

  it('appends to their own file and counts apart from scored events', async () => {
    const s = await store();
    expect(s.businessPath).toBe(join(dir, BUSINESS_FILE_NAME));
    const evs = businessEvents(0, 3);
    await s.writeBusinessEvents(evs);
    await s.write([scoredEvent(1)]);
    expect(s.countBusinessEvents()).toBe(3);
    expect(s.count()).toBe(1);
    expect((await lines(BUSINESS_FILE_NAME)).map((l) => JSON.parse(l) as unknown)).toEqual(evs);
    expect(await lines()).toHaveLength(1);
    await expect(s.writeBusinessEvents([])).resolves.toBeUndefined();
  });

  it('ignores duplicates within a batch, across batches and across restarts', async () => {
    const s = await store();
    await s.writeBusinessEvents([businessEvent(1), businessEvent(1), businessEvent(2)]);
    await s.writeBusinessEvents(businessEvents(1, 3)); // 1, 2 again and 3 new
    expect(s.countBusinessEvents()).toBe(3);
    await s.close();

    const restarted = await store();
    expect(restarted.countBusinessEvents()).toBe(3);
    await restarted.writeBusinessEvents(businessEvents(2, 3)); // 2, 3 again and 4 new
    expect(restarted.countBusinessEvents()).toBe(4);
    expect(await ids()).toEqual(['crm-1', 'crm-2', 'crm-3', 'crm-4']);
  });

  it('keeps the id spaces of the two files apart', async () => {
    const s = await store();
    await s.write([scoredEvent(1, { id: 'same-id' })]);
    await s.writeBusinessEvents([businessEvent(1, { id: 'same-id' })]);
    expect([s.count(), s.countBusinessEvents()]).toEqual([1, 1]);
  });

  it('drops a torn trailing line and takes the redelivery', async () => {
    const s = await store();
    await s.writeBusinessEvents(businessEvents(0, 2));
    await s.close();
    await appendFile(join(dir, BUSINESS_FILE_NAME), '{"id":"crm-9","customerId":"cu'); // crash mid-append

    const log = memoryLog();
    const restarted = await store(log);
    expect(restarted.countBusinessEvents()).toBe(2);
    expect(log.lines.some((l) => l.level === 'warn' && /torn/.test(l.msg))).toBe(true);
    await restarted.writeBusinessEvents([businessEvent(9)]);
    expect(await ids()).toEqual(['crm-0', 'crm-1', 'crm-9']);
  });

  it('starts on a data dir from before business events existed', async () => {
    await writeFile(join(dir, FILE_NAME), JSON.stringify(scoredEvent(1)) + '\n');
    const s = await store();
    expect([s.count(), s.countBusinessEvents()]).toEqual([1, 0]);
    await s.writeBusinessEvents([businessEvent(1)]);
    expect(await ids()).toEqual(['crm-1']);
  });
});

describe('file store: alerts left open', () => {
  it('reads back the alerts whose newest state is not resolved, across a restart', async () => {
    const s = await store();
    const base = { kind: 'dlq_spike', value: 9, baseline: 1, unit: 'events/min', n: 45, windowMinutes: 5, baselineMinutes: 60, openedAtMs: 1000, text: 'dlq' } as const;
    await s.writeAlerts([
      { ...base, alertId: 'dlq-1000', status: 'open', tsMs: 1000 },
      { ...base, alertId: 'dlq-1000', status: 'update', tsMs: 2000 },
      { ...base, alertId: 'dlq-500', status: 'open', tsMs: 500 },
      { ...base, alertId: 'dlq-500', status: 'resolved', tsMs: 900 },
    ]);
    await s.close();
    const again = await store();
    expect((await again.readOpenAlerts()).map((a) => [a.alertId, a.status, a.tsMs])).toEqual([['dlq-1000', 'update', 2000]]);
  });
});
