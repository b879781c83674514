import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bandOf, CHURN_BANDS, DEFAULT_CHURN_MODEL_DIR, loadChurnScorer, type ChurnFeatures, type StreamFeatures } from '../../engine/churn/index.ts';
import { useCommittedChurnScorer } from '../helpers/model.ts';

// Hand-made customers (not from any data set).
const profile: ChurnFeatures = { tenureMonths: 24, contract: 'one-year', monthlyCharges: 70 };
const troubled: StreamFeatures = { contacts7d: 2, contacts30d: 4, contacts90d: 4, negativeShare: 0.6, negativeTrend: 0.5, escalations90d: 1, latePayments90d: 2, usageDrops90d: 0, orderTrend: -1 };
const calm: StreamFeatures = { contacts7d: 1, contacts30d: 1, contacts90d: 1, negativeShare: 0.05, negativeTrend: 0, escalations90d: 0, latePayments90d: 0, usageDrops90d: 0, orderTrend: 0 };

const scorer = useCommittedChurnScorer();
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('shipped churn scorer (Telco part + stream part, models/churn)', () => {
  it('names both parts in its version', () => {
    expect(scorer().version).toMatch(/^churn-telco-v1-[0-9a-f]{8}\+stream-[0-9a-f]{8}$/);
  });

  it('rates a troubled stream above a calm one for the same profile, with the stream reasons in plain words', async () => {
    const [bad, good] = await scorer().score([{ profile, stream: troubled }, { profile, stream: calm }], 8);
    expect(bad!.probability).toBeGreaterThan(good!.probability + 0.2);
    const texts = bad!.factors.map((f) => f.text);
    expect(texts).toContain('4 support contacts in the last 30 days');
    expect(texts.some((t) => t.startsWith('negative share rising'))).toBe(true);
    expect(texts).toContain('2 late payments in the last 90 days');
    for (const f of bad!.factors) expect(f.text).not.toMatch(/[a-z][A-Z]|_/);
    const mags = bad!.factors.map((f) => Math.abs(f.contribution));
    expect(mags).toEqual([...mags].sort((a, b) => b - a));
  });

  it('shows the three contact windows as one factor', async () => {
    const [r] = await scorer().score([{ profile: {}, stream: { contacts7d: 3, contacts30d: 6, contacts90d: 8 } }], 10);
    expect(r!.factors.filter((f) => /support contact/.test(f.text))).toHaveLength(1);
    expect(r!.factors[0]!.feature).toBe('contacts');
    expect(r!.factors[0]!.contribution).toBeGreaterThan(0);
  });

  it('leaves the Telco part alone when nothing of the stream is known', async () => {
    const [r] = await scorer().score([{ profile, stream: {} }]);
    const [t] = await scorer().telco.predict([profile]);
    expect(r!.probability).toBeCloseTo(t!.probability, 6);
  });

  it('ignores invalid stream values instead of failing', async () => {
    const [r] = await scorer().score([{ profile: {}, stream: { contacts30d: Number.NaN, negativeShare: Number.POSITIVE_INFINITY } }]);
    expect(Number.isFinite(r!.probability)).toBe(true);
    expect(r!.factors).toEqual([]);
  });

  it('bands by the documented thresholds', () => {
    expect(bandOf(CHURN_BANDS.medium - 0.001)).toBe('low');
    expect(bandOf(CHURN_BANDS.medium)).toBe('medium');
    expect(bandOf(CHURN_BANDS.high)).toBe('high');
  });
});

describe('stream model file errors', () => {
  const copy = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'cxpulse-churn-stream-'));
    dirs.push(d);
    cpSync(DEFAULT_CHURN_MODEL_DIR, d, { recursive: true });
    return d;
  };

  it('says which file is missing and how to get it', async () => {
    const d = copy();
    rmSync(join(d, 'stream.json'));
    await expect(loadChurnScorer(d)).rejects.toThrow(/stream\.json does not exist.*train --churn/);
  });

  it('names the file and the bad feature', async () => {
    const d = copy();
    writeFileSync(join(d, 'stream.json'), JSON.stringify({ format: 'cxpulse-churn-stream', formatVersion: 1, version: 'x', bias: 0, features: [{ name: 'shoeSize', mean: 0, std: 1, weight: 1 }] }));
    await expect(loadChurnScorer(d)).rejects.toThrow(/invalid churn stream model .*stream\.json: features\[0\] has an unknown name "shoeSize"/);
  });
});
