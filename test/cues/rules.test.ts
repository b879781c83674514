import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CUE_LANGS, CueRulesError, cueLang, loadCueRules, parseCueRules, renderTemplate } from '../../engine/cues/index.ts';

const defaults = () => JSON.parse(JSON.stringify(loadCueRules())) as Record<string, any>;
const fails = (mutate: (d: Record<string, any>) => void): string => {
  const d = defaults();
  mutate(d);
  try {
    parseCueRules(d);
  } catch (e) {
    expect(e).toBeInstanceOf(CueRulesError);
    return (e as Error).message;
  }
  throw new Error('expected the rules to be refused');
};

describe('cue rules file', () => {
  it('loads the shipped defaults with every rule enabled and a template per language', () => {
    const cfg = loadCueRules();
    for (const r of Object.values(cfg.rules)) {
      expect(r.enabled).toBe(true);
      for (const lang of CUE_LANGS) expect(r.templates[lang].length).toBeGreaterThan(10);
    }
    expect(cfg.alerts).toMatchObject({ windowMinutes: 5, baselineMinutes: 60, minZ: 3 });
  });

  it('names the rule and field at fault', () => {
    expect(fails((d) => delete d.rules.negative_spike.maxScore)).toMatch(/rules\.negative_spike\.maxScore: expected a number/);
    expect(fails((d) => (d.rules.frustration_rising.priority = 'urgent'))).toMatch(/rules\.frustration_rising\.priority: expected one of low, medium, high, critical/);
    expect(fails((d) => delete d.rules.escalation_advised.templates.nb)).toMatch(/rules\.escalation_advised\.templates\.nb: missing or empty/);
    expect(fails((d) => (d.rules.negative_spike.templates.de = 'Wert {sccore}'))).toMatch(/templates\.de: unknown placeholder \{sccore\}/);
    expect(fails((d) => (d.rules.polite_irritaton = d.rules.negative_spike))).toMatch(/rules\.polite_irritaton: unknown rule/);
    expect(fails((d) => (d.rules.negative_spike.enabled = 'yes'))).toMatch(/rules\.negative_spike\.enabled/);
    expect(fails((d) => (d.alerts.minZ = 'three'))).toMatch(/alerts\.minZ: expected a number/);
    expect(fails((d) => (d.rules.frustration_rising.minTurns = 1))).toMatch(/minTurns: must be >= 2/);
    expect(fails((d) => (d.rules.long_message_jargon.maxWordsPerSentence = 0))).toMatch(/rules\.long_message_jargon\.maxWordsPerSentence: must be > 0/);
  });

  it('reports the file for unreadable or invalid JSON (the CXPULSE_CUES_FILE override)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cues-'));
    const bad = join(dir, 'cues.json');
    writeFileSync(bad, '{"rules": ');
    expect(() => loadCueRules(bad)).toThrow(/cues\.json: not valid JSON/);
    expect(() => loadCueRules(join(dir, 'absent.json'))).toThrow(/absent\.json: cannot read/);
    const d = defaults();
    d.rules.negative_spike.maxScore = -0.5;
    writeFileSync(bad, JSON.stringify(d));
    expect(loadCueRules(bad).rules.negative_spike.maxScore).toBe(-0.5);
  });
});

describe('templates', () => {
  it('fills placeholders, numbers with two decimals, integers as they are', () => {
    expect(renderTemplate('score {score}, {turns} turns, {other}', { score: -0.8123, turns: 3 })).toBe('score -0.81, 3 turns, {other}');
  });

  it('renders each rule in each of the five languages', () => {
    const cfg = loadCueRules();
    const vars = { score: -0.9, confidence: 0.95, turns: 4, trend: -0.3, count: 3, mean: -0.7, words: 31, longShare: 24, evidence: 'x', urgency: 'high', probability: 0.8, percent: 80, reasons: 'r', topic: 'billing', phrase: 'still waiting' };
    const spike = Object.fromEntries(CUE_LANGS.map((l) => [l, renderTemplate(cfg.rules.negative_spike.templates[l], vars)]));
    expect(spike.en).toContain('Strongly negative message (score -0.90)');
    expect(spike.sv).toContain('Mycket negativt meddelande (poäng -0.90)');
    expect(spike.nb).toContain('Svært negativ melding (poeng -0.90)');
    expect(spike.da).toContain('Meget negativ besked (score -0.90)');
    expect(spike.de).toContain('Stark negative Nachricht (Wert -0.90)');
    for (const r of Object.values(cfg.rules)) for (const l of CUE_LANGS) expect(renderTemplate(r.templates[l], vars)).not.toMatch(/[{}]/);
  });

  it('falls back to English for an undetected or unsupported language', () => {
    expect(cueLang('sv')).toBe('sv');
    expect(cueLang('und')).toBe('en');
    expect(cueLang('fr')).toBe('en');
    expect(cueLang(undefined)).toBe('en');
  });
});
