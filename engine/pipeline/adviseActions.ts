import type { MonoTypeOperatorFunction } from 'rxjs';
import type { ActionEngine } from '../actions/index.ts';
import type { ScoredEvent } from '../event/index.ts';
import { afterDurable, type StageErrorHook } from './afterDurable.ts';

/**
 * Hands each batch of stored rows to the next-best-action engine, which updates its customer memos
 * and, when something that matters changed, recommends an action (to the feed's supervisors and the
 * store). The engine queues its own work, so a slow state read never holds the pipeline.
 *
 * @example source.pipe(adviseCues(cueEngine, feed), adviseActions(actions, onError), raiseAlerts(alerts))
 */
export function adviseActions(actions: Pick<ActionEngine, 'observeScored'>, onError?: StageErrorHook): MonoTypeOperatorFunction<ScoredEvent[]> {
  return afterDurable('actions', (rows) => actions.observeScored(rows), onError);
}
