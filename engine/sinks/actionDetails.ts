import type { ActionRecommendation } from '../event/actions.ts';

/**
 * Action states read back from a store (the `detail` JSON of the ClickHouse table, the lines of
 * actions.jsonl). A line that does not parse or lacks the identity fields is skipped: a damaged
 * row must not stop the engine from starting.
 */
export function parseActionDetails(lines: readonly string[]): ActionRecommendation[] {
  return parseDetailLines<ActionRecommendation>(lines, (a) =>
    typeof a.actionId === 'string' && typeof a.customerId === 'string' && typeof a.action === 'string' && typeof a.status === 'string' && typeof a.stateMs === 'number' && typeof a.tsMs === 'number');
}

/**
 * Objects read back from JSON lines (a table's `detail` column, a .jsonl file), without the file
 * store's own `id` field; a line that does not parse or that `valid` refuses is skipped.
 */
export function parseDetailLines<T>(lines: readonly string[], valid: (o: Partial<T>) => boolean): T[] {
  const out: T[] = [];
  for (const line of lines) {
    try {
      const o = JSON.parse(line) as Partial<T> & { id?: unknown };
      if (typeof o !== 'object' || o === null || !valid(o)) continue;
      delete o.id;
      out.push(o as T);
    } catch {
      // skipped: a damaged row must not stop the engine from starting
    }
  }
  return out;
}

/** The newest state of each action, of those whose newest state is at or after `sinceMs`. */
export function latestActions(states: readonly ActionRecommendation[], sinceMs: number): ActionRecommendation[] {
  const latest = new Map<string, ActionRecommendation>();
  for (const a of states) {
    const had = latest.get(a.actionId);
    if (!had || a.stateMs >= had.stateMs) latest.set(a.actionId, a);
  }
  return [...latest.values()].filter((a) => a.stateMs >= sinceMs);
}
