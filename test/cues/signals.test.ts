import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChurnRisk, ScoredEvent } from '../../engine/event/index.ts';
import { CUE_LANGS, DEFAULT_CUES_FILE, createCueEngine, loadCueRules, loadReplyTemplates, parseCueRules, parseReplyTemplates, type Cue } from '../../engine/cues/index.ts';
import { only, T0, turn } from './fixtures.ts';

const churn = (probability: number, band: ChurnRisk['band'], texts: string[] = ['two late payments', 'usage fell by half', 'asked about cancelling', 'plan downgraded']): ChurnRisk => ({
  probability,
  band,
  factors: texts.map((text, i) => ({ feature: `f${i}`, text, contribution: 0.3 - i * 0.05 })),
  modelVersion: 'churn-test',
});
const at = (min: number) => T0 + min * 60_000;
const kinds = (cues: Cue[]) => cues.map((c) => c.kind);

describe('polite_irritation', () => {
  const engine = () => createCueEngine(only('polite_irritation'), { agentLang: 'de' });
  it('fires on the politeNegative signal, quoting the model’s evidence in both languages', () => {
    const [cue] = engine().observe(turn('m-1', 0.1, { lang: 'sv', signals: { politeNegative: true, evidence: 'tack, men svaren är ofta långsamma' } }));
    expect(cue).toMatchObject({ kind: 'polite_irritation', priority: 'medium', customerId: 'cust-1', evidence: { eventIds: ['m-1'], scores: [0.1] } });
    expect(cue?.text.customer).toContain('Artig ton, men kunden låter irriterad ("tack, men svaren är ofta långsamma")');
    expect(cue?.text.agent).toMatch(/^Höflich formuliert/);
  });
  it('does not fire without the signal, with the signal false, or on a clearly positive message', () => {
    const e = engine();
    expect(e.observe(turn('m-1', 0.1))).toEqual([]);
    expect(e.observe(turn('m-2', 0.1, { signals: { politeNegative: false } }))).toEqual([]);
    expect(e.observe(turn('m-3', 0.8, { signals: { politeNegative: true } }))).toEqual([]);
  });
  it('quotes the (redacted) message when the model gives no evidence, and stays quiet inside the cooldown', () => {
    const e = engine();
    const [cue] = e.observe(turn('m-1', 0, { text: 'Thanks, but it still does not work.', signals: { politeNegative: true } }));
    expect(cue?.text.customer).toContain('"Thanks, but it still does not work."');
    expect(e.observe(turn('m-2', 0, { tsMs: at(1), signals: { politeNegative: true } }))).toEqual([]);
    expect(kinds(e.observe(turn('m-3', 0, { tsMs: at(6), signals: { politeNegative: true } })))).toEqual(['polite_irritation']);
  });
});

describe('urgency_high', () => {
  const engine = () => createCueEngine(only('urgency_high'));
  it('fires on high urgency with enough confidence; critical urgency makes it a critical cue', () => {
    const [high] = engine().observe(turn('m-1', -0.2, { urgency: { label: 'high', confidence: 0.8 } }));
    expect(high).toMatchObject({ kind: 'urgency_high', priority: 'high', evidence: { eventIds: ['m-1'], scores: [0.8] } });
    expect(high?.text.customer).toBe('Urgent request (model confidence 0.80). Answer first, and give a concrete time for the next step.');
    const [critical] = engine().observe(turn('m-1', -0.2, { urgency: { label: 'critical', confidence: 0.7 } }));
    expect(critical?.priority).toBe('critical');
  });
  it('does not fire on low or normal urgency, an unsure head, or no urgency head', () => {
    const e = engine();
    expect(e.observe(turn('m-1', 0, { urgency: { label: 'normal', confidence: 0.99 } }))).toEqual([]);
    expect(e.observe(turn('m-2', 0, { urgency: { label: 'low', confidence: 0.99 } }))).toEqual([]);
    expect(e.observe(turn('m-3', 0, { urgency: { label: 'high', confidence: 0.5 } }))).toEqual([]);
    expect(e.observe(turn('m-4', 0))).toEqual([]);
  });
  it('re-fires inside the cooldown only when high becomes critical', () => {
    const e = engine();
    expect(kinds(e.observe(turn('m-1', 0, { urgency: { label: 'high', confidence: 0.9 } })))).toEqual(['urgency_high']);
    expect(e.observe(turn('m-2', 0, { tsMs: at(1), urgency: { label: 'high', confidence: 0.9 } }))).toEqual([]);
    expect(kinds(e.observe(turn('m-3', 0, { tsMs: at(2), urgency: { label: 'critical', confidence: 0.9 } })))).toEqual(['urgency_high']);
  });
});

