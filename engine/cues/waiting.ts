import type { ScoredEvent } from '../event/types.ts';
import type { WaitingRules } from './alertRules.ts';
import type { ForgetsCustomers, WaitingTooLongAlert } from '../event/index.ts';

/**
 * `waiting_too_long`: a conversation whose first unanswered customer message (by engine receive
 * time) has had no agent reply for `minutes[channel]`. Evaluated on every delivered batch and on
 * the engine's alert timer, so it fires when traffic stops. One incident per wait: `open`, an
 * `update` every `updateMinutes` of further waiting, `resolved` when an agent replies (or, after
 * `giveUpMinutes`, as abandoned). Conversations are kept per channel in the order they started
 * waiting, so evaluate() only walks the overdue ones.
 */
interface Waiting {
  conversationId: string;
  channel: string;
  customerId: string;
  agentId?: string;
  eventId: string;
  sinceMs: number;
  /** Set once the incident is open. */
  alert?: { alertId: string; openedAtMs: number; lastUpdateMs: number };
}

export interface WaitingDetector extends ForgetsCustomers {
  observe(e: ScoredEvent): void;
  evaluate(nowMs: number): WaitingTooLongAlert[];
  /** Alert ids currently open. */
  open(): string[];
  /** Conversations currently waiting for an agent (overdue or not). */
  readonly waiting: number;
  /**
   * Takes over the incidents a previous run left open (read back from the store at start, before
   * any event): an agent reply then resolves them under the same id, and the give-up time still
   * applies. Returns the ids taken.
   */
  adopt(alerts: readonly WaitingTooLongAlert[]): string[];
}

const MINUTE = 60_000;

