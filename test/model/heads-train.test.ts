import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMOTION_LABELS, FORMALITY_LABELS, TOPIC_LABELS, URGENCY_LABELS } from '../../engine/event/types.ts';
import { defaultFeaturizerSpec, featurizeWith, initBackend, loadTextScorer } from '../../engine/model/index.ts';
import { EmbeddingBagTrainer, type TrainItem } from '../../training/sentiment/trainer.ts';
import { exportModel } from '../../training/sentiment/export.ts';
import { exportHead } from '../../training/heads/export.ts';
import { readMapping, readSeed } from '../../training/heads/data.ts';
import { chooseThresholds, formalityRule, urgencyRule } from '../../training/heads/index.ts';

const dirs: string[] = [];
beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A tiny 2-label multi-label task: "red" -> label 0, "blue" -> label 1, both words -> both. */
const SPEC = defaultFeaturizerSpec(4096, 64);
const toy = (text: string, t: [number, number]): TrainItem => ({ features: featurizeWith(SPEC, text), label: 0, weight: 1, targets: Float32Array.from(t) });
const TOY = [
  ...Array.from({ length: 20 }, (_, i) => toy(`red apple ${i}`, [1, 0])),
  ...Array.from({ length: 20 }, (_, i) => toy(`blue sky ${i}`, [0, 1])),
  ...Array.from({ length: 20 }, (_, i) => toy(`red and blue ${i}`, [1, 1])),
  ...Array.from({ length: 20 }, (_, i) => toy(`grey stone ${i}`, [0, 0])),
];

describe('EmbeddingBagTrainer, multi-label', () => {
  it('learns independent sigmoid outputs with binary cross-entropy', () => {
    const t = new EmbeddingBagTrainer({ buckets: 4096, dim: 8, hidden: 0, numClasses: 2, batchSize: 16, lr: 0.05, embLr: 0.05, featureDropout: 0, weightDecay: 0, decaySteps: 0, seed: 1, multiLabel: true });
    const first = t.trainBatch(TOY.slice(0, 16));
    let last = first;
    for (let e = 0; e < 30; e++) for (let b = 0; b < TOY.length; b += 16) last = t.trainBatch(TOY.slice(b, b + 16));
    expect(last).toBeLessThan(first / 4);
    const p = t.predict(['red apple', 'blue sky', 'red and blue', 'grey stone'].map((s) => featurizeWith(SPEC, s)));
    const on = (i: number, j: number) => p[i * 2 + j]! > 0.5;
    expect([on(0, 0), on(0, 1), on(1, 0), on(1, 1), on(2, 0), on(2, 1), on(3, 0), on(3, 1)]).toEqual([true, false, false, true, true, true, false, false]);
    // Sigmoid, not softmax: the two outputs of one text need not sum to 1.
    expect(p[4]! + p[5]!).toBeGreaterThan(1.5);
    t.dispose();
  });

  it('refuses a multi-label item without targets', () => {
    const t = new EmbeddingBagTrainer({ buckets: 64, dim: 4, hidden: 0, numClasses: 2, batchSize: 4, lr: 0.01, embLr: 0.01, featureDropout: 0, weightDecay: 0, decaySteps: 0, seed: 1, multiLabel: true });
    expect(() => t.trainBatch([{ features: Int32Array.from([1, 2]), label: 0, weight: 1 }])).toThrow(/needs targets of length 2/);
    t.dispose();
  });

  it('leaves a NaN (unknown) target out of the loss: that label\'s output weights stay put, the other label learns', () => {
    const cfg = { buckets: 4096, dim: 8, hidden: 0, numClasses: 2, batchSize: 16, lr: 0.05, embLr: 0.05, featureDropout: 0, weightDecay: 0, decaySteps: 0, seed: 1, multiLabel: true } as const;
    const t = new EmbeddingBagTrainer(cfg);
    const partial = TOY.map((it) => ({ ...it, targets: Float32Array.from([it.targets![0]!, NaN]) }));
    const [, w0, b0] = t.snapshot();
    for (let e = 0; e < 10; e++) for (let b = 0; b < partial.length; b += 16) expect(Number.isFinite(t.trainBatch(partial.slice(b, b + 16)))).toBe(true);
    const [, w1, b1] = t.snapshot();
    const column = (w: Float32Array, j: number) => Array.from({ length: cfg.dim }, (_, r) => w[r * 2 + j]!);
    expect(column(w1!.values, 1)).toEqual(column(w0!.values, 1));
    expect(b1!.values[1]).toBe(b0!.values[1]);
    expect(column(w1!.values, 0)).not.toEqual(column(w0!.values, 0));
    const p = t.predict(['red apple', 'grey stone'].map((s) => featurizeWith(SPEC, s)));
    expect(p[0]!).toBeGreaterThan(0.5);
    expect(p[2]!).toBeLessThan(0.5);
    t.dispose();
  });

  it('chooseThresholds skips unknown (NaN) targets: the same cuts as without those texts', () => {
    const probs = Float32Array.from([0.9, 0.1, 0.7, 0.35, 0.5, 0.4, 0.2, 0.05, 0.95, 0.99]);
    const targets = [[1, 0], [1, 1], [0, 1], [0, 0], [NaN, NaN]].map((t) => Float32Array.from(t));
    expect(chooseThresholds(probs, targets, 2)).toEqual(chooseThresholds(probs.slice(0, 8), targets.slice(0, 4), 2));
  });

  it('chooseThresholds picks, per label, the cut with the best F1', () => {
    // label 0 separates at 0.6, label 1 at 0.3
    const probs = Float32Array.from([0.9, 0.1, 0.7, 0.35, 0.5, 0.4, 0.2, 0.05]);
    const targets = [[1, 0], [1, 1], [0, 1], [0, 0]].map((t) => Float32Array.from(t));
    const [t0, t1] = chooseThresholds(probs, targets, 2);
    expect(t0).toBeGreaterThan(0.5);
    expect(t0).toBeLessThanOrEqual(0.7);
    expect(t1).toBeGreaterThan(0.1);
    expect(t1).toBeLessThanOrEqual(0.35);
  });
});

