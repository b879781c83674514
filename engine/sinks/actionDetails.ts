import type { ActionRecommendation } from '../event/actions.ts';

/**
 * Action states read back from a store (the `detail` JSON of the ClickHouse table, the lines of
 * actions.jsonl). A line that does not parse or lacks the identity fields is skipped: a damaged
 * row must not stop the engine from starting.
 */
export function parseActionDetails(lines: readonly string[]): ActionRecommendation[] {
  const out: ActionRecommendation[] = [];
  for (const line of lines) {
    try {
      const a = JSON.parse(line) as Partial<ActionRecommendation> & { id?: unknown };
      if (typeof a.actionId !== 'string' || typeof a.customerId !== 'string' || typeof a.action !== 'string' || typeof a.status !== 'string' || typeof a.stateMs !== 'number' || typeof a.tsMs !== 'number') continue;
      delete a.id;
      out.push(a as ActionRecommendation);
    } catch {
      // skipped, see above
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
