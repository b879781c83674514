import { describe, expect, it } from 'vitest';
import { score } from '../../engine/pipeline/score.ts';
import type { PipelineModel } from '../../engine/pipeline/types.ts';
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
