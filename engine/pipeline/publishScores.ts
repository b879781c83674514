import type { MonoTypeOperatorFunction } from 'rxjs';
import { SCORES_SUBJECT_PREFIX, type EventBus } from '../bus/types.ts';
import type { ScoredEvent } from '../event/types.ts';
import { afterDurable, type StageErrorHook } from './afterDurable.ts';

const encoder = new TextEncoder();
const ignore = () => undefined;

/**
 * Publishes each stored row as JSON on `cx.scores.<channel>` for other systems. Best effort and
 * never awaited: the row is already stored (the store is the record), and a bus that is down
 * would otherwise log once per row.
 *
 * @example source.pipe(deliver(opts), publishScores(bus)) // cx.scores.chat, cx.scores.email, ...
 */
export function publishScores(bus: Pick<EventBus, 'publish'>, onError?: StageErrorHook): MonoTypeOperatorFunction<ScoredEvent[]> {
  return afterDurable(
    'scores',
    (rows) => {
      for (const r of rows) bus.publish(`${SCORES_SUBJECT_PREFIX}${r.channel}`, encoder.encode(JSON.stringify(r))).catch(ignore);
    },
    onError,
  );
}
