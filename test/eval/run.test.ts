import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEval } from '../../cli/eval.ts';
import { evaluateFile } from '../../training/eval/run.ts';
import { afinnSystem, threeWay, vaderSystem } from '../../training/eval/systems.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/eval/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cxpulse-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('baselines', () => {
  it('VADER and AFINN label obvious English sentences', async () => {
    const texts = ['I love this, the service was great and fast!', 'This is terrible, I hate it.', 'The parcel arrived on Tuesday.'];
    const langs = ['en', 'en', 'en'];
    expect((await vaderSystem().predict(texts, langs)).map((p) => p.label)).toEqual([2, 0, 1]);
    expect((await afinnSystem().predict(texts, langs)).map((p) => p.label)).toEqual([2, 0, 1]);
  });

  it('applies the documented thresholds (VADER inclusive, AFINN strict)', () => {
    expect([threeWay(0.05, 0.05, true), threeWay(-0.05, 0.05, true), threeWay(0.04, 0.05, true)]).toEqual([2, 0, 1]);
    expect([threeWay(0.05, 0.05, false), threeWay(0.06, 0.05, false), threeWay(-0.06, 0.05, false)]).toEqual([1, 2, 0]);
  });
});

describe('evaluateFile with the production model', () => {
  it('scores every system, prints figures that match the JSON, and lists skipped lines', async () => {
    const { text, json } = await evaluateFile({ data: fixture('bad.jsonl') });
    expect(json.rows).toBe(3);
    expect(json.skipped).toBe(6);
    expect(text).toContain('rows: 3 evaluated, 6 skipped');
    expect(text).toContain('skipped line 2: not valid JSON');
    expect(text).toContain('... and 1 more');
    expect(json.systems.map((s) => s.name)).toEqual([`cxpulse ${json.modelVersion}`, 'sentiment (AFINN)', 'vader-sentiment']);
    expect(json.langSource).toBe('lang detected');
    for (const s of json.systems) {
      expect(s.report.confusion.flat().reduce((a, b) => a + b, 0)).toBe(3);
      expect(text).toContain(`== ${s.name} ==\nrule: ${s.rule}\nn 3   accuracy ${s.report.accuracy.toFixed(3)}   macro-F1 ${s.report.macroF1.toFixed(3)}`);
    }
    expect(text).toContain('== side by side ==');
  });

  it('evaluates a 0/1 file as binary and says how', async () => {
    const { text, json } = await evaluateFile({ data: fixture('binary.csv'), baselines: false });
    expect(json.binary).toBe(true);
    expect(json.systems).toHaveLength(1);
    expect(json.systems[0]!.asIs).toBeDefined();
    expect(text).toContain('binary file (truth has only negative/positive)');
    expect(text).toContain('as-is F1');
  });

  it('reports per-language figures from the file', async () => {
    const { json } = await evaluateFile({ data: fixture('quoted.csv') });
    expect(json.langSource).toBe('lang from the file');
    expect(json.systems[0]!.perLanguage.map((l) => [l.lang, l.n])).toEqual([['en', 4], ['sv', 1]]);
  });

  it('fails clearly on a file with no usable line', async () => {
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '{"text":"x"}\n');
    await expect(evaluateFile({ data: empty })).rejects.toThrow(/no usable labelled lines .*line 1: missing label/);
  });
});

describe('runEval', () => {
  it('prints to stdout and writes --json', async () => {
    const out = join(dir, 'eval.json');
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => { chunks.push(String(c)); return true; });
    try {
      await runEval({ data: fixture('small.jsonl'), json: out });
    } finally {
      spy.mockRestore();
    }
    const json = JSON.parse(readFileSync(out, 'utf8')) as { rows: number; systems: { report: { n: number } }[]; langSource: string };
    expect(json.rows).toBe(6);
    expect(json.systems).toHaveLength(3);
    expect(json.langSource).toBe('lang from the file, detected where missing');
    expect(chunks.join('')).toContain('n 6   accuracy');
  });
});
