import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Subject, firstValueFrom, lastValueFrom, mergeMap, of, toArray } from 'rxjs';
import { DEFAULT_MODEL_DIR, detectLanguage, loadTextScorer, type TextScorer } from '../../engine/model/index.ts';
import { createCustomerTracker, createStateStore, streamFeatures, type ChurnScorer } from '../../engine/churn/index.ts';
import { scoreChurn, type ChurnStage } from '../../engine/pipeline/scoreChurn.ts';
import { scoringPipeline } from '../../engine/pipeline/pipeline.ts';
import { createFileStore } from '../../engine/sinks/file/index.ts';
import type { Envelope } from '../../engine/bus/types.ts';
import type { ScoredEvent } from '../../engine/event/types.ts';
import type { Tracked } from '../../engine/pipeline/types.ts';
import { useCommittedChurnScorer } from '../helpers/model.ts';

const T0 = Date.UTC(2026, 5, 1);
const item = (id: string, customerId: string, conv: string, author: 'customer' | 'agent', tsMs: number, label: 'negative' | 'neutral' = 'neutral') =>
  ({ event: { id, customerId, conversationId: conv, author, tsMs, channel: 'chat' }, sentiment: { label, score: label === 'negative' ? -0.8 : 0, confidence: 0.9 } }) as unknown as Tracked;

const scorer = useCommittedChurnScorer();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function stage(over: Partial<ChurnStage> = {}): ChurnStage & { calls: number[]; errors: string[] } {
  const calls: number[] = [], errors: string[] = [];
  const counting = { version: scorer().version, score: (inputs: Parameters<ChurnScorer['score']>[0], k?: number) => (calls.push(inputs.length), scorer().score(inputs, k)) };
  return { tracker: createCustomerTracker(createStateStore(undefined)), scorer: counting, onError: (e, s) => errors.push(`${s}: ${e.message}`), ...over, calls, errors };
}

describe('scoreChurn', () => {
  it('sets churn on customer messages only, with one model call per micro-batch', async () => {
    const s = stage();
    const batches = [
      [item('1', 'a', 'c1', 'customer', T0), item('2', 'a', 'c1', 'agent', T0 + 60_000), item('3', 'b', 'c2', 'customer', T0)],
      [item('4', 'a', 'c1', 'customer', T0 + 120_000, 'negative')],
    ];
    const out = await firstValueFrom(of(...batches).pipe(scoreChurn(s), mergeMap((b) => b), toArray()));
    expect(s.calls).toEqual([2, 1]);
    expect(out.map((o) => o.churn === undefined)).toEqual([false, true, false, false]);
    const r = out[3]!.churn!;
    expect(r.modelVersion).toBe(scorer().version);
    expect(['low', 'medium', 'high']).toContain(r.band);
    expect(r.probability).toBeGreaterThan(0);
    expect(r.probability).toBeLessThan(1);
    // The agent turn in between gave customer a a reply time; customer b has none.
    const a = s.tracker.store.get('a')!;
    expect(a.agentReply[1]).toBeGreaterThan(0);
    expect(s.tracker.store.get('b')!.agentReply[1]).toBe(0);
  });

  it('gives each message of the same customer in one batch the state after that message', async () => {
    const s = stage();
    const batch = [1, 2, 3, 4].map((i) => item(`m${i}`, 'x', `conv${i}`, 'customer', T0 + i * 86_400_000));
    const out = await firstValueFrom(of(batch).pipe(scoreChurn(s)));
    const contactsText = out.map((o) => o.churn!.factors.find((f) => f.feature === 'contacts'));
    expect(contactsText[3]?.text ?? '').toMatch(/^4 support contacts/);
    expect(out[3]!.churn!.probability).toBeGreaterThan(out[0]!.churn!.probability);
  });

  it('passes the batch on without churn when the model fails, and reports it', async () => {
    const s = stage({ scorer: { version: 'broken', score: async () => { throw new Error('boom'); } } });
    const batch = [item('1', 'a', 'c', 'customer', T0)];
    const out = await firstValueFrom(of(batch).pipe(scoreChurn(s)));
    expect(out).toEqual(batch);
    expect(out[0]!.churn).toBeUndefined();
    expect(s.errors).toEqual(['score: boom']);
  });

  it('passes the batch on when the state store fails', async () => {
    const failing = { ...createStateStore(undefined), load: async () => { throw new Error('kv down'); } };
    const s = stage({ tracker: createCustomerTracker(failing) });
    const out = await firstValueFrom(of([item('1', 'a', 'c', 'customer', T0)]).pipe(scoreChurn(s)));
    expect(out[0]!.churn).toBeUndefined();
    expect(s.errors).toEqual(['score: kv down']);
    // The next batch is not held back by the failed one.
    const s2 = stage();
    expect((await firstValueFrom(of([item('2', 'a', 'c', 'customer', T0)]).pipe(scoreChurn(s2))))[0]!.churn).toBeDefined();
  });
});

