/**
 * The held-out export must round-trip through `cxpulse eval`'s reader: the same rows, labels and
 * language, binary when the set is binary. Uses a tiny UCI-format data folder written here.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLabelled } from '../../training/eval/read.ts';
import { heldOutFile, toEvalJsonl } from '../../training/sentiment/heldout.ts';
import { loadSentimentSets, uciFile } from '../../training/sentiment/data.ts';
import { sideBySide } from '../../training/sentiment/baselines.ts';
import { evaluateFile } from '../../training/eval/run.ts';
import { initBackend, loadTextScorer } from '../../engine/model/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'cxpulse-heldout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'en-uci-sentences'));
writeFileSync(join(dir, 'en-uci-sentences/amazon_cells_labelled.txt'),
  'Great phone, works fine.\t1\nBattery died after a day, "useless".\t0\nTab\tinside text.\t1\n\n');

describe('held-out export', () => {
  it('reads UCI lines with the label after the last tab', () => {
    expect(uciFile(dir, 'amazon_cells_labelled.txt')).toEqual([
      { text: 'Great phone, works fine.', label: 2 },
      { text: 'Battery died after a day, "useless".', label: 0 },
      { text: 'Tab\tinside text.', label: 2 },
    ]);
  });

  it('writes JSONL that cxpulse eval reads back as the same binary rows', () => {
    const f = heldOutFile(dir, 42, 'en-uci-amazon');
    expect(f).toMatchObject({ set: 'en-uci-amazon', lang: 'en', part: 'test', rows: 3 });
    const back = parseLabelled('x.jsonl', f.jsonl);
    expect(back.skipped).toEqual([]);
    expect(back.binary).toBe(true);
    expect(back.rows.map((r) => [r.text, r.label, r.lang])).toEqual([
      ['Great phone, works fine.', 2, 'en'],
      ['Battery died after a day, "useless".', 0, 'en'],
      ['Tab\tinside text.', 2, 'en'],
    ]);
  });

  it('spells neutral out so a 3-class file stays 3-class', () => {
    const back = parseLabelled('x.jsonl', toEvalJsonl([{ text: 'ok', label: 1 }, { text: 'bad', label: 0 }], 'sv'));
    expect(back.binary).toBe(false);
    expect(back.rows.map((r) => r.label)).toEqual([1, 0]);
  });

  it('refuses an unknown set or an empty part with a clear error', () => {
    expect(() => heldOutFile(dir, 42, 'no-such-set')).toThrow(/unknown data set no-such-set; known: .*en-uci-amazon/);
    expect(() => heldOutFile(dir, 42, 'en-uci-amazon', 'valid')).toThrow(/en-uci-amazon has no valid part/);
    expect(() => heldOutFile(join(dir, 'missing'), 42, 'en-uci-amazon')).toThrow(/cannot read training file/);
  });
});

describe('side-by-side figures in the model card', () => {
  it('equal what cxpulse eval prints for the exported file', async () => {
    const out = join(dir, 'amazon.jsonl');
    writeFileSync(out, heldOutFile(dir, 42, 'en-uci-amazon').jsonl);
    const { json } = await evaluateFile({ data: out });
    await initBackend();
    const scorer = await loadTextScorer();
    try {
      const [set] = loadSentimentSets(dir, 42, ['en-uci-amazon']);
      const card = await sideBySide(scorer, set!);
      expect(card.n).toBe(json.rows);
      expect(card.systems.map((s) => [s.name, s.macroF1, s.accuracy])).toEqual(json.systems.map((s) => [s.name, s.report.macroF1, s.report.accuracy]));
      expect(card.marginOverBest).toBeCloseTo(json.systems[0]!.report.macroF1 - Math.max(json.systems[1]!.report.macroF1, json.systems[2]!.report.macroF1));
    } finally {
      scorer.dispose();
    }
  });
});
