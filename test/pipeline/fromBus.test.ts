import { describe, expect, it } from 'vitest';
import { fromBus } from '../../engine/pipeline/fromBus.ts';
import { createMemoryBus } from '../../engine/bus/index.ts';
import type { Envelope } from '../../engine/bus/index.ts';

describe('fromBus', () => {
  it('never holds more than maxInFlight unsettled messages, and resumes as they are acked', async () => {
    const bus = createMemoryBus();
    for (let i = 0; i < 10; i++) await bus.publishEvent('chat', Buffer.from(String(i)), `id-${i}`);
    const source = fromBus(bus, 3);
    const held: Envelope[] = [];
    let maxSeen = 0;
    const sub = source.subscribe((env) => {
      held.push(env);
      maxSeen = Math.max(maxSeen, source.count);
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(held.length).toBe(3);
    for (let round = 0; round < 10 && held.length < 10; round++) {
      held.filter((e) => e).forEach((e) => e.ack());
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(held.map((e) => Buffer.from(e.data).toString())).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(maxSeen).toBe(3);
    sub.unsubscribe();
  });

  it('redelivers a nak-ed message with a higher delivery count', async () => {
    const bus = createMemoryBus();
    await bus.publishEvent('chat', Buffer.from('x'), 'id-x');
    const got: Envelope[] = [];
    const sub = fromBus(bus, 10).subscribe((env) => {
      got.push(env);
      if (got.length === 1) env.nak();
      else env.ack();
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(got.map((e) => e.deliveryCount)).toEqual([1, 2]);
    sub.unsubscribe();
  });

  it('completes after the bus is stopped', async () => {
    const bus = createMemoryBus();
    const done = new Promise<void>((resolve) => fromBus(bus, 10).subscribe({ complete: resolve }));
    await bus.stop();
    await expect(done).resolves.toBeUndefined();
  });
});
