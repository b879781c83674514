import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOwnSet, trainSentiment } from '../../training/sentiment/index.ts';
import { loadTextScorer } from '../../engine/model/index.ts';

// A company retrains on its own tickets alone (`cxpulse train --sets none --own tickets.jsonl`):
// no public data is read, the file is split like the public sets, and the model folder loads.
const NEG = ['the invoice is wrong again', 'your app keeps crashing', 'still no refund after three weeks', 'the router is broken', 'nobody answers my emails', 'the delivery is late again'];
const POS = ['thanks, the refund arrived', 'great support, solved in minutes', 'the new app works perfectly', 'lovely service, thank you', 'the delivery came early, brilliant', 'happy with the quick answer'];
const NEU = ['what is my customer number', 'please send the invoice as pdf', 'i moved to a new address', 'when does the shop open', 'can i change my plan next month', 'where do i find the manual'];

function tickets(): string {
  const lines: string[] = [];
  for (let round = 0; round < 6; round++) {
    for (const t of NEG) lines.push(JSON.stringify({ text: `${t} (${round})`, label: 'negative', lang: 'en' }));
    for (const t of POS) lines.push(JSON.stringify({ text: `${t} (${round})`, label: 'positive', lang: 'en' }));
    for (const t of NEU) lines.push(JSON.stringify({ text: `${t} (${round})`, label: 'neutral', lang: 'en' }));
  }
  lines.push('{"text": "no label here"}', 'not json at all');
  return `${lines.join('\n')}\n`;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cxpulse-own-'));
  await writeFile(join(dir, 'tickets.jsonl'), tickets());
  await writeFile(join(dir, 'empty.jsonl'), '{"text": "x"}\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('training on your own tickets', () => {
  it('splits the file like the public sets and skips bad lines with a message', () => {
    const logged: string[] = [];
    const set = loadOwnSet(join(dir, 'tickets.jsonl'), 42, (l) => logged.push(l));
    expect(set.name).toBe('own:tickets.jsonl');
    expect(set.lang).toBe('en');
    expect(set.train.length + set.valid.length + set.test.length).toBe(108);
    expect(set.test.length).toBeGreaterThan(0);
    expect(set.train.length).toBeGreaterThan(set.test.length);
    expect(logged.join('\n')).toMatch(/2 line\(s\) skipped, e\.g\. line \d+: /);
  });

  it('refuses a file with no usable line, naming it', () => {
    expect(() => loadOwnSet(join(dir, 'empty.jsonl'), 42)).toThrow(/empty\.jsonl: no usable labelled line \(1 skipped; line 1: missing label\)/);
  });

  it('trains a loadable model on the file alone, with the file in the card', async () => {
    const out = join(dir, 'model');
    const report = await trainSentiment({ dataDir: join(dir, 'no-public-data-here'), outDir: out, sets: [], ownFiles: [join(dir, 'tickets.jsonl')], seed: 7, epochs: 8 });
    expect(report.sets.map((s) => s.name)).toEqual(['own:tickets.jsonl']);
    expect(report.outOfDomain).toEqual([]);
    const card = await readFile(join(out, 'MODEL_CARD.md'), 'utf8');
    expect(card).toContain('own:tickets.jsonl');
    expect(card).toContain('your own data');
    const scorer = await loadTextScorer(out);
    try {
      const [neg, pos] = await scorer.score(['the invoice is wrong again', 'great support, solved in minutes']);
      expect(neg?.label).toBe('negative');
      expect(pos?.label).toBe('positive');
    } finally {
      scorer.dispose();
    }
  }, 120_000);

  it('tests a set it is told not to train on (the ablation runs), with the others trained as usual', async () => {
    await writeFile(join(dir, 'other.jsonl'), tickets());
    const report = await trainSentiment({
      dataDir: join(dir, 'no-public-data-here'), outDir: join(dir, 'model-ablation'), sets: [], seed: 7, epochs: 2, biasTable: false,
      ownFiles: [join(dir, 'tickets.jsonl'), join(dir, 'other.jsonl')], testOnly: ['own:other.jsonl'],
    });
    expect(report.sets.map((s) => s.name)).toEqual(['own:tickets.jsonl']);
    expect(report.outOfDomain.map((s) => s.name)).toEqual(['own:other.jsonl']);
    expect(report.outOfDomain[0]!.heldOut).toMatch(/not trained on in this run/);
    expect(report.outOfDomain[0]!.n).toBe(loadOwnSet(join(dir, 'other.jsonl'), 7).test.length);
    expect(report.trainExamples).toBe(loadOwnSet(join(dir, 'tickets.jsonl'), 7).train.length);
    expect(report.negativeBias).toBeUndefined();
  }, 120_000);

  it('refit=1 ships a model trained again on training + validation, with the calibration fitted before', async () => {
    const out = join(dir, 'model-refit');
    const set = loadOwnSet(join(dir, 'tickets.jsonl'), 7);
    const report = await trainSentiment({ dataDir: join(dir, 'no-public-data-here'), outDir: out, sets: [], ownFiles: [join(dir, 'tickets.jsonl')], seed: 7, epochs: 3, biasTable: false, hyper: { refit: 1 } });
    expect(report.trainExamples).toBe(set.train.length);
    expect(report.refit).toEqual({ trainExamples: set.train.length + set.valid.length, epochs: report.bestEpoch });
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { version: string; training: { refit?: unknown }; classScales?: Record<string, number> };
    expect(manifest.training.refit).toEqual(report.refit);
    expect(manifest.version).toBe(report.modelVersion);
    // The scales in the manifest are the ones fitted on validation with the first model (reported in metrics.json).
    expect(manifest.classScales ?? {}).toEqual(report.classScales!.applied ? report.classScales!.fitted : {});
    expect(await readFile(join(out, 'MODEL_CARD.md'), 'utf8')).toContain('trained once more from the start');
  }, 120_000);
});

