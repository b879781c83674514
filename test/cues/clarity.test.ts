import { describe, expect, it } from 'vitest';
import { clarityStats, createCueEngine, jargonFinding, loadCueRules } from '../../engine/cues/index.ts';
import { only, T0, turn } from './fixtures.ts';

const rule = loadCueRules().rules.long_message_jargon;
const CLEAR = 'Thanks for waiting. I have found your order. It left our warehouse today. You will get it on Friday.';
const LONG =
  'In accordance with the applicable contractual provisions and notwithstanding the previously communicated interim arrangements our department has initiated the reconciliation of your account which will subsequently be reflected in the consolidated statement that is generated automatically at the end of the current billing cycle and made available to you.';
const JARGON = 'Your SIM-provisioning reauthentication failed due to misconfigured interoperability parameters. Reinitialisation of subscriberprofile synchronisation required. Escalating telecommunications troubleshooting internally.';

describe('long_message_jargon (clarity of agent replies)', () => {
  it('counts words per sentence and the share of long words', () => {
    const s = clarityStats('One two three. Four five!\nSix', 14);
    expect(s).toMatchObject({ words: 6, sentences: 3, wordsPerSentence: 2, longShare: 0 });
    expect(clarityStats('Kundendienstmitarbeiterin hilft.', 14).longShare).toBe(0.5);
  });

  it('fires on a reply with very long sentences, and on one full of long words', () => {
    expect(jargonFinding(LONG, rule)?.vars.words).toBeGreaterThan(25);
    expect(jargonFinding(JARGON, rule)?.vars.longShare).toBeGreaterThan(20);
  });

  it('does not fire on a short, plain reply or a message too short to judge', () => {
    expect(jargonFinding(CLEAR, rule)).toBeNull();
    expect(jargonFinding('Reauthentication misconfigured.', rule)).toBeNull();
  });

  it('runs on agent turns only, with its cooldown', () => {
    const e = createCueEngine(only('long_message_jargon'));
    expect(e.observe(turn('m-1', 0, { text: LONG }))).toEqual([]); // a customer's long message is not the agent's to fix
    const [cue] = e.observe(turn('a-1', 0.1, { author: 'agent', agentId: 'agent-2', text: LONG }));
    expect(cue).toMatchObject({ kind: 'long_message_jargon', agentId: 'agent-2', priority: 'low', evidence: { eventIds: ['a-1'] } });
    expect(cue?.text.agent).toMatch(/^Your reply may be hard to follow: \d+ words per sentence/);
    expect(e.observe(turn('a-2', 0.1, { author: 'agent', text: LONG, tsMs: T0 + 60_000 }))).toEqual([]);
    expect(e.observe(turn('a-3', 0.1, { author: 'agent', text: LONG, tsMs: T0 + 6 * 60_000 }))).toHaveLength(1);
  });
});