describe('scoring pipeline with the churn stage', () => {
  let text: TextScorer;
  beforeAll(async () => {
    text = await loadTextScorer(DEFAULT_MODEL_DIR);
  });
  afterAll(() => text?.dispose?.());

  const enc = new TextEncoder();
  const envelope = (subject: string, body: object, acked: string[]): Envelope => ({
    subject, data: enc.encode(JSON.stringify(body)), receivedAtMs: Date.now(), deliveryCount: 1,
    ack: () => acked.push((body as { id: string }).id), nak: () => undefined,
  });

  it('feeds CRM events into the customer state and scores the next message with them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-churn-pipe-'));
    dirs.push(dir);
    const store = createFileStore({ dir });
    await store.init();
    const s = stage();
    const source = new Subject<Envelope>();
    const acked: string[] = [];
    const out = lastValueFrom(source.pipe(scoringPipeline({
      maxTextBytes: 32_768, batchSize: 64, batchLingerMs: 5, model: text, detectLanguage, store, churn: s,
      bus: { deadLetter: async () => undefined, publish: async () => undefined },
      feed: { broadcast: () => undefined, broadcastCue: () => undefined }, cues: { observe: () => [] }, alerts: { delivered: () => undefined },
      sink: { batchSize: 100, lingerMs: 5 },
    }), toArray()));
    for (const [i, d] of [40, 10].entries()) source.next(envelope('cx.events.crm', { id: `late-${i}`, customerId: 'cust-9', type: 'payment_late', ts: T0 - d * 86_400_000, meta: { daysLate: 5 } }, acked));
    for (let i = 0; i < 200 && acked.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await s.tracker.apply([]); // waits for the CRM batch's state update
    expect(streamFeatures(s.tracker.store.get('cust-9')!).latePayments90d).toBe(2);
    source.next(envelope('cx.events.chat', { id: 'm-1', channel: 'chat', conversationId: 'c-1', customerId: 'cust-9', author: 'customer', text: 'Third time I ask: where is my refund? This is terrible.', ts: T0 }, acked));
    source.next(envelope('cx.events.chat', { id: 'm-2', channel: 'chat', conversationId: 'c-1', customerId: 'cust-9', author: 'agent', text: 'Sorry, I am looking into it now.', ts: T0 + 60_000 }, acked));
    source.complete();
    const rows = (await out).flat() as ScoredEvent[];
    const customer = rows.find((r) => r.id === 'm-1')!, agent = rows.find((r) => r.id === 'm-2')!;
    expect(customer.churn?.factors.map((f) => f.text)).toContain('2 late payments in the last 90 days');
    expect(agent.churn).toBeUndefined();
    expect(acked).toEqual(expect.arrayContaining(['late-0', 'late-1', 'm-1', 'm-2']));
    await store.close();
  });
});
