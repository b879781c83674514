import { map, type OperatorFunction } from 'rxjs';
import type { ConversationState } from '../event/types.ts';
import { slope } from '../util/index.ts';
import type { Scored, Tracked } from './types.ts';

export const TREND_WINDOW_TURNS = 5;
export const MAX_TRACKED_CONVERSATIONS = 100_000;

/**
 * Keeps, per conversation, the sentiment of the last customer turns and its trend, and stamps
 * that state on every event (agent turns carry the customer's state, unchanged). Bounded: the
 * least recently active conversations are forgotten first (Map keeps insertion order).
 */
export function trackConversation(window = TREND_WINDOW_TURNS, capacity = MAX_TRACKED_CONVERSATIONS): OperatorFunction<Scored[], Tracked[]> {
  const states = new Map<string, { turns: number; recent: number[] }>();
  const stateOf = (key: string) => {
    const s = states.get(key) ?? { turns: 0, recent: [] };
    states.delete(key);
    states.set(key, s);
    if (states.size > capacity) states.delete(states.keys().next().value!);
    return s;
  };
  return map((batch) =>
    batch.map((item) => {
      const s = stateOf(`${item.event.channel}:${item.event.conversationId}`);
      if (item.event.author === 'customer') {
        s.turns++;
        s.recent.push(Math.round(item.sentiment.score * 1000) / 1000);
        if (s.recent.length > window) s.recent.shift();
      }
      const conversation: ConversationState = { turns: s.turns, recent: [...s.recent], trend: Math.round(slope(s.recent) * 1000) / 1000 };
      return { ...item, conversation };
    }),
  );
}
