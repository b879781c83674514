import { describe, expect, it } from 'vitest';
import { EMOTION_LABELS, HEADS, HEAD_NAMES, URGENCY_LABELS } from '../../engine/event/types.ts';
import { headExpectation } from '../../engine/model/heads.ts';
import { headScoreAt, sentimentAt } from '../../engine/model/outputs.ts';

describe('head outputs from the heads table', () => {
  it('a single-label head gives the most probable label of its row', () => {
    // Two rows of four urgency probabilities; row 1 peaks at "critical".
    const p = [0.1, 0.6, 0.2, 0.1, 0.05, 0.05, 0.1, 0.8];
    expect(headScoreAt('urgency', p, 0, [])).toEqual({ label: 'normal', confidence: 0.6 });
    expect(headScoreAt('urgency', p, 1, [])).toEqual({ label: URGENCY_LABELS[3], confidence: 0.8 });
  });

  it('a multi-label head gives the labels past their thresholds, most probable first, and the intensity without neutral', () => {
    const k = EMOTION_LABELS.length;
    const p = new Array<number>(k).fill(0.1);
    p[EMOTION_LABELS.indexOf('anger')] = 0.6;
    p[EMOTION_LABELS.indexOf('frustration')] = 0.9;
    p[EMOTION_LABELS.indexOf('neutral')] = 0.95;
    const s = headScoreAt('emotion', p, 0, new Array<number>(k).fill(0.5));
    expect(s.labels).toEqual(['neutral', 'frustration', 'anger']);
    expect(s.intensity).toBe('strong');
    expect(s.intensityScore).toBe(0.9);
  });

  it('a multi-label head falls back to the label closest to its threshold when none passes', () => {
    const k = EMOTION_LABELS.length;
    const p = new Array<number>(k).fill(0.1);
    p[EMOTION_LABELS.indexOf('joy')] = 0.3;
    const thresholds = new Array<number>(k).fill(0.5);
    thresholds[EMOTION_LABELS.indexOf('gratitude')] = 0.15;
    expect(headScoreAt('emotion', p, 0, thresholds).labels).toEqual(['gratitude']);
  });

  it("manifests are expected to declare the table's task, labels and kind", () => {
    expect(HEAD_NAMES).toEqual(Object.keys(HEADS).sort());
    for (const name of HEAD_NAMES) {
      const e = headExpectation(name);
      expect(e).toMatchObject({ task: name, labels: HEADS[name].labels });
      expect(e.multiLabel === true).toBe(HEADS[name].kind === 'multi');
    }
  });
});

describe('sentiment output with a negative bias', () => {
  // Row 0: neutral ahead of negative; row 1: clearly positive.
  const p = [0.35, 0.45, 0.2, 0.05, 0.15, 0.8];

  it('leaves the model output as is at bias 0', () => {
    expect(sentimentAt(p, 0)).toEqual({ label: 'neutral', score: 0.2 - 0.35, confidence: 0.45 });
    expect(sentimentAt(p, 0, 0)).toEqual(sentimentAt(p, 0));
  });

  it('scales p(negative) by e^bias and renormalises: a close neutral turns negative, a clear positive stays', () => {
    const s = sentimentAt(p, 0, 0.5);
    const neg = 0.35 * Math.exp(0.5), z = neg + 0.45 + 0.2;
    expect(s.label).toBe('negative');
    expect(s.confidence).toBeCloseTo(neg / z, 12);
    expect(s.score).toBeCloseTo((0.2 - neg) / z, 12);
    expect(sentimentAt(p, 1, 1).label).toBe('positive');
    // A negative bias moves the other way.
    expect(sentimentAt([0.45, 0.4, 0.15], 0, -0.5).label).toBe('neutral');
  });
});
