import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { broadcastToFeed } from '../../engine/pipeline/broadcastToFeed.ts';
import { publishScores } from '../../engine/pipeline/publishScores.ts';
import { adviseCues } from '../../engine/pipeline/adviseCues.ts';
import { raiseAlerts } from '../../engine/pipeline/raiseAlerts.ts';
import type { Cue, ScoredEvent } from '../../engine/event/index.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

const row = (id: string, channel: 'chat' | 'email' = 'chat') => ({ id, channel, conversationId: `conv-${id}` }) as ScoredEvent;
const rows = { a: [row('a'), row('b', 'email')], b: [row('c')] };
const boom = () => {
  throw new Error('boom');
};

/** The after-durable stages pass every batch on unchanged, whatever their effect does. */
const passesOn = '-a-b|';

describe('broadcastToFeed', () => {
  it('sends each stored batch to the feed and passes it on', () => {
    const sent: string[][] = [];
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(passesOn, rows).pipe(broadcastToFeed({ broadcast: (r) => sent.push(r.map((x) => x.id)) }))).toBe(passesOn, rows);
    });
    expect(sent).toEqual([['a', 'b'], ['c']]);
  });

  it('reports a failing feed and goes on: the rows are stored already', () => {
    const errors: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(passesOn, rows).pipe(broadcastToFeed({ broadcast: boom }, (e, stage) => errors.push(`${stage}: ${e.message}`)))).toBe(passesOn, rows);
    });
    expect(errors).toEqual(['feed: boom', 'feed: boom']);
  });
});

describe('publishScores', () => {
  it('publishes each row as JSON on cx.scores.<channel>', () => {
    const published: [string, string][] = [];
    const bus = { publish: async (subject: string, data: Uint8Array) => void published.push([subject, (JSON.parse(new TextDecoder().decode(data)) as ScoredEvent).id]) };
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(passesOn, rows).pipe(publishScores(bus))).toBe(passesOn, rows);
    });
    expect(published).toEqual([['cx.scores.chat', 'a'], ['cx.scores.email', 'b'], ['cx.scores.chat', 'c']]);
  });

  it('does not wait for or fail on a bus that refuses the publish', async () => {
    const bus = { publish: () => Promise.reject(new Error('disconnected')) };
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(passesOn, rows).pipe(publishScores(bus))).toBe(passesOn, rows);
    });
    await new Promise((r) => setImmediate(r)); // an unhandled rejection would fail the run
  });
});

describe('adviseCues', () => {
  const cueFor = (e: ScoredEvent) => ({ kind: 'negative_spike', conversationId: e.conversationId, agentId: 'agent-7' }) as Cue;

  it('runs the cue rules on each row in order and sends what they raise to the feed', () => {
    const sent: string[] = [];
    const counted: string[] = [];
    const cues = { observe: (e: ScoredEvent) => (e.id === 'b' ? [] : [cueFor(e)]) };
    const feed = { broadcastCue: (conversationId: string, agentId: string | undefined, cue: Cue) => sent.push(`${conversationId} -> ${agentId}: ${cue.kind}`) };
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(passesOn, rows).pipe(adviseCues(cues, feed, { onCue: (c) => counted.push(c.kind) }))).toBe(passesOn, rows);
    });
    expect(sent).toEqual(['conv-a -> agent-7: negative_spike', 'conv-c -> agent-7: negative_spike']);
    expect(counted).toEqual(['negative_spike', 'negative_spike']);
  });

  it('reports failing rules and goes on', () => {
    const errors: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(passesOn, rows).pipe(adviseCues({ observe: boom }, { broadcastCue: () => undefined }, { onError: (e, s) => errors.push(s) }))).toBe(passesOn, rows);
    });
    expect(errors).toEqual(['cues', 'cues']);
  });
});

describe('raiseAlerts', () => {
  it('hands each stored batch to the alerts with the engine time', () => {
    const seen: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      let t = 1000;
      const alerts = { delivered: (r: readonly ScoredEvent[], nowMs: number) => void seen.push(`${nowMs}: ${r.map((x) => x.id).join(',')}`) };
      expectObservable(cold(passesOn, rows).pipe(raiseAlerts(alerts, undefined, () => (t += 1000)))).toBe(passesOn, rows);
    });
    expect(seen).toEqual(['2000: a,b', '3000: c']);
  });

  it('reports failing alerts and goes on', () => {
    const errors: string[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold(passesOn, rows).pipe(raiseAlerts({ delivered: boom }, (e, s) => errors.push(`${s}: ${e.message}`)))).toBe(passesOn, rows);
    });
    expect(errors).toEqual(['alerts: boom', 'alerts: boom']);
  });
});
