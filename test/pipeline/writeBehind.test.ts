import { describe, expect, it } from 'vitest';
import { lastValueFrom, timer } from 'rxjs';
import { writeBehind } from '../../engine/pipeline/writeBehind.ts';
import { VirtualTime } from './virtualTime.ts';

/** A store whose writes take `costMs(batch)` of virtual time; each write is logged when it starts. */
function slowStore(vt: VirtualTime, costMs: (batch: string[]) => number) {
  return async (batch: string[]) => {
    vt.note(`write ${batch.join('')}`);
    await lastValueFrom(timer(costMs(batch), vt.scheduler));
    return batch.join('');
  };
}

describe('writeBehind', () => {
  it('writes an item alone after the linger when nothing else comes', async () => {
    const vt = new VirtualTime();
    const out = writeBehind({ maxBatch: 10, lingerMs: 10, concurrency: 1, scheduler: vt.scheduler, write: slowStore(vt, () => 5) });
    await vt.expect(vt.cold<string>('a 49ms b 49ms |').pipe(out), '15ms x 49ms y 34ms |', { x: 'a', y: 'b' });
    expect(vt.log).toEqual(['10 write a', '60 write b']);
  });

  it('gathers what arrives while the only slot is busy into one write, not a queue of linger-sized ones', async () => {
    const vt = new VirtualTime();
    // One item every 10 ms; a write takes 100 ms. b comes as a's linger ends, so they go together.
    const out = writeBehind({ maxBatch: 100, lingerMs: 10, concurrency: 1, scheduler: vt.scheduler, write: slowStore(vt, () => 100) });
    const got = await vt.play(vt.cold<string>('a 9ms b 9ms c 9ms d 9ms e 9ms f 9ms g 9ms h 9ms i 9ms j 9ms k 9ms l |').pipe(out));
    expect(vt.log).toEqual(['10 write ab', '110 write cdefghijkl']);
    expect(got.map((m) => (m.notification.kind === 'N' ? m.notification.value : m.notification.kind))).toEqual(['ab', 'cdefghijkl', 'C']);
  });

  it('never writes more than maxBatch items at once', async () => {
    const vt = new VirtualTime();
    const out = writeBehind({ maxBatch: 2, lingerMs: 1000, concurrency: 5, scheduler: vt.scheduler, write: slowStore(vt, () => 1) });
    const got = await vt.play(vt.cold<string>('(abcde|)').pipe(out));
    expect(vt.log).toEqual(['0 write ab', '0 write cd', '0 write e']);
    expect(got.filter((m) => m.notification.kind === 'N').map((m) => m.notification.kind === 'N' && m.notification.value)).toEqual(['ab', 'cd', 'e']);
  });

  it('runs up to `concurrency` writes at once and emits in the order they started', async () => {
    const vt = new VirtualTime();
    // The first write is slow, the others fast: their results wait for the first's.
    const out = writeBehind({ maxBatch: 1, lingerMs: 0, concurrency: 2, scheduler: vt.scheduler, write: slowStore(vt, (b) => (b[0] === 'a' ? 50 : 5)) });
    const got = await vt.play(vt.cold<string>('a b c |').pipe(out));
    // b runs beside a; c waits for b's slot (free at 6), not for a.
    expect(vt.log).toEqual(['0 write a', '1 write b', '6 write c']);
    expect(got.map((m) => [m.frame, m.notification.kind === 'N' ? m.notification.value : m.notification.kind])).toEqual([
      [50, 'a'],
      [50, 'b'],
      [50, 'c'],
      [50, 'C'],
    ]);
  });

  it('writes what waits as soon as the source completes', async () => {
    const vt = new VirtualTime();
    const out = writeBehind({ maxBatch: 10, lingerMs: 1000, concurrency: 1, scheduler: vt.scheduler, write: slowStore(vt, () => 3) });
    await vt.expect(vt.cold<string>('ab|').pipe(out), '5ms (x|)', { x: 'ab' });
  });

  it('errors the output when a write fails, and starts no write after that', async () => {
    const vt = new VirtualTime();
    const boom = new Error('store gone');
    const out = writeBehind({
      maxBatch: 1,
      lingerMs: 0,
      concurrency: 1,
      scheduler: vt.scheduler,
      write: async (b: string[]) => {
        vt.note(`write ${b.join('')}`);
        if (b[0] === 'a') throw boom;
        return b.join('');
      },
    });
    await vt.expect(vt.cold<string>('a b c |').pipe(out), '#', undefined, boom);
    expect(vt.log).toEqual(['0 write a']);
  });
});
