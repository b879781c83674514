import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CUE_LANGS, type CueLang } from '../event/index.ts';
import { ConditionError, FACT_FIELDS, SET_FIELDS, parseCondition, type Condition, type Eligibility } from './conditions.ts';

/**
 * The action catalog is data (`catalog.default.json`, or the file in CXPULSE_ACTIONS_FILE): which
 * actions exist, when each is eligible, its reason in five languages, its cool-down, and the
 * engine-wide contact rhythm, timing and learning settings. It is checked at start: a typo stops
 * the engine with the action and field named, never silently disables an action.
 */
export const DEFAULT_ACTIONS_FILE = fileURLToPath(new URL('./catalog.default.json', import.meta.url));

export const ACTION_CHANNELS = ['call', 'email', 'meeting', 'supervisor'] as const;
export type ActionChannel = (typeof ACTION_CHANNELS)[number];

export class ActionCatalogError extends Error {
  override name = 'ActionCatalogError';
}

export interface CatalogAction {
  id: string;
  /** An escalation: chosen whenever eligible, never held out and never explored away. */
  critical: boolean;
  channel: ActionChannel;
  /** Prior expected effect (0..1): the choice among eligible actions until the bandit has enough outcomes. */
  effect: number;
  /** The same action is not recommended again to the same customer within this many days. */
  cooldownDays: number;
  when: Eligibility;
  /** For the owner. */
  reason: Record<CueLang, string>;
  /** One sentence for the customer. */
  explanation: Record<CueLang, string>;
}

export interface BusinessHours {
  /** ISO weekdays, 1 = Monday .. 7 = Sunday. */
  days: number[];
  startHour: number;
  /** Exclusive: 17 means the last slot starts at 16:00. */
  endHour: number;
}

export interface ActionCatalog {
  detect: {
    /** A rise of the churn probability by at least this much since the last look counts as a change. */
    riskStep: number;
    /** A negative-share trend at or above this counts as sentiment turning. */
    negativeTurn: number;
  };
  assess: {
    weights: { churn: number; value: number; urgency: number; recency: number };
    /** Customers assessed below this get no action. */
    minPriority: number;
    /** Customer value by plan: the first key found (case-insensitive) in the plan's name. */
    planValues: Record<string, number>;
    tenureMonthsForFullValue: number;
  };
  /** At most `maxActions` non-critical actions per customer within `perDays`. */
  rhythm: { maxActions: number; perDays: number };
  /** An action with no outcome after this many days leaves the worklist as `expired`. */
  openDays: number;
  timing: {
    /** IANA time zone when the customer's (meta.tz) is unknown. */
    defaultTz: string;
    businessHours: BusinessHours;
    /** Messages a customer (or segment) needs before its own hour-of-week pattern is used. */
    minMessages: number;
    horizonDays: number;
  };
  learning: {
    /** Outcomes of a segment before the bandit takes over from the prior effects. */
    minOutcomes: number;
    /** Share of bandit choices made uniformly at random among the eligible non-critical actions. */
    exploration: number;
    /** A cancellation this many days after a `done` action turns its success into a failure. */
    churnWindowDays: number;
  };
  actions: CatalogAction[];
}

/** Placeholders a reason or explanation may use: the customer id, the churn percentage, and any scalar fact. */
export const ACTION_PLACEHOLDERS: readonly string[] = ['customer', 'percent', ...FACT_FIELDS.filter((f) => !(SET_FIELDS as readonly string[]).includes(f))];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(o: Record<string, unknown>, key: string, where: string): Record<string, unknown> {
  const v = o[key];
  if (!isObj(v)) throw new ActionCatalogError(`${where}.${key}: missing or not an object`);
  return v;
}

function num(o: Record<string, unknown>, key: string, where: string, min: number, max = Infinity): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ActionCatalogError(`${where}.${key}: expected a number, got ${JSON.stringify(v)}`);
  if (v < min || v > max) throw new ActionCatalogError(`${where}.${key}: must be between ${min} and ${max}, got ${v}`);
  return v;
}

