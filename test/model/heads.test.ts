import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, of } from 'rxjs';
import { EMOTION_LABELS, FORMALITY_LABELS, TOPIC_LABELS, URGENCY_LABELS } from '../../engine/event/types.ts';
import { DEFAULT_MODEL_DIR, HEAD_NAMES, initBackend, loadTextScorer, readModelVersion, sha256, type TextScorer } from '../../engine/model/index.ts';
import { ModelRegistry } from '../../engine/model/registry.ts';
import { score } from '../../engine/pipeline/score.ts';
import type { Featurized } from '../../engine/pipeline/types.ts';

type Manifest = Record<string, unknown> & { version: string; weightsSha256: string; labels: string[]; featurizer: Record<string, unknown> };
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
const main = readManifest(DEFAULT_MODEL_DIR);
const dirs: string[] = [];

function copyModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cxpulse-heads-'));
  dirs.push(dir);
  cpSync(DEFAULT_MODEL_DIR, dir, { recursive: true });
  return dir;
}

let scorer: TextScorer;
beforeAll(async () => {
  await initBackend('wasm');
  scorer = await loadTextScorer();
}, 60_000);
afterAll(() => {
  scorer?.dispose();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('committed heads', () => {
  it('load beside the main model with its exact featurizer', () => {
    expect(scorer.heads).toEqual([...HEAD_NAMES]);
    for (const h of HEAD_NAMES) expect(readManifest(join(DEFAULT_MODEL_DIR, 'heads', h)).featurizer).toEqual(main.featurizer);
  });

  it('version = main version + 8 hex of sha256 over the heads\' weightsSha256 in name order', () => {
    const shas = ['emotion', 'formality', 'topic', 'urgency'].map((h) => readManifest(join(DEFAULT_MODEL_DIR, 'heads', h)).weightsSha256).join('');
    expect(scorer.version).toBe(`${main.version}+${createHash('sha256').update(shas).digest('hex').slice(0, 8)}`);
  });

  it('predictAll returns every head in the event contract, and the same sentiment as predict', async () => {
    const texts = ['Where is my parcel? It is two weeks late!', 'Tack, allt fungerar nu.', '', '👍'];
    const feats = texts.map((t) => scorer.featurize(t));
    const [all, plain] = [await scorer.predictAll(feats, texts), await scorer.predict(feats)];
    expect(all.map((s) => s.sentiment)).toEqual(plain);
    for (const s of all) {
      expect(s.emotion!.labels.length).toBeGreaterThan(0);
      expect(Object.keys(s.emotion!.probs).sort()).toEqual([...EMOTION_LABELS].sort());
      expect(['mild', 'moderate', 'strong']).toContain(s.emotion!.intensity);
      expect(URGENCY_LABELS).toContain(s.urgency!.label);
      expect(TOPIC_LABELS).toContain(s.topic!.label);
      expect(FORMALITY_LABELS).toContain(s.formality!.label);
      expect(typeof s.signals!.politeNegative).toBe('boolean');
    }
    expect(await scorer.predictAll([])).toEqual([]);
    await expect(scorer.predictAll(feats, ['only one text'])).rejects.toThrow(/1 texts for 4 feature arrays/);
  });

  // Each head's quality is gated on held-out lines (heads-gate.test.ts); here only what holds for any sane head.
  it('the emotion head tells thanks from anger: gratitude above on thanks, anger and frustration above on complaints', async () => {
    const thanks = ['Thank you so much for sorting this out, really kind of you.', 'Many thanks to the engineer, he was brilliant.'];
    const angry = ['This is outrageous, I am furious with how you treated me.', 'I am fed up, you keep making the same mistake.'];
    const out = await scorer.predictAll([...thanks, ...angry].map((t) => scorer.featurize(t, 'en')));
    const p = (i: number, l: (typeof EMOTION_LABELS)[number]) => out[i]!.emotion!.probs[l];
    for (const i of [0, 1]) for (const j of [2, 3]) {
      expect(p(i, 'gratitude')).toBeGreaterThan(p(j, 'gratitude'));
      expect(p(j, 'anger') + p(j, 'frustration')).toBeGreaterThan(p(i, 'anger') + p(i, 'frustration'));
    }
  });
});

describe('loading heads', () => {
  it('refuses a head whose featurizer differs from the main model, naming both files', async () => {
    const dir = copyModel();
    const head = join(dir, 'heads', 'topic', 'manifest.json');
    const m = readManifest(join(dir, 'heads', 'topic'));
    writeFileSync(head, JSON.stringify({ ...m, featurizer: { ...m.featurizer, maxFeatures: 512 } }));
    const err = (await loadTextScorer(dir).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain(`cannot load model head ${head}: its featurizer`);
    expect(err.message).toContain(`differs from the main model's ${join(dir, 'manifest.json')}`);
    expect(err.message).toContain('"maxFeatures":512');
  });

  it('refuses a head with the wrong labels like a broken main model', async () => {
    const dir = copyModel();
    const m = readManifest(join(dir, 'heads', 'urgency'));
    writeFileSync(join(dir, 'heads', 'urgency', 'manifest.json'), JSON.stringify({ ...m, labels: ['low', 'high'] }));
    await expect(loadTextScorer(dir)).rejects.toThrow(/invalid model manifest .*heads\/urgency\/manifest\.json: labels must be/);
  });

  it('the version changes when a head\'s weights change, and is the main version without heads', async () => {
    const dir = copyModel();
    const before = readModelVersion(dir);
    expect(before).toBe(scorer.version);
    const hd = join(dir, 'heads', 'formality');
    const w = new Uint8Array(readFileSync(join(hd, 'weights.bin')));
    w[w.length - 1] = w[w.length - 1]! ^ 0x01;
    writeFileSync(join(hd, 'weights.bin'), w);
    writeFileSync(join(hd, 'manifest.json'), JSON.stringify({ ...readManifest(hd), weightsSha256: sha256(w) }));
    const changed = await loadTextScorer(dir);
    expect(changed.version).not.toBe(before);
    expect(changed.version.startsWith(`${main.version}+`)).toBe(true);
    expect(changed.version).toBe(readModelVersion(dir));
    changed.dispose();
    rmSync(join(dir, 'heads'), { recursive: true });
    const bare = await loadTextScorer(dir);
    expect([bare.version, bare.heads]).toEqual([main.version, []]);
    const [s] = await bare.predictAll([bare.featurize('Thanks!')], ['Thanks!']);
    expect(Object.keys(s!).sort()).toEqual(['sentiment', 'signals']);
    bare.dispose();
  });

  it('heads: false loads the sentiment-only model', async () => {
    const s = await loadTextScorer(DEFAULT_MODEL_DIR, { heads: false });
    expect([s.version, s.heads]).toEqual([main.version, []]);
    s.dispose();
  });
});

describe('predictAll through the registry and the score step', () => {
  it('the registry serves predictAll, and scored items carry every head', async () => {
    const r = await ModelRegistry.open(DEFAULT_MODEL_DIR);
    const text = 'Thanks, it works in principle, but the answers are sometimes slow';
    const [direct] = await r.predictAll([r.featurize(text, 'en')], [text], ['en']);
    expect(direct!.signals!.politeNegative).toBe(true);
    const item = { text, language: { lang: 'en', confidence: 1 }, features: r.featurize(text, 'en'), featuresVersion: r.version } as unknown as Featurized;
    const { scored: [out] } = await firstValueFrom(of([item]).pipe(score(r)));
    expect(out!.modelVersion).toBe(r.version);
    expect({ sentiment: out!.sentiment, emotion: out!.emotion, urgency: out!.urgency, topic: out!.topic, formality: out!.formality, signals: out!.signals }).toEqual(direct);
    r.close();
  });
});