export function createWaitingDetector(rules: WaitingRules): WaitingDetector {
  /** channel -> conversationId -> wait, in the order the waits started. */
  const byChannel = new Map<string, Map<string, Waiting>>();
  /** Incidents that ended between evaluations (a reply, or forgotten past maxConversations); sent as `resolved` at the next one. */
  let ended: { w: Waiting; how: 'replied' | 'abandoned'; atMs: number }[] = [];
  let count = 0;
  /** conversation -> assigned agent, learnt from agent turns (customer turns rarely carry it); LRU-bounded. */
  const agents = new Map<string, string>();
  const assign = (conversationId: string, agentId: string) => {
    agents.delete(conversationId);
    agents.set(conversationId, agentId);
    if (agents.size > rules.maxConversations) {
      const oldest = agents.keys().next().value;
      if (oldest !== undefined) agents.delete(oldest);
    }
  };

  /** `untilMs`: when the wait ended (the reply), else now. */
  const make = (w: Waiting, status: WaitingTooLongAlert['status'], nowMs: number, how?: 'replied' | 'abandoned', untilMs = nowMs): WaitingTooLongAlert => {
    const a = w.alert ?? { alertId: '', openedAtMs: nowMs };
    const waitedMinutes = Math.round(((untilMs - w.sinceMs) / MINUTE) * 10) / 10;
    const threshold = rules.minutes[w.channel] ?? 0;
    const who = w.agentId !== undefined ? ` (agent ${w.agentId})` : '';
    const text =
      status === 'resolved'
        ? how === 'abandoned'
          ? `${w.channel} ${w.conversationId}: no agent reply after ${Math.round(waitedMinutes)} min; stopped tracking`
          : `${w.channel} ${w.conversationId}: agent replied after ${Math.round(waitedMinutes)} min`
        : `${w.channel} ${w.conversationId}${who}: customer waiting ${Math.round(waitedMinutes)} min for a reply (limit ${threshold} min)`;
    const out: WaitingTooLongAlert = {
      alertId: a.alertId,
      kind: 'waiting_too_long',
      status,
      channel: w.channel,
      conversationId: w.conversationId,
      customerId: w.customerId,
      eventId: w.eventId,
      waitingSinceMs: w.sinceMs,
      waitedMinutes,
      thresholdMinutes: threshold,
      openedAtMs: a.openedAtMs,
      tsMs: nowMs,
      text,
    };
    if (w.agentId !== undefined) out.agentId = w.agentId;
    return out;
  };

  const drop = (m: Map<string, Waiting>, id: string) => {
    if (m.delete(id)) count--;
  };

  return {
    observe(e) {
      if (!rules.enabled || rules.minutes[e.channel] === undefined) return;
      let m = byChannel.get(e.channel);
      if (e.agentId !== undefined && e.agentId !== '') assign(e.conversationId, e.agentId);
      if (e.author === 'agent') {
        const w = m?.get(e.conversationId);
        if (!w || !m) return;
        drop(m, e.conversationId);
        if (w.alert) ended.push({ w, how: 'replied', atMs: Math.max(w.sinceMs, e.receivedAtMs) });
        return;
      }
      if (e.author !== 'customer') return;
      if (!m) byChannel.set(e.channel, (m = new Map()));
      const w = m.get(e.conversationId);
      if (w) {
        // Still the same wait: it started with the first unanswered message.
        const agent = agents.get(e.conversationId);
        if (agent !== undefined) w.agentId = agent;
        return;
      }
      const fresh: Waiting = { conversationId: e.conversationId, channel: e.channel, customerId: e.customerId, eventId: e.id, sinceMs: e.receivedAtMs };
      const agent = agents.get(e.conversationId);
      if (agent !== undefined) fresh.agentId = agent;
      m.set(e.conversationId, fresh);
      count++;
      if (m.size > rules.maxConversations) {
        const [oldest] = m.values();
        if (oldest) {
          drop(m, oldest.conversationId);
          if (oldest.alert) ended.push({ w: oldest, how: 'abandoned', atMs: e.receivedAtMs });
        }
      }
    },
    evaluate(nowMs) {
      if (!rules.enabled) return [];
      const out = ended.map(({ w, how, atMs }) => make(w, 'resolved', nowMs, how, atMs));
      ended = [];
      for (const [channel, m] of byChannel) {
        const limitMs = (rules.minutes[channel] ?? Infinity) * MINUTE;
        for (const w of m.values()) {
          const waited = nowMs - w.sinceMs;
          // Insertion order is wait order (engine receive time only grows), so the rest are not due yet.
          if (waited < limitMs) break;
          if (waited >= rules.giveUpMinutes * MINUTE) {
            drop(m, w.conversationId);
            if (w.alert) out.push(make(w, 'resolved', nowMs, 'abandoned'));
          } else if (!w.alert) {
            w.alert = { alertId: `wait-${w.conversationId}-${w.sinceMs}`, openedAtMs: nowMs, lastUpdateMs: nowMs };
            out.push(make(w, 'open', nowMs));
          } else if (nowMs - w.alert.lastUpdateMs >= rules.updateMinutes * MINUTE) {
            w.alert.lastUpdateMs = nowMs;
            out.push(make(w, 'update', nowMs));
          }
        }
      }
      return out;
    },
    forgetCustomer(target) {
      let removed = 0;
      // Dropped without a `resolved`: that state would carry the customer again.
      for (const m of byChannel.values()) {
        for (const w of [...m.values()]) {
          if (!target.matches(w.customerId)) continue;
          drop(m, w.conversationId);
          removed++;
        }
      }
      const before = ended.length;
      ended = ended.filter((x) => !target.matches(x.w.customerId));
      return [{ place: 'memory', what: 'conversations waiting for a reply', removed: removed + before - ended.length }];
    },
    open() {
      const ids: string[] = [];
      for (const m of byChannel.values()) for (const w of m.values()) if (w.alert) ids.push(w.alert.alertId);
      return ids;
    },
    get waiting() {
      return count;
    },
    adopt(list) {
      const taken: string[] = [];
      if (!rules.enabled) return taken;
      // In wait order, as observe() would have added them (evaluate relies on it); called before any event.
      for (const a of [...list].sort((x, y) => x.waitingSinceMs - y.waitingSinceMs)) {
        if (rules.minutes[a.channel] === undefined) continue;
        let m = byChannel.get(a.channel);
        if (!m) byChannel.set(a.channel, (m = new Map()));
        if (m.has(a.conversationId)) continue;
        const w: Waiting = {
          conversationId: a.conversationId, channel: a.channel, customerId: a.customerId, eventId: a.eventId, sinceMs: a.waitingSinceMs,
          alert: { alertId: a.alertId, openedAtMs: a.openedAtMs, lastUpdateMs: a.tsMs },
        };
        if (a.agentId !== undefined) {
          w.agentId = a.agentId;
          assign(a.conversationId, a.agentId);
        }
        m.set(a.conversationId, w);
        count++;
        taken.push(a.alertId);
      }
      return taken;
    },
  };
}
