import { describe, expect, it } from 'vitest';
import { deliver, toScoredEvent, type DeliverOptions } from '../../engine/pipeline/deliver.ts';
import { broadcastToFeed } from '../../engine/pipeline/broadcastToFeed.ts';
import type { DeadLetterSink } from '../../engine/pipeline/deadLetter.ts';
import type { DeadLetter } from '../../engine/bus/types.ts';
import type { ScoredEvent } from '../../engine/event/types.ts';
import { RowsRejectedError } from '../../engine/sinks/types.ts';
import { VirtualTime } from './virtualTime.ts';
import { tracked } from './fixtures.ts';

/** A store that fails its first `failures` writes, noting each write in the log. */
function flakyStore(vt: VirtualTime, failures: number): DeliverOptions['store'] {
  let left = failures;
  return {
    write: async (rows) => {
      vt.note(`write ${rows.map((r) => r.id).join(',')}`);
      if (left-- > 0) throw new Error('store down');
    },
  };
}

/** A store that answers pings and refuses every write holding one of `bad` (as `error` makes it). */
function pickyStore(vt: VirtualTime, bad: string[], error: (msg: string) => Error): DeliverOptions['store'] {
  return {
    write: async (rows) => {
      vt.note(`write ${rows.map((r) => r.id).join(',')}`);
      const hit = rows.find((r) => bad.includes(r.id));
      if (hit) throw error(`row ${hit.id} does not fit`);
    },
    ping: async () => true,
  };
}

function dlq(vt: VirtualTime): DeadLetterSink & { entries: DeadLetter[] } {
  const entries: DeadLetter[] = [];
  return { entries, deadLetter: async (e) => void entries.push(e), onDeadLettered: (e) => vt.note(`dead-lettered ${e.error.code}`) };
}

function options(vt: VirtualTime, store: DeliverOptions['store'], sink = dlq(vt)): DeliverOptions {
  return {
    store,
    dlq: sink,
    batchSize: 2,
    lingerMs: 5,
    retryDelaysMs: [10, 20],
    holdMaxDelayMs: 1000,
    random: () => 0.5, // no jitter: the waits are 200, 400, 800, 1000 ms
    scheduler: vt.scheduler,
    onRetry: (e, attempt) => vt.note(`retry ${attempt}: ${e.message}`),
    onGaveUp: (e, n) => vt.note(`gave up on ${n}: ${e.message}`),
  };
}

describe('deliver', () => {
  it('holds a batch while the store is down (marked in progress, never nak\'ed) and acks it once the store is back', async () => {
    const vt = new VirtualTime();
    const a = tracked(vt, 'a'), b = tracked(vt, 'b');
    const source = vt.cold('ab|', { a: [a], b: [b] });
    await vt.expect(source.pipe(deliver(options(vt, flakyStore(vt, 2)))), '601ms (x|)', { x: [a, b].map(toScoredEvent) });
    expect(vt.log).toEqual([
      '1 write a,b', '1 retry 1: store down', '1 working a', '1 working b',
      '201 write a,b', '201 retry 2: store down', '201 working a', '201 working b',
      '601 write a,b', '601 ack a', '601 ack b',
    ]);
  });

  it('hands the batch back to the bus when stopped while the store is down', async () => {
    const vt = new VirtualTime();
    const stop = new AbortController();
    const source = vt.cold('ab 50ms |', { a: [tracked(vt, 'a')], b: [tracked(vt, 'b')] });
    vt.scheduler.schedule(() => stop.abort(), 100);
    await vt.expect(source.pipe(deliver({ ...options(vt, flakyStore(vt, 10)), signal: stop.signal })), '201ms |');
    expect(vt.log.slice(-4)).toEqual(['201 write a,b', '201 nak a', '201 nak b', '201 gave up on 2: store down']);
  });

  it('splits a batch the store rejects until the bad row is alone: the others are written and acked, the bad one dead-lettered with the store\'s error', async () => {
    const vt = new VirtualTime();
    const sink = dlq(vt);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => tracked(vt, id));
    const source = vt.cold('(abcd)|', { a: [a!], b: [b!], c: [c!], d: [d!] });
    const opts = { ...options(vt, pickyStore(vt, ['c'], (m) => new RowsRejectedError(m)), sink), batchSize: 4 };
    await vt.expect(source.pipe(deliver(opts)), 'x 5ms |', { x: [a!, b!, d!].map(toScoredEvent) });
    expect(vt.log).toEqual(['0 write a,b,c,d', '0 write a,b', '0 ack a', '0 ack b', '0 write c,d', '0 write c', '0 ack c', '0 dead-lettered CX_ERR_ROW_REJECTED', '0 write d', '0 ack d']);
    expect(sink.entries).toHaveLength(1);
    expect(sink.entries[0]).toMatchObject({ error: { code: 'CX_ERR_ROW_REJECTED', message: 'the store refused this row: row c does not fit' }, payload: '{"id":"c"}' });
  });

  it('retries a batch the store answers but fails, then splits it; a row that still fails alone is nak\'ed with the error (so the bus\'s backoff and max deliver apply)', async () => {
    const vt = new VirtualTime();
    const [a, b] = ['a', 'b'].map((id) => tracked(vt, id));
    const source = vt.cold('ab|', { a: [a!], b: [b!] });
    await vt.expect(source.pipe(deliver(options(vt, pickyStore(vt, ['b'], (m) => new Error(m))))), '31ms (x|)', { x: [toScoredEvent(a!)] });
    expect(vt.log).toEqual([
      '1 write a,b', '1 retry 1: row b does not fit',
      '11 write a,b', '11 retry 2: row b does not fit',
      '31 write a,b', '31 write a', '31 ack a', '31 write b', '31 nak b: store write failed: row b does not fit',
    ]);
  });

  it('lets the stages after it see a row only once its message is acked', async () => {
    const vt = new VirtualTime();
    const feed = { broadcast: (rows: readonly ScoredEvent[]) => vt.note(`feed ${rows.map((r) => r.id).join(',')}`) };
    const source = vt.cold('ab 500ms c|', { a: [tracked(vt, 'a')], b: [tracked(vt, 'b')], c: [tracked(vt, 'c')] });
    await vt.play(source.pipe(deliver(options(vt, flakyStore(vt, 1))), broadcastToFeed(feed)));
    expect(vt.log.filter((l) => !l.includes('write') && !l.includes('retry') && !l.includes('working'))).toEqual(['201 ack a', '201 ack b', '201 feed a,b', '503 ack c', '503 feed c']);
  });

  it('writes at most batchSize rows at a time, and a partial batch after lingerMs', async () => {
    const vt = new VirtualTime();
    const source = vt.cold('(abc) 20ms |', { a: [tracked(vt, 'a')], b: [tracked(vt, 'b')], c: [tracked(vt, 'c')] });
    await vt.play(source.pipe(deliver(options(vt, flakyStore(vt, 0)))));
    expect(vt.log.filter((l) => l.includes('write'))).toEqual(['0 write a,b', '5 write c']);
  });

  it('marks a row redelivered when the bus delivered its event before, and only then (the store looks such rows up)', () => {
    const vt = new VirtualTime();
    const first = tracked(vt, 'a');
    const again = { ...first, env: { ...first.env, deliveryCount: 2 } };
    expect(toScoredEvent(first)).not.toHaveProperty('redelivered');
    expect(toScoredEvent(again).redelivered).toBe(true);
  });
});
