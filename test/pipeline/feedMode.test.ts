import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastValueFrom, take, toArray } from 'rxjs';
import { initBackend } from '../../engine/model/backend.ts';
import { detectLanguage, loadTextScorer, type TextScorer } from '../../engine/model/index.ts';
import { createMemoryBus } from '../../engine/bus/memory/index.ts';
import { fromBus, scoringPipeline } from '../../engine/pipeline/index.ts';
import { createFileStore } from '../../engine/sinks/file/index.ts';
import type { FeedMode } from '../../engine/config/index.ts';
import type { ScoredEvent } from '../../engine/event/types.ts';
import { memoryLog } from '../sinks/fixtures.ts';

let scorer: TextScorer;
let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  scorer = await loadTextScorer();
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-feed-mode-'));
});
afterAll(async () => {
  scorer?.dispose();
  await rm(dir, { recursive: true, force: true });
});

/** Runs three events through the whole pipeline on the in-process bus and notes, in order, what touched the feed, the store, the acks and the cues. */
async function run(mode: FeedMode): Promise<string[]> {
  const log: string[] = [];
  const bus = createMemoryBus();
  await bus.init();
  const store = createFileStore({ dir: join(dir, mode), log: memoryLog() });
  await store.init();
  const ids = ['m1', 'm2', 'm3'];
  for (const id of ids) {
    const e = { id, channel: 'chat', conversationId: 'c1', customerId: 'u1', author: 'customer', text: `Where is my refund? (${id})`, ts: '2026-12-01T10:00:00Z' };
    await bus.publishEvent('chat', new TextEncoder().encode(JSON.stringify(e)), id);
  }
  const acking = {
    messages: async function* () {
      for await (const env of bus.messages()) yield { ...env, ack: () => (log.push('ack'), env.ack()) };
    },
    stop: () => bus.stop(),
  };
  const ids3 = (rows: readonly ScoredEvent[]) => rows.map((r) => r.id).join(',');
  const pipeline = scoringPipeline({
    feedMode: mode,
    maxTextBytes: 32_768,
    batchSize: 64,
    batchLingerMs: 5,
    model: scorer,
    detectLanguage,
    store: {
      ...store,
      write: async (rows) => {
        log.push(`write ${ids3(rows)}`);
        await store.write(rows);
        log.push('stored');
      },
    },
    sink: { batchSize: 500, lingerMs: 5 },
    bus,
    feed: { broadcast: (rows) => log.push(`feed ${ids3(rows)}`), broadcastCue: () => undefined },
    cues: { observe: () => (log.push('cues'), []) },
    alerts: { delivered: () => undefined },
  });
  const out = await lastValueFrom(fromBus(acking, 100).pipe(pipeline, take(1), toArray()));
  await bus.stop();
  await bus.close();
  await store.close();
  expect(out.flat().map((r) => r.id)).toEqual(ids);
  return log.filter((l, i) => l !== log[i - 1]);
}

describe('the feed mode', () => {
  it('live: the score messages go out before the store write, the acks and the cues after it', async () => {
    expect(await run('live')).toEqual(['feed m1,m2,m3', 'write m1,m2,m3', 'stored', 'ack', 'cues']);
  });

  it('durable: the score messages go out only once the rows are stored and acked', async () => {
    expect(await run('durable')).toEqual(['write m1,m2,m3', 'stored', 'ack', 'feed m1,m2,m3', 'cues']);
  });
});
