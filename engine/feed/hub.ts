import type { WebSocket } from 'ws';
import type { ScoredEvent } from '../event/types.ts';
import type { ForgetsCustomers } from '../event/erasure.ts';
import { DEFAULT_FEED_QUEUE_SIZE, DEFAULT_FEED_SLOW_GRACE_MS, DEFAULT_FEED_SNAPSHOT_SIZE } from '../config/index.ts';
import { FeedClient, type ClientLimits } from './client.ts';
import { createRecall, DEFAULT_RECALL_LIMITS, type RecallLimits } from './recall.ts';
import { canSee, FEED_CLOSE, FEED_PROTOCOL_VERSION, TOO_SLOW_REASON, type FeedMessage, type FeedViewer, type HelloMessage } from './protocol.ts';

export { DEFAULT_FEED_SNAPSHOT_SIZE, DEFAULT_FEED_QUEUE_SIZE, DEFAULT_FEED_SLOW_GRACE_MS };
/** Hard cap on one client's socket buffer; past it the client is closed at once. */
export const DEFAULT_MAX_CLIENT_BUFFER_BYTES = 8 << 20;
export const DEFAULT_SEND_WINDOW_BYTES = 1 << 20;
/** Conversation -> agent assignments remembered (oldest forgotten first). */
export const DEFAULT_MAX_CONVERSATIONS = 100_000;

export interface FeedHubOptions extends ClientLimits, RecallLimits {
  snapshotSize: number;
  maxConversations: number;
}

export const DEFAULT_FEED_HUB_OPTIONS: FeedHubOptions = {
  snapshotSize: DEFAULT_FEED_SNAPSHOT_SIZE,
  queueSize: DEFAULT_FEED_QUEUE_SIZE,
  slowGraceMs: DEFAULT_FEED_SLOW_GRACE_MS,
  maxBufferBytes: DEFAULT_MAX_CLIENT_BUFFER_BYTES,
  sendWindowBytes: DEFAULT_SEND_WINDOW_BYTES,
  maxConversations: DEFAULT_MAX_CONVERSATIONS,
  ...DEFAULT_RECALL_LIMITS,
};

export interface FeedHubHooks {
  onClients?(n: number): void;
  onDropped?(n: number): void;
  /** A client was cut off for reading too slowly. */
  onSlowClient?(viewer: FeedViewer, why: string, dropped: number): void;
}

export interface FeedClientStats {
  role: FeedViewer['role'];
  sub?: string;
  queued: number;
  dropped: number;
}

export interface FeedHub extends ForgetsCustomers {
  /**
   * Registers a connected socket: sends `hello` and the `snapshot` of recent events, recent cues
   * and open alerts this viewer may see, then `score`, `cue` and `alert` messages as they arrive. Viewer defaults to the open (unauthenticated) feed.
   */
  add(socket: WebSocket, viewer?: FeedViewer, hello?: Pick<HelloMessage, 'authenticated' | 'tfBackend'>): void;
  /** Called by the engine once rows are scored (live mode) or durable (durable mode); an id may come again. Never waits for a client. */
  broadcast(rows: readonly ScoredEvent[]): void;
  /** A cue for one conversation: to the agent it is assigned to (`agentId`, else the hub's own assignment) and supervisors. */
  broadcastCue(conversationId: string, agentId: string | undefined, cue: Record<string, unknown>): void;
  /** A supervisor alert: supervisors, admins and the open feed only, never agents. */
  broadcastAlert(alert: Record<string, unknown>): void;
  /** A next best action (a new state of it): supervisors, admins and the open feed only, never agents. */
  broadcastAction(action: Record<string, unknown>): void;
  readonly clients: number;
  stats(): FeedClientStats[];
  closeAll(code: number, reason: string): void;
}

interface Kept {
  event: ScoredEvent;
  /** The agent assigned to the event's conversation when it was scored. */
  owner: string | undefined;
}

/**
 * Fans scored events out to WebSocket clients. Routing: an agent gets only events of conversations
 * assigned to it; the assignment is learnt from any event that carries `agentId`, so the customer's
 * turns (which do not) still reach the agent. Supervisors, admins and the open feed get everything.
 * Each client has its own bounded queue (see FeedClient), so a slow one never slows the engine or
 * the other clients.
 */
