import type { Alert } from '../event/advice.ts';
import { parseDetailLines } from './actionDetails.ts';

const KINDS = new Set(['negative_share', 'waiting_too_long', 'dlq_spike', 'latency_spike']);

/**
 * Alert states read back from a store (the `detail` JSON of the ClickHouse table, the lines of
 * alerts.jsonl). A line that does not parse or lacks the fields every alert has is skipped: a
 * damaged row must not stop the engine from starting.
 */
export function parseAlertDetails(lines: readonly string[]): Alert[] {
  return parseDetailLines<Alert>(lines, (a) =>
    typeof a.alertId === 'string' && KINDS.has(String(a.kind)) && typeof a.status === 'string' && typeof a.openedAtMs === 'number' && typeof a.tsMs === 'number');
}

const RANK: Record<string, number> = { open: 0, update: 1, resolved: 2 };

/** The newest state of each alert (a `resolved` wins a tie), keeping those not resolved. */
export function openAlerts(states: readonly Alert[]): Alert[] {
  const latest = new Map<string, Alert>();
  for (const a of states) {
    const had = latest.get(a.alertId);
    if (!had || a.tsMs > had.tsMs || (a.tsMs === had.tsMs && (RANK[a.status] ?? 0) >= (RANK[had.status] ?? 0))) latest.set(a.alertId, a);
  }
  return [...latest.values()].filter((a) => a.status !== 'resolved');
}
