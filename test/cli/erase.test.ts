import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pseudonymOf } from '../../engine/privacy/index.ts';

const BIN = fileURLToPath(new URL('../../bin/cxpulse.js', import.meta.url));
const KEY = 'cli-erase-test-pseudonym-key-0123456789abcdef';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-cli-erase-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (o: object) => `${JSON.stringify(o)}\n`;

describe('cxpulse erase', () => {
  it('erases a customer given by raw id from the embedded store and the DLQ file, prints what went where, and logs a hash', async () => {
    const x = pseudonymOf(KEY, 'email:anna@example.com');
    const y = pseudonymOf(KEY, 'email:bo@example.com');
    await mkdir(join(dir, 'store'), { recursive: true });
    await writeFile(join(dir, 'store', 'scored_events.jsonl'), [1, 2, 3].map((n) => line({ id: `m-${n}`, customerId: n === 2 ? y : x, text: `row ${n}` })).join(''));
    await writeFile(join(dir, 'store', 'business_events.jsonl'), line({ id: 'b-1', customerId: x, type: 'payment_late' }));
    await writeFile(join(dir, 'dlq.jsonl'), line({ error: { code: 'CX_ERR_INVALID_TIMESTAMP' }, subject: 'cx.events.chat', payload: JSON.stringify({ id: 'bad', customerId: x }) }) + line({ error: { code: 'CX_ERR_INVALID_JSON' }, subject: 'cx.events.chat', payload: '{"broken' }));
    const r = spawnSync(process.execPath, [BIN, 'erase', '--customer', 'email:anna@example.com'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NATS_URL: 'memory', CLICKHOUSE_URL: 'file', CXPULSE_DATA_DIR: dir, CXPULSE_PSEUDONYM_KEY: KEY, LOG_LEVEL: 'warn' },
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { customerId: string; removed: number; complete: boolean; places: { what: string; removed: number }[] };
    expect(report).toMatchObject({ customerId: x, removed: 4, complete: true });
    expect(r.stderr).toContain('Engines running now may still hold the customer in memory');
    const store = await readFile(join(dir, 'store', 'scored_events.jsonl'), 'utf8');
    expect(store.trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(['m-2']);
    expect(await readFile(join(dir, 'store', 'business_events.jsonl'), 'utf8')).toBe('');
    expect(await readFile(join(dir, 'dlq.jsonl'), 'utf8')).toBe(line({ error: { code: 'CX_ERR_INVALID_JSON' }, subject: 'cx.events.chat', payload: '{"broken' }));
    const log = (await readFile(join(dir, 'store', 'erasures.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(log).toHaveLength(1);
    expect(JSON.stringify(log)).not.toContain(x);
  });
});