export function createFeedHub(hooks: FeedHubHooks = {}, options: Partial<FeedHubOptions> = {}): FeedHub {
  const opts: FeedHubOptions = { ...DEFAULT_FEED_HUB_OPTIONS, ...options };
  const clients = new Set<FeedClient>();
  const owners = new Map<string, string>();
  const recent: (Kept | undefined)[] = new Array<Kept | undefined>(opts.snapshotSize);
  let recentNext = 0;
  const recall = createRecall(opts);
  let sweep: NodeJS.Timeout | undefined;

  const count = () => hooks.onClients?.(clients.size);
  const remove = (c: FeedClient) => {
    if (!clients.delete(c)) return;
    c.discard();
    count();
    if (clients.size === 0 && sweep) {
      clearInterval(sweep);
      sweep = undefined;
    }
  };
  const cutOff = (c: FeedClient, why: string) => {
    remove(c);
    hooks.onSlowClient?.(c.viewer, why, c.dropped);
    // The close frame queues behind unsent data; ws destroys the socket if the close handshake
    // does not finish within its closeTimeout, so a dead client is released either way.
    c.socket.close(FEED_CLOSE.TOO_SLOW, TOO_SLOW_REASON);
  };
  const checkSlow = (now: number) => {
    for (const c of clients) {
      const why = c.tooSlow(now);
      if (why) cutOff(c, why);
    }
  };

  const ownerOf = (e: ScoredEvent): string | undefined => {
    if (e.agentId !== undefined && e.agentId !== '') {
      // Re-insert so the map's order is least-recently-assigned first, for eviction.
      owners.delete(e.conversationId);
      owners.set(e.conversationId, e.agentId);
      if (owners.size > opts.maxConversations) {
        const oldest = owners.keys().next().value;
        if (oldest !== undefined) owners.delete(oldest);
      }
      return e.agentId;
    }
    return owners.get(e.conversationId);
  };

  const snapshotFor = (viewer: FeedViewer): ScoredEvent[] => {
    const out: ScoredEvent[] = [];
    const n = recent.length;
    for (let i = 0; i < n; i++) {
      const k = recent[(recentNext + i) % n];
      if (k && canSee(viewer, k.owner)) out.push(k.event);
    }
    return out;
  };

  const send = (socket: WebSocket, m: FeedMessage) => socket.send(JSON.stringify(m));
  // Cues and alerts share the score path's per-client queues, so a slow client is handled the same way.
  const fanOut = (message: string, may: (v: FeedViewer) => boolean) => {
    const now = Date.now();
    for (const c of clients) if (may(c.viewer)) c.enqueue(message, now);
    for (const c of clients) c.pump();
    checkSlow(now);
  };

  return {
    add(socket, viewer = { role: 'open' }, hello = { authenticated: false, tfBackend: 'none' }) {
      // hello and snapshot go straight to the socket, ahead of anything queued: add() and
      // broadcast() both run synchronously, so no score can slip in between.
      const h: HelloMessage = { type: 'hello', protocol: FEED_PROTOCOL_VERSION, role: viewer.role, ...hello };
      if (viewer.sub !== undefined) h.sub = viewer.sub;
      send(socket, h);
      send(socket, { type: 'snapshot', events: snapshotFor(viewer), cues: recall.cuesFor(viewer, (id) => owners.get(id)), alerts: recall.alertsFor(viewer) });
      const c = new FeedClient(socket, viewer, opts, (n) => hooks.onDropped?.(n));
      clients.add(c);
      count();
      socket.on('close', () => remove(c));
      // Also checked on every broadcast; the timer catches a client that stalls while traffic is idle.
      sweep ??= setInterval(() => checkSlow(Date.now()), Math.min(1000, Math.max(50, opts.slowGraceMs / 4))).unref();
    },
    broadcast(rows) {
      if (rows.length === 0) return;
      const now = Date.now();
      for (const event of rows) {
        const owner = ownerOf(event);
        if (recent.length > 0) {
          recent[recentNext] = { event, owner };
          recentNext = (recentNext + 1) % recent.length;
        }
        if (clients.size === 0) continue;
        const message = JSON.stringify({ type: 'score', event } satisfies FeedMessage);
        for (const c of clients) if (canSee(c.viewer, owner)) c.enqueue(message, now);
      }
      for (const c of clients) c.pump();
      checkSlow(now);
    },
    broadcastCue(conversationId, agentId, cue) {
      const owner = agentId !== undefined && agentId !== '' ? agentId : owners.get(conversationId);
      recall.cue(conversationId, owner, cue);
      if (clients.size === 0) return;
      fanOut(JSON.stringify({ type: 'cue', conversationId, cue } satisfies FeedMessage), (v) => canSee(v, owner));
    },
    broadcastAlert(alert) {
      recall.alert(alert);
      if (clients.size === 0) return;
      fanOut(JSON.stringify({ type: 'alert', alert } satisfies FeedMessage), (v) => v.role !== 'agent');
    },
    forgetCustomer(target) {
      // The customer's conversations, from the events kept for the snapshot: their cues and assignments go too.
      const conversations = new Set<string>();
      let events = 0;
      for (let i = 0; i < recent.length; i++) {
        const k = recent[i];
        if (!k || !target.matches(k.event.customerId)) continue;
        conversations.add(k.event.conversationId);
        recent[i] = undefined;
        events++;
      }
      const advice = recall.forget(target, conversations);
      for (const id of conversations) owners.delete(id);
      return [
        { place: 'memory', what: 'feed snapshot events', removed: events },
        { place: 'memory', what: 'feed snapshot cues and alerts', removed: advice },
      ];
    },
    broadcastAction(action) {
      if (clients.size === 0) return;
      fanOut(JSON.stringify({ type: 'action', action } satisfies FeedMessage), (v) => v.role !== 'agent');
    },
    get clients() {
      return clients.size;
    },
    stats() {
      return [...clients].map((c) => ({ role: c.viewer.role, ...(c.viewer.sub !== undefined ? { sub: c.viewer.sub } : {}), queued: c.queued, dropped: c.dropped }));
    },
    closeAll(code, reason) {
      for (const c of [...clients]) {
        remove(c);
        c.socket.close(code, reason);
      }
    },
  };
}
