/**
 * What a load run does, shared by the k6 scripts (bench/k6/*.ts) and their twin without k6
 * (bench/load, `npm run load`). This folder's lib/ modules import nothing and use no runtime API
 * (no k6 module, no Node module), so both runtimes load the same code: the scenarios, their
 * settings and defaults, the events sent and how a feed subscriber tallies what it receives.
 */

export const SCENARIOS = ['ingest', 'feed', 'mixed'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Metrics of the HTTP side: k6's built-in names, which the twin reports under the same names. */
export const HTTP_THRESHOLD_METRICS = ['http_req_failed', 'http_req_duration'] as const;
/** Metrics of the feed side (custom metrics in k6, declared in bench/k6/lib/k6.ts). */
export const FEED_THRESHOLD_METRICS = ['feed_latency', 'feed_events', 'feed_dropped', 'feed_errors'] as const;

/** The thresholds (entries of bench/k6/thresholds.json) each scenario applies. */
export const SCENARIO_THRESHOLDS: Record<ScenarioName, readonly string[]> = {
  ingest: [...HTTP_THRESHOLD_METRICS],
  feed: ['http_req_failed', ...FEED_THRESHOLD_METRICS],
  mixed: [...HTTP_THRESHOLD_METRICS, ...FEED_THRESHOLD_METRICS],
};

export interface Plan {
  scenario: ScenarioName;
  /** The engine's base URL, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Events per second offered to POST /v1/events. */
  rate: number;
  /** Events per request: 1 sends one event object, more send an array. */
  batch: number;
  /** Seconds of ingest. */
  durationS: number;
  /** Agent subscribers: each reads the feed with an agent token and gets its own conversations. */
  agents: number;
  /** Wallboard subscribers: each reads the whole feed (supervisor token). */
  wallboards: number;
  /** Seconds the subscribers stay after the ingest ends, for the last events to arrive. */
  graceS: number;
  /** Seconds between the subscribers' start and the ingest's, so they are connected first. */
  leadS: number;
}

/** Each scenario's defaults; every one can be changed by its setting. */
export const SCENARIO_DEFAULTS: Record<ScenarioName, Omit<Plan, 'scenario' | 'url'>> = {
  /** HTTP ingest alone. */
  ingest: { rate: 200, batch: 1, durationS: 30, agents: 0, wallboards: 0, graceS: 0, leadS: 0 },
  /** Many wallboards watching modest traffic: the feed's fan-out. */
  feed: { rate: 20, batch: 1, durationS: 30, agents: 0, wallboards: 20, graceS: 5, leadS: 2 },
  /** A contact centre: ingest at a target rate in batches, agents and wallboards reading. */
  mixed: { rate: 200, batch: 10, durationS: 60, agents: 10, wallboards: 2, graceS: 5, leadS: 2 },
};

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/**
 * The settings, by the names k6 reads from `-e NAME=value` (`__ENV`) and the twin from its
 * environment (its flags override them): each maps to a Plan field.
 */
export const PLAN_SETTINGS = {
  CXPULSE_URL: 'url',
  RATE: 'rate',
  BATCH: 'batch',
  DURATION: 'durationS',
  AGENTS: 'agents',
  WALLBOARDS: 'wallboards',
  GRACE: 'graceS',
} as const satisfies Record<string, keyof Plan>;

/** Seconds from `30`, `30s`, `2m`, `1h`, `1.5m`. */
export function parseSeconds(v: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return unit === 'ms' ? n / 1000 : unit === 'm' ? n * 60 : unit === 'h' ? n * 3600 : n;
}

/** The plan of `scenario` from settings by their PLAN_SETTINGS names; throws an Error naming the setting at fault. */
export function planFrom(scenario: string, env: Record<string, string | undefined>): Plan {
  if (!(SCENARIOS as readonly string[]).includes(scenario)) throw new Error(`unknown scenario '${scenario}': one of ${SCENARIOS.join(', ')}`);
  const name = scenario as ScenarioName;
  const plan: Plan = { scenario: name, url: DEFAULT_URL, ...SCENARIO_DEFAULTS[name] };
  const given = (k: string) => {
    const v = env[k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const url = given('CXPULSE_URL');
  if (url !== undefined) {
    if (!/^https?:\/\/[^/\s]+/.test(url)) throw new Error(`CXPULSE_URL must be an http:// or https:// URL, got '${url}'`);
    plan.url = url.replace(/\/+$/, '');
  }
  const count = (k: 'RATE' | 'BATCH' | 'AGENTS' | 'WALLBOARDS', min: number, field: 'rate' | 'batch' | 'agents' | 'wallboards') => {
    const v = given(k);
    if (v === undefined) return;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${k} must be a whole number >= ${min}, got '${v}'`);
    plan[field] = n;
  };
  count('RATE', 1, 'rate');
  count('BATCH', 1, 'batch');
  count('AGENTS', 0, 'agents');
  count('WALLBOARDS', 0, 'wallboards');
  const seconds = (k: 'DURATION' | 'GRACE', field: 'durationS' | 'graceS', min: number) => {
    const v = given(k);
    if (v === undefined) return;
    const s = parseSeconds(v);
    if (s === undefined || s < min) throw new Error(`${k} must be a duration such as 30, 30s or 2m (at least ${min} s), got '${v}'`);
    plan[field] = s;
  };
  seconds('DURATION', 'durationS', 1);
  seconds('GRACE', 'graceS', 0);
  if (plan.batch > plan.rate) throw new Error(`BATCH (${plan.batch}) is more than RATE (${plan.rate}) events per second: less than one request per second`);
  if (plan.agents + plan.wallboards === 0) plan.leadS = 0;
  else if (plan.leadS === 0) plan.leadS = 2;
  return plan;
}

/** Subscribers in the plan. */
export const subscribers = (p: Plan): number => p.agents + p.wallboards;

/** Requests per second the plan offers. */
export const requestRate = (p: Plan): number => p.rate / p.batch;

/** One line saying what the plan does. */
export function describePlan(p: Plan): string {
  const ingest = `${p.rate} events/s ${p.batch === 1 ? 'one per request' : `in requests of ${p.batch}`} for ${p.durationS} s`;
  const subs = subscribers(p) === 0 ? 'no feed subscribers' : `${p.agents} agent${p.agents === 1 ? '' : 's'} and ${p.wallboards} wallboard${p.wallboards === 1 ? '' : 's'} on the feed (${p.graceS} s grace after the ingest)`;
  return `scenario ${p.scenario}: ${ingest}, ${subs}, against ${p.url}`;
}
