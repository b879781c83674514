import { map, type OperatorFunction } from 'rxjs';
import type { ConversationState } from '../event/types.ts';
import type { ErasedPlace, ErasureTarget, ForgetsCustomers } from '../event/erasure.ts';
import { slope } from '../util/index.ts';
import type { Scored, Tracked } from './types.ts';

export const TREND_WINDOW_TURNS = 5;
export const MAX_TRACKED_CONVERSATIONS = 100_000;

interface Tracked1 {
  turns: number;
  recent: number[];
  /** Whose conversation it is (for erasure). */
  customerId: string;
}

/** The per-conversation sentiment state, held outside the operator so an erasure can reach it. */
export interface ConversationStates extends ForgetsCustomers {
  readonly map: Map<string, Tracked1>;
}

export function createConversationStates(): ConversationStates {
  const map = new Map<string, Tracked1>();
  return {
    map,
    forgetCustomer(target: ErasureTarget): ErasedPlace[] {
      let removed = 0;
      for (const [k, s] of map) if (target.matches(s.customerId) && map.delete(k)) removed++;
      return [{ place: 'memory', what: 'conversation sentiment state', removed }];
    },
  };
}

/**
 * Keeps, per conversation, the sentiment of the last customer turns and its trend, and stamps
 * that state on every event (agent turns carry the customer's state, unchanged). Bounded: the
 * least recently active conversations are forgotten first (Map keeps insertion order).
 */
export function trackConversation(window = TREND_WINDOW_TURNS, capacity = MAX_TRACKED_CONVERSATIONS, held: ConversationStates = createConversationStates()): OperatorFunction<Scored[], Tracked[]> {
  const states = held.map;
  const stateOf = (key: string, customerId: string) => {
    const s = states.get(key) ?? { turns: 0, recent: [], customerId };
    states.delete(key);
    states.set(key, s);
    if (states.size > capacity) states.delete(states.keys().next().value!);
    return s;
  };
  return map((batch) =>
    batch.map((item) => {
      const s = stateOf(`${item.event.channel}:${item.event.conversationId}`, item.event.customerId);
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
