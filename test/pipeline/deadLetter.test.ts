import { lastValueFrom, tap, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { deadLetterFailed } from '../../engine/pipeline/deadLetterFailed.ts';
import { deadLetterInvalid } from '../../engine/pipeline/deadLetterInvalid.ts';
import { decode } from '../../engine/pipeline/decode.ts';
import { deadLetterLastDelivery, type DeadLetterSink } from '../../engine/pipeline/deadLetter.ts';
import type { DeadLetter, Envelope } from '../../engine/bus/types.ts';
import { eventError } from '../../engine/event/errors.ts';
import type { Scored, ScoredBatch } from '../../engine/pipeline/types.ts';
import { VirtualTime } from './virtualTime.ts';
import { chatEvent, envelope, featurized } from './fixtures.ts';

/** A DLQ whose writes take 5 ms of virtual time and fail when `down`. */
function dlq(vt: VirtualTime, down = false): DeadLetterSink & { entries: DeadLetter[] } {
  const entries: DeadLetter[] = [];
  return {
    entries,
    deadLetter: async (entry) => {
      await lastValueFrom(timer(5, vt.scheduler));
      if (down) throw new Error('dlq unavailable');
      entries.push(entry);
    },
    onDeadLettered: (entry) => vt.note(`dead-lettered ${entry.error.code}`),
  };
}

function batchWithFailure(vt: VirtualTime): { batch: ScoredBatch; x: Scored } {
  const x = { ...featurized(vt, 'x'), sentiment: { label: 'neutral' as const, score: 0, confidence: 0.8 }, modelVersion: 'm1', scoredAtMs: 0 };
  const failed = [{ env: envelope(vt, 'p', '{"id":"p","text":"poison"}'), error: eventError('CX_ERR_SCORING_FAILED', 'model failed: boom') }];
  return { batch: { scored: [x], failed }, x };
}

describe('deadLetterFailed', () => {
  it('acks an unscorable event once the DLQ has it, then passes the scored events on', async () => {
    const vt = new VirtualTime();
    const sink = dlq(vt);
    const { batch, x } = batchWithFailure(vt);
    await vt.expect(vt.cold('a|', { a: batch }).pipe(deadLetterFailed(sink)), '5ms (s|)', { s: [x] });
    expect(vt.log).toEqual(['5 ack p', '5 dead-lettered CX_ERR_SCORING_FAILED']);
    expect(sink.entries).toEqual([{ error: batch.failed[0]!.error, subject: 'cx.events.chat', payload: '{"id":"p","text":"poison"}', receivedAtMs: 0, deliveryCount: 1 }]);
  });

  it('naks it when the DLQ write fails (redelivered later, never lost) and still passes the others on', async () => {
    const vt = new VirtualTime();
    const { batch, x } = batchWithFailure(vt);
    await vt.expect(vt.cold('a|', { a: batch }).pipe(deadLetterFailed(dlq(vt, true))), '5ms (s|)', { s: [x] });
    expect(vt.log).toEqual(['5 nak p: the DLQ write failed: dlq unavailable']);
  });
});

describe('deadLetterInvalid', () => {
  it('dead-letters an invalid message with its reason and payload, acks it, and passes valid ones on', async () => {
    const vt = new VirtualTime();
    const sink = dlq(vt);
    const { tsMs: _, ...event } = chatEvent('ok');
    const valid = envelope(vt, 'ok', JSON.stringify({ ...event, ts: '2026-06-01T10:00:00Z' }));
    const source = vt.cold('ab|', { a: envelope(vt, 'bad', '{not json'), b: valid });
    await vt.expect(source.pipe(decode({ maxTextBytes: 1000 }), deadLetterInvalid(sink)), '-v 3ms |', { v: expect.objectContaining({ env: valid, event: expect.objectContaining({ id: 'ok' }) }) });
    expect(vt.log).toEqual(['5 ack bad', '5 dead-lettered CX_ERR_INVALID_JSON']);
    expect(sink.entries.map((e) => [e.error.code, e.payload])).toEqual([['CX_ERR_INVALID_JSON', '{not json']]);
  });

  it('naks an invalid message when the DLQ is down', async () => {
    const vt = new VirtualTime();
    await vt.play(vt.cold('a|', { a: envelope(vt, 'bad', '{not json') }).pipe(decode({ maxTextBytes: 1000 }), deadLetterInvalid(dlq(vt, true))));
    expect(vt.log).toEqual(['5 nak bad: the DLQ write failed: dlq unavailable']);
  });
});

describe('deadLetterLastDelivery', () => {
  const lastDelivery = (vt: VirtualTime, id: string, deliveryCount: number) => ({ ...envelope(vt, id), deliveryCount, maxDeliver: 3, busId: `S:${id}` });

  it('turns a nak with a reason on the last delivery into a DLQ entry with the history, and an ack', async () => {
    const vt = new VirtualTime();
    const sink = dlq(vt);
    const seen: Envelope[] = [];
    await vt.play(vt.cold('(ab|)', { a: lastDelivery(vt, 'a', 3), b: lastDelivery(vt, 'b', 2) }).pipe(deadLetterLastDelivery(sink), tap((e) => seen.push(e))));
    for (const e of seen) e.nak(1000, 'store write failed: boom');
    await vt.play(timer(10, vt.scheduler));
    expect(vt.log).toEqual(['0 nak b: store write failed: boom', '5 ack a', '5 dead-lettered CX_ERR_MAX_DELIVERIES']);
    expect(sink.entries).toEqual([
      {
        error: { code: 'CX_ERR_MAX_DELIVERIES', message: 'failed on all 3 deliveries; the last: store write failed: boom' },
        subject: 'cx.events.chat', payload: '{"id":"a"}', receivedAtMs: 0, deliveryCount: 3, busId: 'S:a',
        history: { deliveries: 3, maxDeliver: 3, lastError: 'store write failed: boom' },
      },
    ]);
  });

  it('leaves a nak without a reason (a stop handing messages back) a nak, even on the last delivery', async () => {
    const vt = new VirtualTime();
    const sink = dlq(vt);
    const seen: Envelope[] = [];
    await vt.play(vt.cold('(a|)', { a: lastDelivery(vt, 'a', 3) }).pipe(deadLetterLastDelivery(sink), tap((e) => seen.push(e))));
    seen[0]!.nak();
    expect(vt.log).toEqual(['0 nak a']);
    expect(sink.entries).toEqual([]);
  });
});
