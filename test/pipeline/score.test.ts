import { describe, expect, it } from 'vitest';
import { lastValueFrom, timer } from 'rxjs';
import { score } from '../../engine/pipeline/score.ts';
import type { BatchScorer, PipelineModel } from '../../engine/pipeline/types.ts';
import type { TextScores } from '../../engine/event/types.ts';
import { VirtualTime } from './virtualTime.ts';
import { featurized } from './fixtures.ts';

/** A model that fails any call holding a text containing "poison", noting each call in the log. */
function model(vt: VirtualTime): PipelineModel {
  const scores = (texts: readonly string[]): TextScores[] => texts.map(() => ({ sentiment: { label: 'neutral', score: 0, confidence: 0.8 } }));
  return {
    version: 'm1',
    featurize: () => new Int32Array([1]),
    predict: async () => [],
    predictAll: async (_features, texts = []) => {
      vt.note(`predict ${texts.join(',')}`);
      if (texts.some((t) => t.includes('poison'))) throw new Error('tensor shape mismatch');
      return scores(texts);
    },
  };
}

const scoredOf = (...ids: string[]) => ids.map((id) => expect.objectContaining({ event: expect.objectContaining({ id }), modelVersion: 'm1', sentiment: expect.objectContaining({ label: 'neutral' }) }));

describe('score', () => {
  it('scores a micro-batch with one model call', async () => {
    const vt = new VirtualTime();
    const batches = vt.cold('a 9ms b|', { a: [featurized(vt, 'x'), featurized(vt, 'y')], b: [featurized(vt, 'z')] });
    await vt.expect(batches.pipe(score(model(vt))), 's 9ms t|', { s: { scored: scoredOf('x', 'y'), failed: [] }, t: { scored: scoredOf('z'), failed: [] } });
    expect(vt.log).toEqual(['0 predict x,y', '10 predict z']);
  });

  it('retries a failed batch item by item: the poison item comes out as failed, the others scored in order', async () => {
    const vt = new VirtualTime();
    const poison = featurized(vt, 'p', 'poison pill');
    const batches = vt.cold('a|', { a: [featurized(vt, 'x'), poison, featurized(vt, 'y')] });
    const failed = [{ env: poison.env, error: { code: 'CX_ERR_SCORING_FAILED', message: 'model failed: tensor shape mismatch' } }];
    await vt.expect(batches.pipe(score(model(vt))), 's|', { s: { scored: scoredOf('x', 'y'), failed } });
    expect(vt.log).toEqual(['0 predict x,poison pill,y', '0 predict x', '0 predict poison pill', '0 predict y']);
  });

  it('neither acks nor naks anything itself: the DLQ stage settles the failed items', async () => {
    const vt = new VirtualTime();
    await vt.play(vt.cold('a|', { a: [featurized(vt, 'p', 'poison')] }).pipe(score(model(vt))));
    expect(vt.log.filter((l) => / (ack|nak) /.test(l))).toEqual([]);
  });
});

/**
 * Worker threads as the pipeline sees them: each call takes `delays[text of the first item]` ms
 * of virtual time; `undefined` for version m0 (no worker holds it), and a failure for "crash".
 */
function workers(vt: VirtualTime, delays: Record<string, number> = {}): BatchScorer {
  return {
    score: (version, texts) => {
      if (version !== 'm1') return undefined;
      vt.note(`worker ${texts.join(',')}`);
      return lastValueFrom(timer(delays[texts[0]!] ?? 0, vt.scheduler)).then(() => {
        if (texts.includes('crash')) throw new Error('scoring worker 0 exited with code 1');
        return texts.map(() => ({ sentiment: { label: 'neutral' as const, score: 0, confidence: 0.8 } }));
      });
    },
  };
}

describe('score on worker threads', () => {
  it('scores several batches at once and emits them in the order they came, even when a later one finishes first', async () => {
    const vt = new VirtualTime();
    const batches = vt.cold('a 9ms b|', { a: [featurized(vt, 'x'), featurized(vt, 'y')], b: [featurized(vt, 'z')] });
    await vt.expect(batches.pipe(score(model(vt), {}, workers(vt, { x: 30, z: 5 }))), '30ms (st|)', { s: { scored: scoredOf('x', 'y'), failed: [] }, t: { scored: scoredOf('z'), failed: [] } });
    // Both batches were on the workers before the first came back; the main thread's model was never called.
    expect(vt.log).toEqual(['0 worker x,y', '10 worker z']);
  });

  it('scores a batch on the main thread when no worker holds the pinned model version (a reload in progress)', async () => {
    const vt = new VirtualTime();
    const m0 = { ...model(vt), version: 'm0' };
    const batches = vt.cold('a|', { a: [{ ...featurized(vt, 'x'), featuresVersion: '' }] });
    const out = await vt.play(batches.pipe(score(m0, {}, workers(vt))));
    expect(out[0]!.notification).toEqual({ kind: 'N', value: { scored: [expect.objectContaining({ modelVersion: 'm0' })], failed: [] } });
    expect(vt.log).toEqual(['0 predict x']);
  });

  it('scores a batch that failed on a worker on the main thread, where a poison item is still retried alone and comes out as failed', async () => {
    const vt = new VirtualTime();
    const errors: string[] = [];
    const poison = featurized(vt, 'p', 'poison');
    const batches = vt.cold('a 9ms b|', { a: [featurized(vt, 'crash'), poison], b: [featurized(vt, 'z')] });
    const failed = [{ env: poison.env, error: { code: 'CX_ERR_SCORING_FAILED', message: 'model failed: tensor shape mismatch' } }];
    await vt.expect(batches.pipe(score(model(vt), { onWorkerError: (e) => errors.push(e.message) }, workers(vt, { crash: 20 }))), '20ms (st|)', {
      s: { scored: scoredOf('crash'), failed },
      t: { scored: scoredOf('z'), failed: [] },
    });
    expect(errors).toEqual(['scoring worker 0 exited with code 1']);
    expect(vt.log).toEqual(['0 worker crash,poison', '10 worker z', '20 predict crash,poison', '20 predict crash', '20 predict poison']);
  });
});
