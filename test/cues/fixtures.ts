import type { ScoredEvent } from '../../engine/event/index.ts';
import { loadCueRules, type CueConfig } from '../../engine/cues/index.ts';

export const T0 = 1795510800000;

/** A customer turn of conversation `conv` with the given sentiment score (label follows the sign). */
export function turn(id: string, score: number, over: Partial<ScoredEvent> = {}): ScoredEvent {
  return {
    id,
    channel: 'chat',
    conversationId: 'c-1',
    customerId: 'cust-1',
    author: 'customer',
    tsMs: T0,
    text: 'x',
    lang: 'en',
    langConfidence: 0.9,
    sentiment: { label: score <= -0.2 ? 'negative' : score >= 0.2 ? 'positive' : 'neutral', score, confidence: 0.9 },
    conversation: { turns: 1, recent: [score], trend: 0 },
    modelVersion: 'test',
    latencyMs: 1,
    receivedAtMs: T0,
    ...over,
  };
}

/** The shipped defaults with only the named rule enabled, so a test sees one rule's behaviour. */
export function only(kind: keyof CueConfig['rules']): CueConfig {
  const cfg = loadCueRules();
  for (const k of Object.keys(cfg.rules) as (keyof CueConfig['rules'])[]) cfg.rules[k].enabled = k === kind;
  return cfg;
}
