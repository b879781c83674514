import { describe, expect, it } from 'vitest';
import { deliver, toScoredEvent, type DeliverOptions } from '../../engine/pipeline/deliver.ts';
import { broadcastToFeed } from '../../engine/pipeline/broadcastToFeed.ts';
import type { ScoredEvent } from '../../engine/event/types.ts';
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

function options(vt: VirtualTime, failures: number): DeliverOptions {
  return {
    store: flakyStore(vt, failures),
    batchSize: 2,
    lingerMs: 5,
    retryDelaysMs: [10, 20],
    scheduler: vt.scheduler,
    onRetry: (e, attempt) => vt.note(`retry ${attempt}: ${e.message}`),
    onGaveUp: (e, n) => vt.note(`gave up on ${n}: ${e.message}`),
  };
}

describe('deliver', () => {
  it('retries a failing write after each delay, then acks every message and emits the rows', async () => {
    const vt = new VirtualTime();
    const a = tracked(vt, 'a'), b = tracked(vt, 'b');
    const source = vt.cold('ab|', { a: [a], b: [b] });
    await vt.expect(source.pipe(deliver(options(vt, 2))), '31ms (x|)', { x: [a, b].map(toScoredEvent) });
    expect(vt.log).toEqual(['1 write a,b', '1 retry 1: store down', '11 write a,b', '11 retry 2: store down', '31 write a,b', '31 ack a', '31 ack b']);
  });

  it('gives up after the last delay: naks the whole batch, emits nothing for it and goes on', async () => {
    const vt = new VirtualTime();
    const c = tracked(vt, 'c');
    const source = vt.cold('ab 50ms c 10ms |', { a: [tracked(vt, 'a')], b: [tracked(vt, 'b')], c: [c] });
    // The linger timer restarts every 5 ms, so c (at 52) is written with the batch closed at 56.
    await vt.expect(source.pipe(deliver(options(vt, 3))), '56ms y 6ms |', { y: [toScoredEvent(c)] });
    expect(vt.log).toEqual([
      '1 write a,b',
      '1 retry 1: store down',
      '11 write a,b',
      '11 retry 2: store down',
      '31 write a,b',
      '31 nak a',
      '31 nak b',
      '31 gave up on 2: store down',
      '56 write c',
      '56 ack c',
    ]);
  });

  it('lets the stages after it see a row only once its message is acked', async () => {
    const vt = new VirtualTime();
    const feed = { broadcast: (rows: readonly ScoredEvent[]) => vt.note(`feed ${rows.map((r) => r.id).join(',')}`) };
    const source = vt.cold('ab 50ms c|', { a: [tracked(vt, 'a')], b: [tracked(vt, 'b')], c: [tracked(vt, 'c')] });
    const opts = { ...options(vt, 1), retryDelaysMs: [10] };
    await vt.play(source.pipe(deliver(opts), broadcastToFeed(feed)));
    expect(vt.log.filter((l) => !l.includes('write') && !l.includes('retry'))).toEqual(['11 ack a', '11 ack b', '11 feed a,b', '53 ack c', '53 feed c']);
  });

  it('writes at most batchSize rows at a time, and a partial batch after lingerMs', async () => {
    const vt = new VirtualTime();
    const source = vt.cold('(abc) 20ms |', { a: [tracked(vt, 'a')], b: [tracked(vt, 'b')], c: [tracked(vt, 'c')] });
    await vt.play(source.pipe(deliver(options(vt, 0))));
    expect(vt.log.filter((l) => l.includes('write'))).toEqual(['0 write a,b', '5 write c']);
  });
});
