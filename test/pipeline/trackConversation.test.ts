import { describe, expect, it } from 'vitest';
import { firstValueFrom, of, toArray, mergeMap } from 'rxjs';
import { trackConversation } from '../../engine/pipeline/trackConversation.ts';
import { slope } from '../../engine/util/index.ts';
import type { Scored } from '../../engine/pipeline/types.ts';

const item = (conv: string, author: 'customer' | 'agent', score: number) =>
  ({ event: { channel: 'chat', conversationId: conv, author }, sentiment: { score } }) as unknown as Scored;

describe('slope', () => {
  it('is the least-squares slope per turn', () => {
    expect(slope([0.5, 0, -0.5])).toBeCloseTo(-0.5);
    expect(slope([1])).toBe(0);
    expect(slope([0.2, 0.2, 0.2])).toBe(0);
  });
});

describe('trackConversation', () => {
  it('tracks the last customer turns per conversation and leaves agent turns out of the trend', async () => {
    const batches = [[item('a', 'customer', 0.4), item('b', 'customer', 0.9)], [item('a', 'agent', 0.9), item('a', 'customer', 0), item('a', 'customer', -0.6)]];
    const out = await firstValueFrom(of(...batches).pipe(trackConversation(5), mergeMap((b) => b), toArray()));
    const last = out[4]!.conversation;
    expect(last.turns).toBe(3);
    expect(last.recent).toEqual([0.4, 0, -0.6]);
    expect(last.trend).toBeCloseTo(-0.5);
    expect(out[2]!.conversation.recent).toEqual([0.4]); // the agent turn carries the customer's state
    expect(out[1]!.conversation).toEqual({ turns: 1, recent: [0.9], trend: 0 });
  });

  it('keeps a window of the last turns and forgets the least recent conversation beyond capacity', async () => {
    const batch = [item('a', 'customer', 0.1), item('a', 'customer', 0.2), item('a', 'customer', 0.3), item('b', 'customer', 1), item('c', 'customer', 1), item('a', 'customer', 0.4)];
    const out = await firstValueFrom(of(batch).pipe(trackConversation(2, 2)));
    expect(out[2]!.conversation.recent).toEqual([0.2, 0.3]);
    // a was pushed out by b and c, so it starts again.
    expect(out[5]!.conversation).toEqual({ turns: 1, recent: [0.4], trend: 0 });
  });
});