describe('churn_risk', () => {
  const engine = () => createCueEngine(only('churn_risk'), { agentLang: 'nb' });
  it('fires on band high with the top three reasons in the sentence', () => {
    const [cue] = engine().observe(turn('m-1', 0, { lang: 'da', churn: churn(0.62, 'high') }));
    expect(cue).toMatchObject({ kind: 'churn_risk', priority: 'high', evidence: { eventIds: ['m-1'], scores: [0.62] } });
    expect(cue?.text.customer).toBe('Høj risiko for at kunden opsiger (62 %). Vigtigste grunde: two late payments; usage fell by half; asked about cancelling. Overvej et tilbud eller en opfølgning.');
    expect(cue?.text.agent).toContain('Høy risiko');
    expect(cue?.text.customer).not.toContain('plan downgraded');
  });
  it('fires on probability at the threshold even when the band is medium', () => {
    expect(kinds(engine().observe(turn('m-1', 0, { churn: churn(0.7, 'medium') })))).toEqual(['churn_risk']);
  });
  it('does not fire below the threshold in a lower band, or without a churn model', () => {
    const e = engine();
    expect(e.observe(turn('m-1', 0, { churn: churn(0.69, 'medium') }))).toEqual([]);
    expect(e.observe(turn('m-2', 0))).toEqual([]);
  });
  it('fires at most once per customer per cooldown, across conversations, even as the risk climbs', () => {
    const e = engine();
    expect(kinds(e.observe(turn('m-1', 0, { churn: churn(0.75, 'high') })))).toEqual(['churn_risk']);
    expect(e.observe(turn('m-2', 0, { tsMs: at(60), conversationId: 'c-2', churn: churn(0.95, 'high') }))).toEqual([]);
    expect(kinds(e.observe(turn('m-3', 0, { tsMs: at(60), customerId: 'cust-2', churn: churn(0.8, 'high') })))).toEqual(['churn_risk']);
    expect(kinds(e.observe(turn('m-4', 0, { tsMs: at(24 * 60 + 1), churn: churn(0.8, 'high') })))).toEqual(['churn_risk']);
  });
  it('says n/a when the model gives no reasons', () => {
    const [cue] = engine().observe(turn('m-1', 0, { churn: churn(0.9, 'high', []) }));
    expect(cue?.text.customer).toContain('Main reasons: n/a.');
  });
});

describe('suggested_reply', () => {
  const engine = () => createCueEngine(only('suggested_reply'));
  const ask = (id: string, over: Partial<ScoredEvent>) => turn(id, -0.3, { topic: { label: 'billing', confidence: 0.9 }, ...over });
  it('suggests the topic’s reply in the customer’s language and formality, never sent: it rides on the cue', () => {
    const [formal] = engine().observe(ask('m-1', { lang: 'de', formality: { label: 'formal', confidence: 0.9 } }));
    expect(formal).toMatchObject({ kind: 'suggested_reply', priority: 'low', evidence: { eventIds: ['m-1'], scores: [0.9] } });
    expect(formal?.reply).toEqual({ text: expect.stringMatching(/^Vielen Dank für Ihre Nachricht zu Ihrer Rechnung/), lang: 'de', formality: 'formal', topic: 'billing', templateId: 'billing.de.formal' });
    const [informal] = engine().observe(ask('m-1', { lang: 'sv', formality: { label: 'informal', confidence: 0.8 } }));
    expect(informal?.reply).toMatchObject({ lang: 'sv', formality: 'informal', templateId: 'billing.sv.informal' });
    expect(informal?.reply?.text).toMatch(/^Tack för att du hör av dig/);
  });
  it('uses the formal register when formality is unknown, and English for an unsupported language', () => {
    const [cue] = engine().observe(ask('m-1', { lang: 'fr' }));
    expect(cue?.reply).toMatchObject({ lang: 'en', formality: 'formal', templateId: 'billing.en.formal' });
  });
  it('does not fire without a topic, on an unsure topic, or on a topic with no template (other)', () => {
    const e = engine();
    expect(e.observe(turn('m-1', 0))).toEqual([]);
    expect(e.observe(ask('m-2', { topic: { label: 'billing', confidence: 0.4 } }))).toEqual([]);
    expect(e.observe(ask('m-3', { topic: { label: 'other', confidence: 0.99 } }))).toEqual([]);
  });
  it('suggests once per topic per cooldown; a new topic gets its own suggestion at once', () => {
    const e = engine();
    expect(kinds(e.observe(ask('m-1', {})))).toEqual(['suggested_reply']);
    expect(e.observe(ask('m-2', { tsMs: at(1) }))).toEqual([]);
    expect(e.observe(ask('m-3', { tsMs: at(2), topic: { label: 'delivery', confidence: 0.8 } }))[0]?.reply?.topic).toBe('delivery');
  });
  it('takes replies from the file given (CXPULSE_REPLIES_FILE)', () => {
    const replies = { billing: Object.fromEntries(CUE_LANGS.map((l) => [l, { formal: `F-${l}`, informal: `I-${l}` }])) };
    const [cue] = createCueEngine(only('suggested_reply'), { replies: parseReplyTemplates({ replies }) }).observe(ask('m-1', { lang: 'nb', formality: { label: 'informal', confidence: 0.9 } }));
    expect(cue?.reply?.text).toBe('I-nb');
  });
});