describe('exported heads load beside the main model they were trained against', () => {
  it('a tiny main model + emotion head round-trips through loadTextScorer with thresholds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-tiny-'));
    dirs.push(dir);
    const zeros = (n: number) => new Float32Array(n);
    const bias = Float32Array.from([-1, 0, 2]);
    await exportModel({ outDir: dir, name: 'sentiment-tiny', featurizer: SPEC, architecture: { type: 'embedding-bag', pooling: 'mean', dim: 4, hidden: 0 }, training: {},
      weights: [{ name: 'embedding', shape: [4096, 4], values: zeros(4096 * 4) }, { name: 'output/kernel', shape: [4, 3], values: zeros(12) }, { name: 'output/bias', shape: [3], values: bias }] });
    const k = EMOTION_LABELS.length;
    const ebias = new Float32Array(k).fill(-5);
    ebias[EMOTION_LABELS.indexOf('gratitude')] = 3;
    const m = await exportHead({ outDir: join(dir, 'heads', 'emotion'), head: 'emotion', labels: EMOTION_LABELS, featurizer: SPEC, dim: 2, thresholds: new Array(k).fill(0.5), training: {},
      weights: [{ name: 'embedding', shape: [4096, 2], values: zeros(4096 * 2) }, { name: 'output/kernel', shape: [2, k], values: zeros(2 * k) }, { name: 'output/bias', shape: [k], values: ebias }] });
    expect(m).toMatchObject({ task: 'emotion', multiLabel: true, labels: [...EMOTION_LABELS] });
    expect(JSON.parse(readFileSync(join(dir, 'heads', 'emotion', 'manifest.json'), 'utf8')).featurizer).toEqual(SPEC);
    const s = await loadTextScorer(dir);
    const [out] = await s.predictAll([s.featurize('anything')]);
    expect(out!.sentiment.label).toBe('positive');
    expect(out!.emotion!.labels).toEqual(['gratitude']);
    expect(out!.emotion!.intensity).toBe('strong'); // sigmoid(3) = 0.95
    expect(out!.urgency).toBeUndefined();
    expect(s.heads).toEqual(['emotion']);
    s.dispose();
  });
});

describe('weak-supervision rules', () => {
  it('urgency: critical on fraud/theft, high on escalation, low on thanks, normal on a plain question, else abstain', () => {
    expect(urgencyRule('Someone used my card, this is fraud')).toBe('critical');
    expect(urgencyRule('Meine Karte wurde gestohlen')).toBe('critical');
    expect(urgencyRule('I still have not received my refund')).toBe('high');
    expect(urgencyRule('Det här är tredje gången jag skriver')).toBe('high');
    expect(urgencyRule('Thanks, all good now')).toBe('low');
    expect(urgencyRule('How do I change my address?')).toBe('normal');
    expect(urgencyRule('The weather is nice')).toBeUndefined();
  });

  it('urgency: the implicit complaints the engine serves label high too, in the text\'s language', () => {
    expect(urgencyRule('I have been on hold for 40 minutes', 'en')).toBe('high');
    expect(urgencyRule('Venter fortsatt på pengene', 'nb')).toBe('high');
    expect(urgencyRule('Vi har fått ingen svar på vår mail', 'sv')).toBe('high');
    // Not when the phrase is a polite "no answer needed", and not German phrases in a Danish text.
    expect(urgencyRule('Behøver intet svar', 'da')).toBeUndefined();
    expect(urgencyRule('Ich warte immer noch', 'da')).toBeUndefined();
  });

  it('formality: sign-offs and "Sie" formal, slang/emoji/"du" informal, both or neither abstain', () => {
    expect(formalityRule('Dear team, please advise. Kind regards, Eva')).toBe('formal');
    expect(formalityRule('Können Sie mir helfen?', 'de')).toBe('formal');
    expect(formalityRule('Kannst du mir helfen?', 'de')).toBe('informal');
    expect(formalityRule('lol this app is broken 😩')).toBe('informal');
    expect(formalityRule('The parcel arrived.')).toBeUndefined();
    expect(formalityRule('Dear team, lol')).toBeUndefined();
  });
});

describe('committed label mappings and seed files', () => {
  it('every mapping target is one of our labels and Banking77 intents map once', () => {
    const topics = readMapping('banking77-topics.json', TOPIC_LABELS);
    expect(topics.size).toBe(77);
    expect(new Set(topics.values()).size).toBeLessThanOrEqual(TOPIC_LABELS.length);
    const emotions = readMapping('goemotions-emotions.json', EMOTION_LABELS);
    expect([...new Set(emotions.values())].sort()).toEqual(EMOTION_LABELS.map((_, i) => i));
  });

  it('seed files have a held-out part with every label in all five languages', () => {
    for (const [name, labels] of [['topic', TOPIC_LABELS], ['urgency', URGENCY_LABELS], ['formality', FORMALITY_LABELS]] as const) {
      const lines = readSeed(name, labels);
      for (const lang of ['en', 'sv', 'nb', 'da', 'de']) {
        const test = new Set(lines.filter((l) => l.lang === lang && l.split === 'test').map((l) => l.label));
        expect([name, lang, [...test].sort()]).toEqual([name, lang, [...labels].sort()]);
      }
      const texts = lines.map((l) => l.text.trim().toLowerCase());
      expect(new Set(texts).size).toBe(texts.length); // no line both trained on and held out
    }
  });
});
