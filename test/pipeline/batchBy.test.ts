import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { batchBy } from '../../engine/pipeline/batchBy.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('batchBy', () => {
  it('emits a full batch as soon as it holds maxSize items', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('abc|');
      expectObservable(src.pipe(batchBy(3, 100))).toBe('--x|', { x: ['a', 'b', 'c'] });
    });
  });

  it('emits a partial batch after the linger time and never an empty one', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('a 20ms b 300ms |');
      // a at 0 flushed at 10ms; b at 21 flushed at 30; nothing in the long quiet stretch.
      expectObservable(src.pipe(batchBy(10, 10))).toBe('10ms x 19ms y 291ms |', { x: ['a'], y: ['b'] });
    });
  });

  it('flushes what it holds when the source completes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('ab|').pipe(batchBy(10, 1000))).toBe('--(x|)', { x: ['a', 'b'] });
    });
  });
});
