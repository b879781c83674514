import { CueRulesError, isObj, num, shippedRulesDoc } from './rulesFile.ts';

/**
 * Thresholds of the waiting and spike alerts, each a section of the rules file's `alerts` object
 * (`alerts.waiting_too_long`, `alerts.dlq_spike`, `alerts.latency_spike`). A rules file may leave
 * a section out and gets the shipped defaults for it.
 */
export interface WaitingRules {
  enabled: boolean;
  /** Minutes without an agent reply before a conversation alerts, per channel; channels not listed are not watched. */
  minutes: Record<string, number>;
  /** An open incident sends an `update` every this many minutes of further waiting. */
  updateMinutes: number;
  /** After this long unanswered the incident is resolved as abandoned (the customer left; stop tracking it). */
  giveUpMinutes: number;
  /** Waiting conversations tracked at most (oldest forgotten first). */
  maxConversations: number;
}

/**
 * A rate that should stay near its recent baseline. Open when the window has at least `minSamples`,
 * and the window's value is at least `factor` times the baseline's and at least `minDelta` above it;
 * resolved when it falls below `resolveFactor` times the baseline or `minSamples / 2` (hysteresis).
 */
export interface SpikeRules {
  enabled: boolean;
  windowMinutes: number;
  baselineMinutes: number;
  factor: number;
  resolveFactor: number;
  minSamples: number;
  minDelta: number;
  /** An open incident sends an `update` when the value moved by this fraction since the last one sent. */
  updateStep: number;
}

/** The `alerts` object's nested sections (the negative-share thresholds are flat beside them). */
export interface WaitingAndSpikeRules {
  waiting_too_long: WaitingRules;
  dlq_spike: SpikeRules;
  latency_spike: SpikeRules;
}

function bool(o: Record<string, unknown>, where: string): boolean {
  if (typeof o.enabled !== 'boolean') throw new CueRulesError(`${where}.enabled: expected true or false`);
  return o.enabled;
}

function parseWaiting(raw: Record<string, unknown>): WaitingRules {
  const where = 'alerts.waiting_too_long';
  if (!isObj(raw.minutes)) throw new CueRulesError(`${where}.minutes: expected an object of channel -> minutes, e.g. {"chat": 5}`);
  const minutes: Record<string, number> = {};
  for (const ch of Object.keys(raw.minutes)) minutes[ch] = num(raw.minutes, ch, `${where}.minutes`, 0.01);
  const r: WaitingRules = {
    enabled: bool(raw, where),
    minutes,
    updateMinutes: num(raw, 'updateMinutes', where, 0.1),
    giveUpMinutes: num(raw, 'giveUpMinutes', where, 1),
    maxConversations: Math.floor(num(raw, 'maxConversations', where, 1)),
  };
  for (const [ch, m] of Object.entries(minutes)) {
    if (m >= r.giveUpMinutes) throw new CueRulesError(`${where}.minutes.${ch}: ${m} must be below giveUpMinutes (${r.giveUpMinutes})`);
  }
  return r;
}

function parseSpike(kind: 'dlq_spike' | 'latency_spike', raw: Record<string, unknown>): SpikeRules {
  const where = `alerts.${kind}`;
  const r: SpikeRules = {
    enabled: bool(raw, where),
    windowMinutes: Math.floor(num(raw, 'windowMinutes', where, 1)),
    baselineMinutes: Math.floor(num(raw, 'baselineMinutes', where, 1)),
    factor: num(raw, 'factor', where, 1),
    resolveFactor: num(raw, 'resolveFactor', where, 0),
    minSamples: num(raw, 'minSamples', where, 1),
    minDelta: num(raw, 'minDelta', where, 0),
    updateStep: num(raw, 'updateStep', where, 0),
  };
  if (r.resolveFactor > r.factor) throw new CueRulesError(`${where}.resolveFactor: ${r.resolveFactor} must not exceed factor (${r.factor}), or an incident would flap`);
  return r;
}

const shippedAlert = (kind: keyof WaitingAndSpikeRules): unknown => (shippedRulesDoc().alerts as Record<string, unknown>)[kind];

/** Reads the three nested alert sections of the rules file's `alerts` object (shipped defaults when absent). */
export function parseWaitingAndSpikeRules(alerts: Record<string, unknown>): WaitingAndSpikeRules {
  const pick = (kind: keyof WaitingAndSpikeRules): Record<string, unknown> => {
    const raw = alerts[kind] === undefined ? shippedAlert(kind) : alerts[kind];
    if (!isObj(raw)) throw new CueRulesError(`alerts.${kind}: expected an object`);
    return raw;
  };
  return { waiting_too_long: parseWaiting(pick('waiting_too_long')), dlq_spike: parseSpike('dlq_spike', pick('dlq_spike')), latency_spike: parseSpike('latency_spike', pick('latency_spike')) };
}