function int(o: Record<string, unknown>, key: string, where: string, min: number, max = Infinity): number {
  const v = num(o, key, where, min, max);
  if (!Number.isInteger(v)) throw new ActionCatalogError(`${where}.${key}: must be a whole number, got ${v}`);
  return v;
}

/** Whether Intl knows the IANA zone (e.g. Europe/Oslo). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function templates(o: Record<string, unknown>, key: string, where: string): Record<CueLang, string> {
  const t = obj(o, key, where);
  const out = {} as Record<CueLang, string>;
  for (const lang of CUE_LANGS) {
    const s = t[lang];
    if (typeof s !== 'string' || s.trim() === '') throw new ActionCatalogError(`${where}.${key}.${lang}: missing or empty`);
    for (const m of s.matchAll(/\{([^{}]*)\}/g)) {
      if (!ACTION_PLACEHOLDERS.includes(m[1] ?? '')) throw new ActionCatalogError(`${where}.${key}.${lang}: unknown placeholder {${m[1]}} (allowed: ${ACTION_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
    }
    out[lang] = s;
  }
  for (const k of Object.keys(t)) if (!(CUE_LANGS as readonly string[]).includes(k)) throw new ActionCatalogError(`${where}.${key}.${k}: unknown language (use ${CUE_LANGS.join(', ')})`);
  return out;
}

function conditions(o: Record<string, unknown>, key: 'all' | 'any', where: string): Condition[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ActionCatalogError(`${where}.${key}: expected a list of conditions`);
  return v.map((c, i) => {
    try {
      return parseCondition(c);
    } catch (e) {
      if (e instanceof ConditionError) throw new ActionCatalogError(`${where}.${key}[${i}]${e.message.startsWith('.') ? '' : ': '}${e.message}`);
      throw e;
    }
  });
}

function parseAction(raw: unknown, i: number): CatalogAction {
  if (!isObj(raw)) throw new ActionCatalogError(`actions[${i}]: expected an object`);
  const id = raw.id;
  if (typeof id !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(id)) throw new ActionCatalogError(`actions[${i}].id: expected a name of lower-case letters, digits and _, got ${JSON.stringify(id)}`);
  const where = `actions.${id}`;
  if (typeof raw.critical !== 'boolean') throw new ActionCatalogError(`${where}.critical: expected true or false`);
  if (!(ACTION_CHANNELS as readonly unknown[]).includes(raw.channel)) throw new ActionCatalogError(`${where}.channel: expected one of ${ACTION_CHANNELS.join(', ')}, got ${JSON.stringify(raw.channel)}`);
  const when = obj(raw, 'when', where);
  for (const k of Object.keys(when)) if (k !== 'all' && k !== 'any') throw new ActionCatalogError(`${where}.when.${k}: unknown key (use all, any)`);
  const eligibility: Eligibility = { all: conditions(when, 'all', `${where}.when`), any: conditions(when, 'any', `${where}.when`) };
  if (eligibility.all.length + eligibility.any.length === 0) throw new ActionCatalogError(`${where}.when: needs at least one condition (an action for everyone is not advice)`);
  return {
    id,
    critical: raw.critical,
    channel: raw.channel as ActionChannel,
    effect: num(raw, 'effect', where, 0, 1),
    cooldownDays: num(raw, 'cooldownDays', where, 0, 3650),
    when: eligibility,
    reason: templates(raw, 'reason', where),
    explanation: templates(raw, 'explanation', where),
  };
}

/** Checks a parsed catalog; throws ActionCatalogError naming the action and field at fault. */
export function parseActionCatalog(doc: unknown): ActionCatalog {
  if (!isObj(doc)) throw new ActionCatalogError('catalog: expected a JSON object');
  const detect = obj(doc, 'detect', 'catalog');
  const assess = obj(doc, 'assess', 'catalog');
  const w = obj(assess, 'weights', 'assess');
  const weights = { churn: num(w, 'churn', 'assess.weights', 0), value: num(w, 'value', 'assess.weights', 0), urgency: num(w, 'urgency', 'assess.weights', 0), recency: num(w, 'recency', 'assess.weights', 0) };
  if (weights.churn + weights.value + weights.urgency + weights.recency <= 0) throw new ActionCatalogError('assess.weights: at least one weight must be > 0');
  const planValuesRaw = obj(assess, 'planValues', 'assess');
  const planValues: Record<string, number> = {};
  for (const k of Object.keys(planValuesRaw)) planValues[k.toLowerCase()] = num(planValuesRaw, k, 'assess.planValues', 0, 1);
  const rhythm = obj(doc, 'rhythm', 'catalog');
  const timing = obj(doc, 'timing', 'catalog');
  const bh = obj(timing, 'businessHours', 'timing');
  if (!Array.isArray(bh.days) || bh.days.length === 0 || !bh.days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7)) {
    throw new ActionCatalogError(`timing.businessHours.days: expected a non-empty list of ISO weekdays 1 (Monday) .. 7 (Sunday), got ${JSON.stringify(bh.days)}`);
  }
  const businessHours: BusinessHours = { days: [...new Set(bh.days as number[])].sort(), startHour: int(bh, 'startHour', 'timing.businessHours', 0, 23), endHour: int(bh, 'endHour', 'timing.businessHours', 1, 24) };
  if (businessHours.endHour <= businessHours.startHour) throw new ActionCatalogError(`timing.businessHours: endHour (${businessHours.endHour}) must be after startHour (${businessHours.startHour})`);
  const defaultTz = timing.defaultTz;
  if (typeof defaultTz !== 'string' || !isTimeZone(defaultTz)) throw new ActionCatalogError(`timing.defaultTz: not an IANA time zone: ${JSON.stringify(defaultTz)}`);
  const learning = obj(doc, 'learning', 'catalog');
  if (!Array.isArray(doc.actions) || doc.actions.length === 0) throw new ActionCatalogError('actions: expected a non-empty list');
  const actions = doc.actions.map(parseAction);
  const seen = new Set<string>();
  for (const a of actions) {
    if (seen.has(a.id)) throw new ActionCatalogError(`actions.${a.id}: the id is used twice`);
    seen.add(a.id);
  }
  return {
    detect: { riskStep: num(detect, 'riskStep', 'detect', 0, 1), negativeTurn: num(detect, 'negativeTurn', 'detect', 0, 1) },
    assess: { weights, minPriority: num(assess, 'minPriority', 'assess', 0, 1), planValues, tenureMonthsForFullValue: num(assess, 'tenureMonthsForFullValue', 'assess', 1) },
    rhythm: { maxActions: int(rhythm, 'maxActions', 'rhythm', 1), perDays: num(rhythm, 'perDays', 'rhythm', 1) },
    openDays: num(doc, 'openDays', 'catalog', 1, 365),
    timing: { defaultTz, businessHours, minMessages: int(timing, 'minMessages', 'timing', 1), horizonDays: int(timing, 'horizonDays', 'timing', 1, 60) },
    learning: { minOutcomes: int(learning, 'minOutcomes', 'learning', 0), exploration: num(learning, 'exploration', 'learning', 0, 1), churnWindowDays: num(learning, 'churnWindowDays', 'learning', 1) },
    actions,
  };
}

/** Loads and checks the catalog file (default: the one shipped beside this module). */
export function loadActionCatalog(file: string = DEFAULT_ACTIONS_FILE): ActionCatalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ActionCatalogError(`action catalog ${file}: cannot read (${(e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ActionCatalogError(`action catalog ${file}: not valid JSON (${(e as Error).message})`);
  }
  try {
    return parseActionCatalog(doc);
  } catch (e) {
    throw new ActionCatalogError(`action catalog ${file}: ${(e as Error).message}`);
  }
}
