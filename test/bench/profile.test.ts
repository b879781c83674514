import { describe, expect, it } from 'vitest';
import { summarizeProfile, type CpuProfile } from '../../bench/profile.ts';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

/** Four nodes: idle, GC, one function of ours and one of a dependency; samples of 1 ms each unless given. */
function profile(samples: number[], deltas?: number[]): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(idle)') },
      { id: 2, callFrame: frame('(garbage collector)') },
      { id: 3, callFrame: frame('redactPii', 'file:///app/dist/engine/privacy/redact.js', 52) },
      { id: 4, callFrame: frame('serialize', 'file:///app/node_modules/@fastify/fast-json-stringify/dist/index.js', 71) },
    ],
    samples,
    timeDeltas: deltas ?? samples.map(() => 1000),
    startTime: 0,
    endTime: samples.length * 1000,
  };
}

describe('summarizeProfile', () => {
  it('shares busy time (idle left out) by part of the code and by function, largest first', () => {
    const s = summarizeProfile(profile([1, 1, 3, 3, 3, 2, 4, 1]));
    expect(s).toEqual({
      busyMs: 5,
      idleMs: 3,
      parts: [
        { part: 'engine/privacy', share: 0.6 },
        { part: '(garbage collector)', share: 0.2 },
        { part: 'node_modules/@fastify/fast-json-stringify', share: 0.2 },
      ],
      functions: [
        { fn: 'redactPii engine/privacy/redact.js:53', share: 0.6 },
        { fn: '(garbage collector) (garbage collector)', share: 0.2 },
        { fn: 'serialize @fastify/fast-json-stringify/dist/index.js:72', share: 0.2 },
      ],
    });
  });

  it('weighs each sample by its time delta', () => {
    const s = summarizeProfile(profile([3, 4], [1000, 3000]));
    expect(s.parts).toEqual([
      { part: 'node_modules/@fastify/fast-json-stringify', share: 0.75 },
      { part: 'engine/privacy', share: 0.25 },
    ]);
  });
});
