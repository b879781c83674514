import { describe, expect, it } from 'vitest';
import { createCueEngine, escalationAdvised, frustrationRising, loadCueRules, negativeSpike, type Cue } from '../../engine/cues/index.ts';
import { only, T0, turn } from './fixtures.ts';

const rules = loadCueRules().rules;
const h = (...scores: number[]) => scores.map((score, i) => ({ id: `m-${i}`, score, confidence: 0.9 }));
/** Feeds customer turns with the given scores, one minute apart, and returns every cue raised. */
const feed = (engine: ReturnType<typeof createCueEngine>, scores: number[], start = 0, over = {}): Cue[] =>
  scores.flatMap((s, i) => engine.observe(turn(`m-${start + i}`, s, { tsMs: T0 + (start + i) * 60_000, ...over })));

describe('frustration_rising', () => {
  it('fires when the customer trend falls below the threshold over at least minTurns turns', () => {
    const f = frustrationRising(h(0.3, -0.1, -0.5), rules.frustration_rising);
    expect(f?.severity).toBeCloseTo(-0.4);
    expect(f?.evidence.map((t) => t.id)).toEqual(['m-0', 'm-1', 'm-2']);
  });
  it('does not fire with too few turns, a flat trend, or a last turn that is not negative', () => {
    expect(frustrationRising(h(0.5, -0.5), rules.frustration_rising)).toBeNull();
    expect(frustrationRising(h(-0.4, -0.45, -0.4), rules.frustration_rising)).toBeNull();
    expect(frustrationRising(h(0.9, 0.5, 0.1), rules.frustration_rising)).toBeNull();
  });
});

describe('negative_spike', () => {
  it('fires on a strongly negative, confident customer turn', () => {
    expect(negativeSpike(h(0.2, -0.95), rules.negative_spike)?.evidence.map((t) => t.id)).toEqual(['m-1']);
  });
  it('does not fire on a mild turn or an unsure one', () => {
    expect(negativeSpike(h(-0.5), rules.negative_spike)).toBeNull();
    expect(negativeSpike([{ id: 'x', score: -0.9, confidence: 0.5 }], rules.negative_spike)).toBeNull();
  });
});

describe('escalation_advised', () => {
  it('fires on K consecutive negative turns', () => {
    const f = escalationAdvised(h(0.5, -0.4, -0.5, -0.6), rules.escalation_advised);
    expect(f?.vars.count).toBe(3);
    expect(f?.evidence.map((t) => t.id)).toEqual(['m-1', 'm-2', 'm-3']);
  });
  it('fires on a very negative turn that is still worsening', () => {
    const f = escalationAdvised(h(0.1, -0.85, -0.95), rules.escalation_advised);
    expect(f?.vars).toMatchObject({ count: 2, score: -0.95 });
    expect(f?.evidence.map((t) => t.id)).toEqual(['m-1', 'm-2']);
    expect(escalationAdvised(h(0.1, 0.2, -0.95), rules.escalation_advised)?.vars.count).toBe(1);
  });
  it('does not fire when the run is broken or a very negative turn is improving', () => {
    expect(escalationAdvised(h(-0.5, 0.2, -0.5, -0.6), rules.escalation_advised)).toBeNull();
    expect(escalationAdvised(h(0.1, -0.95, -0.85), rules.escalation_advised)).toBeNull();
  });
});

describe('cue engine', () => {
  it('builds the cue: kind, priority, texts in the customer and agent languages, evidence, assigned agent', () => {
    const e = createCueEngine(only('negative_spike'), { agentLang: 'de' });
    e.observe(turn('a-1', 0, { author: 'agent', agentId: 'agent-7', lang: 'sv' }));
    const [cue, ...rest] = e.observe(turn('m-1', -0.9, { lang: 'sv' }));
    expect(rest).toEqual([]);
    expect(cue).toMatchObject({ kind: 'negative_spike', conversationId: 'c-1', agentId: 'agent-7', priority: 'high', evidence: { eventIds: ['m-1'], scores: [-0.9] } });
    expect(cue?.text.customer).toMatch(/^Mycket negativt meddelande \(poäng -0\.90\)/);
    expect(cue?.text.agent).toMatch(/^Stark negative Nachricht \(Wert -0\.90\)/);
    expect(cue?.text).toMatchObject({ customerLang: 'sv', agentLang: 'de' });
  });

  it('ignores agent turns and disabled rules', () => {
    const e = createCueEngine(only('negative_spike'));
    expect(e.observe(turn('a-1', -0.99, { author: 'agent', agentId: 'agent-7' }))).toEqual([]);
    const off = only('negative_spike');
    off.rules.negative_spike.enabled = false;
    expect(feed(createCueEngine(off), [-0.99, -0.99, -0.99])).toEqual([]);
  });

  it('does not repeat a kind within the cooldown unless it got worse, and repeats after it', () => {
    const e = createCueEngine(only('negative_spike'));
    expect(feed(e, [-0.75])).toHaveLength(1);
    expect(feed(e, [-0.78], 1)).toHaveLength(0); // 1 min later, not worse by the 0.1 margin
    expect(feed(e, [-0.9], 2)).toHaveLength(1); // worse: fires inside the cooldown
    expect(feed(e, [-0.9], 3)).toHaveLength(0);
    expect(feed(e, [-0.9], 10)).toHaveLength(1); // cooldown (2 min) over
  });

  it('keeps conversations apart and bounded', () => {
    const e = createCueEngine(only('escalation_advised'), { maxConversations: 2 });
    feed(e, [-0.5, -0.5], 0, { conversationId: 'a' });
    feed(e, [-0.5], 2, { conversationId: 'b' });
    feed(e, [-0.5], 3, { conversationId: 'c' }); // evicts 'a', the least recently active
    expect(e.conversations).toBe(2);
    expect(feed(e, [-0.5], 4, { conversationId: 'a' })).toEqual([]); // its history was forgotten (and 'b' now is)
    expect(feed(e, [-0.5, -0.5], 5, { conversationId: 'c' }).map((c) => c.kind)).toEqual(['escalation_advised']);
  });

  it('raises the three kinds, most urgent first, on an increasingly angry conversation', () => {
    const kinds = feed(createCueEngine(loadCueRules()), [0.2, -0.4, -0.75, -0.95]).map((c) => c.kind);
    expect(kinds).toEqual(['negative_spike', 'frustration_rising', 'escalation_advised', 'negative_spike']);
  });
});
