import { describe, expect, it } from 'vitest';
import { EMOTION_LABELS, HEADS, HEAD_NAMES, URGENCY_LABELS } from '../../engine/event/types.ts';
import { headExpectation } from '../../engine/model/heads.ts';
import { headScoreAt } from '../../engine/model/outputs.ts';

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
