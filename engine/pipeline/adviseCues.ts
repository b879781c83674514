import type { MonoTypeOperatorFunction } from 'rxjs';
import type { CueEngine } from '../cues/index.ts';
import type { Cue, ScoredEvent } from '../event/index.ts';
import type { FeedHub } from '../feed/index.ts';
import { afterDurable, type StageErrorHook } from './afterDurable.ts';

export interface CueHooks {
  onCue?(cue: Cue): void;
  onError?: StageErrorHook;
}

/**
 * Runs the cue rules on each stored row, in order, and sends the cues they raise to the feed
 * (the agent of the conversation and supervisors). Placed after `broadcastToFeed`, so an agent
 * never sees a cue before the score that is its evidence.
 *
 * @example source.pipe(broadcastToFeed(feed), adviseCues(cueEngine, feed, hooks))
 */
export function adviseCues(cues: Pick<CueEngine, 'observe'>, feed: Pick<FeedHub, 'broadcastCue'>, hooks: CueHooks = {}): MonoTypeOperatorFunction<ScoredEvent[]> {
  return afterDurable(
    'cues',
    (rows) => {
      for (const row of rows) {
        for (const cue of cues.observe(row)) {
          feed.broadcastCue(cue.conversationId, cue.agentId, cue);
          hooks.onCue?.(cue);
        }
      }
    },
    hooks.onError,
  );
}
