import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionCatalogError, DEFAULT_ACTIONS_FILE, eligible, holds, loadActionCatalog, parseActionCatalog, type ActionFacts } from '../../engine/actions/index.ts';
import { CUE_LANGS } from '../../engine/event/index.ts';

const raw = () => JSON.parse(readFileSync(DEFAULT_ACTIONS_FILE, 'utf8')) as Record<string, any>;
const action = (d: Record<string, any>, id: string) => (d.actions as Record<string, any>[]).find((a) => a.id === id)!;
const fails = (mutate: (d: Record<string, any>) => void): string => {
  const d = raw();
  mutate(d);
  try {
    parseActionCatalog(d);
  } catch (e) {
    expect(e).toBeInstanceOf(ActionCatalogError);
    return (e as Error).message;
  }
  throw new Error('expected the catalog to be refused');
};

describe('action catalog', () => {
  it('ships the seven actions of the seed, each with a reason and an explanation in five languages', () => {
    const c = loadActionCatalog();
    expect(c.actions.map((a) => a.id).sort()).toEqual(['account_review', 'credit_or_price_review', 'escalate_supervisor', 'personal_call', 'proactive_faq', 'product_training', 'retention_handover']);
    expect(c.actions.filter((a) => a.critical).map((a) => a.id)).toEqual(['escalate_supervisor']);
    for (const a of c.actions) for (const lang of CUE_LANGS) {
      expect(a.reason[lang].length, `${a.id}.${lang}`).toBeGreaterThan(30);
      expect(a.explanation[lang].length, `${a.id}.${lang}`).toBeGreaterThan(30);
    }
    expect(c.timing.businessHours).toEqual({ days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 });
  });

  it('names the action and field at fault', () => {
    expect(fails((d) => (action(d, 'personal_call').when.all[1].field = 'contacts31d'))).toMatch(/actions\.personal_call\.when\.all\[1\]\.field: unknown field "contacts31d"/);
    expect(fails((d) => (action(d, 'personal_call').when.all[0].op = 'includes'))).toMatch(/actions\.personal_call\.when\.all\[0\]\.op: "includes" does not apply to churnProbability/);
    expect(fails((d) => (action(d, 'personal_call').when.all[0].value = '0.5'))).toMatch(/all\[0\]\.value: churnProbability compares with a number/);
    expect(fails((d) => (action(d, 'escalate_supervisor').when.any[1].value = []))).toMatch(/escalate_supervisor\.when\.any\[1\]\.value: "in" needs a non-empty list/);
    expect(fails((d) => delete action(d, 'account_review').reason.da)).toMatch(/actions\.account_review\.reason\.da: missing or empty/);
    expect(fails((d) => (action(d, 'proactive_faq').explanation.fi = 'Hei'))).toMatch(/proactive_faq\.explanation\.fi: unknown language/);
    expect(fails((d) => (action(d, 'proactive_faq').reason.de = 'Hallo {kunde}'))).toMatch(/proactive_faq\.reason\.de: unknown placeholder \{kunde\}/);
    expect(fails((d) => (action(d, 'personal_call').cooldownDays = -1))).toMatch(/actions\.personal_call\.cooldownDays: must be between 0/);
    expect(fails((d) => (action(d, 'personal_call').effect = 2))).toMatch(/personal_call\.effect: must be between 0 and 1/);
    expect(fails((d) => (action(d, 'personal_call').channel = 'fax'))).toMatch(/personal_call\.channel: expected one of call, email, meeting, supervisor/);
    expect(fails((d) => (action(d, 'personal_call').when = {}))).toMatch(/personal_call\.when: needs at least one condition/);
    expect(fails((d) => (action(d, 'personal_call').when.allOf = []))).toMatch(/personal_call\.when\.allOf: unknown key/);
    expect(fails((d) => (action(d, 'proactive_faq').id = 'personal_call'))).toMatch(/actions\.personal_call: the id is used twice/);
    expect(fails((d) => (d.actions[0].id = 'Call Now'))).toMatch(/actions\[0\]\.id: expected a name/);
    expect(fails((d) => (d.timing.defaultTz = 'Europe/Olso'))).toMatch(/timing\.defaultTz: not an IANA time zone: "Europe\/Olso"/);
    expect(fails((d) => (d.timing.businessHours.endHour = 8))).toMatch(/timing\.businessHours: endHour \(8\) must be after startHour \(9\)/);
    expect(fails((d) => (d.timing.businessHours.days = [0, 1]))).toMatch(/timing\.businessHours\.days: expected a non-empty list of ISO weekdays/);
    expect(fails((d) => (d.learning.exploration = 1.5))).toMatch(/learning\.exploration: must be between 0 and 1/);
    expect(fails((d) => (d.rhythm.maxActions = 1.5))).toMatch(/rhythm\.maxActions: must be a whole number/);
    expect(fails((d) => (d.assess.weights = { churn: 0, value: 0, urgency: 0, recency: 0 }))).toMatch(/assess\.weights: at least one weight must be > 0/);
    expect(fails((d) => delete d.learning)).toMatch(/catalog\.learning: missing or not an object/);
  });

  it('names the file when it cannot be read or parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxpulse-actions-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"actions": [');
    expect(() => loadActionCatalog(bad)).toThrow(/action catalog .*bad\.json: not valid JSON/);
    expect(() => loadActionCatalog(join(dir, 'none.json'))).toThrow(/action catalog .*none\.json: cannot read/);
    const d = raw();
    action(d, 'personal_call').when.all[1].field = 'contacts31d';
    writeFileSync(bad, JSON.stringify(d));
    expect(() => loadActionCatalog(bad)).toThrow(/bad\.json: actions\.personal_call\.when\.all\[1\]\.field/);
  });
});

describe('eligibility', () => {
  const c = loadActionCatalog();
  const call = c.actions.find((a) => a.id === 'personal_call')!;
  const base: ActionFacts = { churnProbability: 0.6, contacts30d: 4, negativeTrend: 0.2 };

  it('needs every `all` clause and at least one `any` clause, and returns the clauses that held', () => {
    expect(eligible(call.when, base)?.map((m) => m.field)).toEqual(['churnProbability', 'contacts30d', 'negativeTrend']);
    expect(eligible(call.when, { ...base, contacts30d: 2 })).toBeUndefined();
    expect(eligible(call.when, { ...base, negativeTrend: 0 })).toBeUndefined();
    expect(eligible(call.when, { ...base, negativeTrend: 0, escalations90d: 1 })?.map((m) => m.field)).toContain('escalations90d');
  });

  it('never counts an unknown fact as a match, not even for !=', () => {
    expect(holds({ field: 'plan', op: '!=', value: 'basic' }, {})).toBe(false);
    expect(holds({ field: 'plan', op: '!=', value: 'basic' }, { plan: 'premium' })).toBe(true);
    expect(holds({ field: 'topics30d', op: 'includes', value: 'billing' }, { topics30d: ['billing'] })).toBe(true);
    expect(holds({ field: 'urgency', op: 'in', value: ['high', 'critical'] }, { urgency: 'normal' })).toBe(false);
    expect(eligible(call.when, { contacts30d: 4, negativeTrend: 0.2 })).toBeUndefined();
  });
});
