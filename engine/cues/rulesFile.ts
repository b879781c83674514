import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What the cue-rule and alert-rule parsers share: the shipped rules file, its error type and the
 * field checks. The file is checked at start: a typo must stop the engine with the rule and field
 * named, not silently disable a cue.
 */
export const DEFAULT_CUES_FILE = fileURLToPath(new URL('./rules.default.json', import.meta.url));

export class CueRulesError extends Error {
  override name = 'CueRulesError';
}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A finite number at `o[key]`, at least `min`; `where` names the section in the error. */
export function num(o: Record<string, unknown>, key: string, where: string, min = -Infinity): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CueRulesError(`${where}.${key}: expected a number, got ${JSON.stringify(v)}`);
  if (v < min) throw new CueRulesError(`${where}.${key}: must be >= ${min}, got ${v}`);
  return v;
}

let shipped: Record<string, unknown> | undefined;
/** The shipped rules file as raw JSON: defaults for sections an older rules file leaves out. */
export function shippedRulesDoc(): Record<string, unknown> {
  shipped ??= JSON.parse(readFileSync(DEFAULT_CUES_FILE, 'utf8')) as Record<string, unknown>;
  return shipped;
}
