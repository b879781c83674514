import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HEADS_GATE_FILE } from '../../cli/gate.ts';
import type { TextScores } from '../../engine/event/types.ts';
import { checkHeadsGate, GATED_HEADS, heldOutLines, ruleCuesIn, type GatedHead, type HeadsGateFile } from '../../training/heads/index.ts';
import { useCommittedTextScorer } from '../helpers/model.ts';

// The heads' figures on hand-written held-out lines (data/heads/*.jsonl, split "test"), against
// floors registered from the shipped heads minus a stated tolerance (models/sentiment/heads/quality-gate.json,
// `cxpulse gate --heads --write`), like the sentiment quality gate. No list of sentences the
// current weights happen to get right.
const gate = JSON.parse(readFileSync(HEADS_GATE_FILE, 'utf8')) as HeadsGateFile;

describe('the heads\' held-out lines', () => {
  for (const head of ['urgency', 'formality'] as const) {
    it(`carry none of the ${head} labelling rule's cue words or patterns, so the head cannot pass by learning the keywords back`, () => {
      const lines = heldOutLines(head);
      expect(lines.length).toBeGreaterThanOrEqual(100);
      const withCues = lines.flatMap((l) => {
        const cues = ruleCuesIn(head, l.text, l.lang);
        return cues.length > 0 ? [`${l.lang} ${l.label}: ${l.text} (${cues.join('; ')})`] : [];
      });
      expect(withCues).toEqual([]);
    });
  }

  it('the cue check finds the rules\' words and patterns (it can fail)', () => {
    expect(ruleCuesIn('urgency', 'Please fix this asap')).toEqual(['high: "asap"']);
    expect(ruleCuesIn('urgency', 'Mein Konto wurde gehackt!')).toEqual(['critical: "gehackt"']);
    expect(ruleCuesIn('urgency', 'Kan jag byta adress?')).toEqual(['question: "Kan jag"']);
    expect(ruleCuesIn('formality', 'Med vänliga hälsningar, Eva', 'sv')).toEqual(['formal: "vänliga hälsningar"']);
    expect(ruleCuesIn('formality', 'Kannst du mir helfen', 'de')).toEqual(['du: "du"']);
    expect(ruleCuesIn('formality', 'Danke, das hilft Ihnen sicher auch', 'de')).toEqual(['sie: "Ihnen"']);
    expect(ruleCuesIn('formality', 'thanks, that sorted it out nicely')).toEqual(['lowerStart: "thanks, that"']);
  });

  it('are the registered ones, every label and language is there, and every floor is below what was measured', () => {
    for (const head of Object.keys(GATED_HEADS) as GatedHead[]) {
      const parts = gate.parts.filter((p) => p.head === head);
      expect(parts.map((p) => p.part)).toEqual(['all', 'en', 'sv', 'nb', 'da', 'de']);
      expect(Object.keys(parts[0]!.floors.recall).sort()).toEqual([...GATED_HEADS[head]].sort());
      for (const p of parts) expect(p.floors.macroF1, `${head} ${p.part}`).toBeLessThan(p.measured.macroF1);
    }
    expect(gate.tolerance).toMatch(/two standard errors/);
  });
});

describe('the shipped heads on their held-out lines', () => {
  const scorer = useCommittedTextScorer();

  it('reach every floor (macro-F1 pooled and per language, recall per class pooled)', async () => {
    const results = await checkHeadsGate(scorer(), gate);
    expect(results).toHaveLength(gate.parts.length);
    expect(results.flatMap((r) => r.misses.map((m) => `${r.head} ${r.part}: ${m}`))).toEqual([]);
  });

  it('fail a worse model: heads that always give their first label miss the pooled floors of every head', async () => {
    const constant = {
      featurize: (t: string, l?: string) => scorer().featurize(t, l),
      predictAll: async (f: readonly Int32Array[]): Promise<TextScores[]> => (await scorer().predictAll(f)).map((s) => ({
        ...s,
        urgency: { label: GATED_HEADS.urgency[0], confidence: 1 },
        formality: { label: GATED_HEADS.formality[0], confidence: 1 },
        topic: { label: GATED_HEADS.topic[0], confidence: 1 },
      })),
    };
    const results = await checkHeadsGate(constant, gate);
    for (const head of Object.keys(GATED_HEADS)) expect(results.find((r) => r.head === head && r.part === 'all')!.misses.length, head).toBeGreaterThan(0);
  });
});
