import { canSee, type FeedViewer, type SnapshotCue } from './protocol.ts';
import type { ErasureTarget } from '../event/erasure.ts';

/**
 * What the hub remembers of cues and alerts for the `snapshot` on connect, so a reloaded page is
 * complete at once: the last `cuesPerConversation` cues of the `cueConversations` most recently
 * advised conversations, and every open alert in its latest state (an alert leaves when a
 * `resolved` for its alertId passes). All bounded: the oldest conversation or alert goes first.
 */
export interface RecallLimits {
  cuesPerConversation: number;
  cueConversations: number;
  maxOpenAlerts: number;
}

export const DEFAULT_RECALL_LIMITS: RecallLimits = { cuesPerConversation: 10, cueConversations: 500, maxOpenAlerts: 1000 };

interface ConvCues {
  /** The agent the cues were routed to (their `agentId`, else the hub's assignment then). */
  owner: string | undefined;
  cues: Record<string, unknown>[];
}

export interface Recall {
  cue(conversationId: string, owner: string | undefined, cue: Record<string, unknown>): void;
  alert(alert: Record<string, unknown>): void;
  /** Cues this viewer may see, oldest conversation first, each conversation's cues oldest first. */
  cuesFor(viewer: FeedViewer, ownerNow: (conversationId: string) => string | undefined): SnapshotCue[];
  /** Open alerts (latest state each, oldest opened first) for supervisors, admins and the open feed; none for agents. */
  alertsFor(viewer: FeedViewer): Record<string, unknown>[];
  /** Erasure: drops the cues of these conversations or naming the customer, and open alerts naming it. Returns how many went. */
  forget(target: ErasureTarget, conversations: ReadonlySet<string>): number;
}

const names = (target: ErasureTarget, o: Record<string, unknown>) => typeof o.customerId === 'string' && target.matches(o.customerId);

export function createRecall(limits: RecallLimits = DEFAULT_RECALL_LIMITS): Recall {
  const convs = new Map<string, ConvCues>();
  const alerts = new Map<string, Record<string, unknown>>();
  return {
    cue(conversationId, owner, cue) {
      if (limits.cuesPerConversation <= 0 || limits.cueConversations <= 0) return;
      const c = convs.get(conversationId) ?? { owner, cues: [] };
      convs.delete(conversationId);
      convs.set(conversationId, c);
      if (owner !== undefined) c.owner = owner;
      c.cues.push(cue);
      if (c.cues.length > limits.cuesPerConversation) c.cues.splice(0, c.cues.length - limits.cuesPerConversation);
      if (convs.size > limits.cueConversations) {
        const oldest = convs.keys().next().value;
        if (oldest !== undefined) convs.delete(oldest);
      }
    },
    alert(alert) {
      const id = alert.alertId;
      if (typeof id !== 'string') return;
      if (alert.status === 'resolved') {
        alerts.delete(id);
        return;
      }
      // Keep the first-open order: an update replaces the entry in place.
      alerts.set(id, alert);
      if (alerts.size > limits.maxOpenAlerts) {
        const oldest = alerts.keys().next().value;
        if (oldest !== undefined) alerts.delete(oldest);
      }
    },
    cuesFor(viewer, ownerNow) {
      const out: SnapshotCue[] = [];
      for (const [conversationId, c] of convs) {
        if (!canSee(viewer, ownerNow(conversationId) ?? c.owner)) continue;
        for (const cue of c.cues) out.push({ conversationId, cue });
      }
      return out;
    },
    alertsFor(viewer) {
      return viewer.role === 'agent' ? [] : [...alerts.values()];
    },
    forget(target, conversations) {
      let removed = 0;
      for (const [id, c] of convs) {
        if (conversations.has(id)) {
          removed += c.cues.length;
          convs.delete(id);
          continue;
        }
        const kept = c.cues.filter((cue) => !names(target, cue));
        removed += c.cues.length - kept.length;
        c.cues = kept;
      }
      for (const [id, a] of alerts) if ((names(target, a) || (typeof a.conversationId === 'string' && conversations.has(a.conversationId))) && alerts.delete(id)) removed++;
      return removed;
    },
  };
}