describe('new rules in the rules file', () => {
  it('runs agent turns through none of them', () => {
    const cfg = loadCueRules();
    for (const k of ['frustration_rising', 'negative_spike', 'escalation_advised', 'long_message_jargon'] as const) cfg.rules[k].enabled = false;
    const e = createCueEngine(cfg);
    expect(e.observe(turn('a-1', -0.9, { author: 'agent', agentId: 'a', urgency: { label: 'critical', confidence: 1 }, churn: churn(0.99, 'high'), signals: { politeNegative: true }, topic: { label: 'billing', confidence: 1 } }))).toEqual([]);
  });
  it('a rules file written before the new kinds still loads, with their shipped defaults', () => {
    const doc = JSON.parse(JSON.stringify({ rules: loadCueRules().rules, alerts: { enabled: true, windowMinutes: 5, baselineMinutes: 60, minVolume: 20, minZ: 3, minLift: 0.15, resolveZ: 1.5, updateStep: 0.05 } })) as { rules: Record<string, unknown> };
    for (const k of ['polite_irritation', 'urgency_high', 'churn_risk', 'suggested_reply']) delete doc.rules[k];
    const cfg = parseCueRules(doc);
    expect(cfg.rules.churn_risk.minProbability).toBe(0.7);
    expect(cfg.alerts.waiting_too_long.minutes).toEqual({ chat: 5, email: 240 });
  });
  it('names the field at fault in the new rules', () => {
    const fails = (edit: (d: { rules: Record<string, Record<string, unknown>> }) => void) => {
      const d = JSON.parse(JSON.stringify({ rules: loadCueRules().rules, alerts: loadCueRules().alerts })) as { rules: Record<string, Record<string, unknown>> };
      edit(d);
      try {
        parseCueRules(d);
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(fails((d) => (d.rules.churn_risk!.minProbability = 1.5))).toMatch(/rules\.churn_risk\.minProbability: must be between 0 and 1/);
    expect(fails((d) => (d.rules.urgency_high!.minConfidence = 'high'))).toMatch(/rules\.urgency_high\.minConfidence: expected a number/);
    expect(fails((d) => ((d.rules.churn_risk!.templates as Record<string, string>).sv = '{reason}'))).toMatch(/rules\.churn_risk\.templates\.sv: unknown placeholder \{reason\}/);
  });
});

describe('replies file', () => {
  it('ships a formal and an informal reply per language for every topic but other', () => {
    const r = loadReplyTemplates();
    expect(Object.keys(r).sort()).toEqual(['account', 'billing', 'cancellation', 'communication', 'delivery', 'praise', 'technical', 'usability']);
    for (const byLang of Object.values(r)) for (const l of CUE_LANGS) for (const f of ['formal', 'informal'] as const) expect(byLang[l][f].length).toBeGreaterThan(20);
  });
  it('refuses a bad file with the entry named', () => {
    const err = (doc: unknown) => {
      try {
        parseReplyTemplates(doc);
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    const full = (over: Record<string, unknown> = {}) => ({ replies: { billing: { ...Object.fromEntries(CUE_LANGS.map((l) => [l, { formal: 'a', informal: 'b' }])), ...over } } });
    expect(err({ replies: { biling: {} } })).toMatch(/replies\.biling: unknown topic/);
    expect(err(full({ sv: { formal: 'a' } }))).toMatch(/replies\.billing\.sv\.informal: missing or empty/);
    expect(err(full({ fr: { formal: 'a', informal: 'b' } }))).toMatch(/replies\.billing\.fr: unknown language/);
    expect(err(full({ de: { formal: 'Hallo {name}', informal: 'b' } }))).toMatch(/replies\.billing\.de\.formal: placeholders are not supported/);
    expect(err([])).toMatch(/expected a JSON object/);
    const dir = mkdtempSync(join(tmpdir(), 'replies-'));
    writeFileSync(join(dir, 'r.json'), '{"replies": ');
    expect(() => loadReplyTemplates(join(dir, 'r.json'))).toThrow(/r\.json: not valid JSON/);
    expect(() => loadReplyTemplates(join(dir, 'none.json'))).toThrow(/none\.json: cannot read/);
  });
});

describe('implicit_complaint', () => {
  const engine = () => createCueEngine(only('implicit_complaint'), { agentLang: 'sv' });
  const complaint = { politeNegative: false, implicitComplaint: { kind: 'repeated_contact' as const, phrase: 'Third time' } };
  const agent = (id: string, min: number): ScoredEvent => turn(id, 0, { author: 'agent', agentId: 'agent-1', tsMs: at(min) });

  it('fires on a message with an implicit complaint, quoting its words in both languages', () => {
    const [cue] = engine().observe(turn('m-1', -0.5, { text: 'Third time I ask: where is my refund?', signals: complaint }));
    expect(cue).toMatchObject({ kind: 'implicit_complaint', priority: 'high', customerId: 'cust-1', evidence: { eventIds: ['m-1'], scores: [-0.5] } });
    expect(cue?.text.customer).toBe('The customer is chasing an unresolved issue: "Third time" (customer messages since the last answer: 1). Acknowledge the earlier contact and give a concrete next step.');
    expect(cue?.text.agent).toMatch(/^Kunden jagar ett olöst ärende: "Third time"/);
  });

  it('does not fire on a clearly positive message with the phrase, or without one', () => {
    const e = engine();
    expect(e.observe(turn('m-1', 0.8, { signals: complaint }))).toEqual([]);
    expect(e.observe(turn('m-2', -0.9, { tsMs: at(1), signals: { politeNegative: false } }))).toEqual([]);
  });

  it('fires when three customer messages over ten minutes got no answer, and an agent answer starts the count again', () => {
    const e = engine();
    expect(e.observe(turn('m-1', 0, { tsMs: at(0), text: 'Hello?' }))).toEqual([]);
    expect(e.observe(turn('m-2', 0, { tsMs: at(4) }))).toEqual([]);
    // Three messages, but within the first minutes: a burst, not chasing.
    expect(e.observe(turn('m-3', 0, { tsMs: at(8) }))).toEqual([]);
    const [cue] = e.observe(turn('m-4', 0, { tsMs: at(12), text: 'Is anybody there?' }));
    expect(cue?.text.customer).toContain('"Is anybody there?" (customer messages since the last answer: 4)');
    e.observe(agent('a-1', 13));
    expect(e.observe(turn('m-5', 0, { tsMs: at(30) }))).toEqual([]);
    expect(e.observe(turn('m-6', 0, { tsMs: at(35) }))).toEqual([]);
    expect(kinds(e.observe(turn('m-7', 0, { tsMs: at(41) })))).toEqual(['implicit_complaint']);
  });

  it('minUnanswered 0 turns the conversation part off; a bad value is a load error naming the field', () => {
    const cfg = only('implicit_complaint');
    cfg.rules.implicit_complaint.minUnanswered = 0;
    const e = createCueEngine(cfg);
    for (let i = 0; i < 6; i++) expect(e.observe(turn(`m-${i}`, 0, { tsMs: at(i * 10) }))).toEqual([]);
    const file = join(mkdtempSync(join(tmpdir(), 'cxpulse-cues-')), 'rules.json');
    const raw = JSON.parse(readFileSync(DEFAULT_CUES_FILE, 'utf8')) as { rules: Record<string, Record<string, unknown>> };
    raw.rules['implicit_complaint']!['minUnanswered'] = 1.5;
    writeFileSync(file, JSON.stringify(raw));
    expect(() => loadCueRules(file)).toThrow(/rules\.implicit_complaint\.minUnanswered: must be a whole number >= 0/);
  });

  it('is optional in a rules file: an older file without it gets the shipped rule', () => {
    const raw = JSON.parse(readFileSync(DEFAULT_CUES_FILE, 'utf8')) as { rules: Record<string, unknown> };
    delete raw.rules['implicit_complaint'];
    expect(parseCueRules(raw).rules.implicit_complaint).toMatchObject({ enabled: true, minUnanswered: 3, minUnansweredMinutes: 10 });
  });
});
