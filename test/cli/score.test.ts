import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/cxpulse.js', import.meta.url));

function score(input: string) {
  const r = spawnSync(process.execPath, [BIN, 'score'], { input, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, lines: r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>), stderr: r.stderr };
}

describe('cxpulse score', () => {
  it('writes one JSONL result per input line, in order, with the sentiment contract', () => {
    const texts = [
      'Thank you so much, this was fantastic help!',
      'This is the worst service I have ever had. I am furious.',
      'Tack så mycket, ni är fantastiska!',
      'Das ist eine Katastrophe, ich bin sehr enttäuscht.',
    ];
    const { status, lines } = score(texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
    expect(status).toBe(0);
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      expect(Object.keys(l.sentiment).sort()).toEqual(['confidence', 'label', 'score']);
      expect(l.sentiment.score).toBeGreaterThanOrEqual(-1);
      expect(l.sentiment.score).toBeLessThanOrEqual(1);
      expect(l.modelVersion).toMatch(/^sentiment/);
    }
    expect(lines.map((l) => l.sentiment.label)).toEqual(['positive', 'negative', 'positive', 'negative']);
    expect(lines.map((l) => l.lang)).toEqual(['en', 'en', 'sv', 'de']);
  });

  it('prints every head of the committed model in each line', () => {
    const { status, lines } = score('{"text":"Thanks, it works in principle, but the answers are sometimes slow","lang":"en"}\n{"text":"Ich möchte meinen Vertrag kündigen.","lang":"de"}\n');
    expect(status).toBe(0);
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(['emotion', 'formality', 'lang', 'langConfidence', 'modelVersion', 'sentiment', 'signals', 'topic', 'urgency']);
      expect(Object.keys(l.emotion).sort()).toEqual(['intensity', 'intensityScore', 'labels', 'probs']);
      expect(Object.keys(l.topic).sort()).toEqual(['confidence', 'label']);
      expect(l.modelVersion).toMatch(/^sentiment-v1-[0-9a-f]{8}\+[0-9a-f]{8}$/);
    }
    expect(lines[0]!.signals.politeNegative).toBe(true);
    expect(lines[0]!.signals.evidence).toContain('the answers are sometimes slow');
    expect(lines[1]!.topic.label).toBe('cancellation');
  });

  it('answers a bad line with an error line in its place and goes on', () => {
    const { status, lines } = score('{"text":"Great, thanks!"}\nnot json\n{"txt":"x"}\n{"text":"Awful."}\n');
    expect(status).toBe(0);
    expect(lines).toHaveLength(4);
    expect(lines[0]!.sentiment).toBeDefined();
    expect(lines[1]!.error.message).toMatch(/line 2: not valid JSON/);
    expect(lines[2]!.error.message).toMatch(/line 3: field 'text'/);
    expect(lines[3]!.sentiment).toBeDefined();
  });
});
