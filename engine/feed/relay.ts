import type { ScoredEvent } from '../event/types.ts';
import type { FeedHub } from './hub.ts';

/**
 * Scale-out (CXPULSE_INSTANCES > 1): every instance's `/v1/feed` carries every instance's feed
 * messages. Each instance publishes what it gives its own hub (scored events, cues, alerts,
 * actions) on the core NATS subject `cx.internal.feed.<instance>`, and hands what the others
 * publish to its own hub, which routes it like its own: the same per-client filtering (an agent
 * sees only its conversations), snapshot, recall and slow-client handling.
 *
 * Not stored: a message lost while NATS is away is a gap in a live view, like a client's own
 * reconnect; the store holds the record. Only instances send here (the subject is internal, in the
 * same trust zone as `cx.events.>`); a malformed message is ignored and counted, never trusted.
 */
export const FEED_RELAY_SUBJECT_PREFIX = 'cx.internal.feed.';
export const FEED_RELAY_FILTER = `${FEED_RELAY_SUBJECT_PREFIX}*`;
/** Scored events of one broadcast go in NATS messages of about this size at most (the server's default max_payload is 1 MiB). */
export const FEED_RELAY_CHUNK_BYTES = 256 * 1024;

/** What one relay message carries; `from` is the sending instance. */
export type RelayMessage =
  | { from: number; type: 'scores'; events: ScoredEvent[] }
  | { from: number; type: 'cue'; conversationId: string; agentId?: string; cue: Record<string, unknown> }
  | { from: number; type: 'alert'; alert: Record<string, unknown> }
  | { from: number; type: 'action'; action: Record<string, unknown> };

export interface RelayTransport {
  /** Fire and forget: a failure only loses a live message. */
  publish(subject: string, data: Uint8Array): Promise<void>;
  /** Core messages on `subject` (a wildcard), this instance's own included; returns the unsubscribe. */
  subscribe(subject: string, onMessage: (data: Uint8Array) => void): () => void;
}

export interface FeedRelayOptions {
  instance: number;
  transport: RelayTransport;
  /** A message that is not a relay message (or one from this instance's index, but another process: a misconfiguration). */
  onMalformed?(why: string): void;
  chunkBytes?: number;
}

export interface RelayedFeedHub extends FeedHub {
  /** Stop hearing the other instances (the hub goes on serving this instance's own messages). */
  stopRelay(): void;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEvent = (v: unknown): v is ScoredEvent =>
  isRecord(v) && typeof v.id === 'string' && typeof v.conversationId === 'string' && typeof v.customerId === 'string' && (v.agentId === undefined || typeof v.agentId === 'string');

/** The relay message `data` carries; a string saying what is wrong otherwise. */
export function decodeRelayMessage(data: Uint8Array): RelayMessage | string {
  let m: unknown;
  try {
    m = JSON.parse(dec.decode(data));
  } catch {
    return 'not JSON';
  }
  if (!isRecord(m) || !Number.isSafeInteger(m.from) || (m.from as number) < 0) return 'no sending instance';
  switch (m.type) {
    case 'scores':
      return Array.isArray(m.events) && m.events.every(isEvent) ? (m as RelayMessage) : 'scores without valid events';
    case 'cue':
      return typeof m.conversationId === 'string' && isRecord(m.cue) && (m.agentId === undefined || typeof m.agentId === 'string') ? (m as RelayMessage) : 'cue without conversation or body';
    case 'alert':
      return isRecord(m.alert) ? (m as RelayMessage) : 'alert without body';
    case 'action':
      return isRecord(m.action) ? (m as RelayMessage) : 'action without body';
    default:
      return `unknown type ${JSON.stringify(m.type)}`;
  }
}

/**
 * The scored events of one broadcast as relay messages of at most about `chunkBytes` each (one
 * event larger than that goes alone). Each event is serialised once, here.
 */
export function encodeScores(from: number, events: readonly ScoredEvent[], chunkBytes = FEED_RELAY_CHUNK_BYTES): Uint8Array[] {
  const head = `{"from":${from},"type":"scores","events":[`;
  const out: Uint8Array[] = [];
  let parts: string[] = [];
  let size = 0;
  const flush = () => {
    if (parts.length > 0) out.push(enc.encode(`${head}${parts.join(',')}]}`));
    parts = [];
    size = 0;
  };
  for (const e of events) {
    const s = JSON.stringify(e);
    if (parts.length > 0 && size + s.length > chunkBytes) flush();
    parts.push(s);
    size += s.length + 1;
  }
  flush();
  return out;
}

/**
 * Wraps this instance's hub: what the engine broadcasts goes to the local clients and to the other
 * instances; what the other instances broadcast goes to the local clients only (never relayed again).
 */
export function relayFeed(hub: FeedHub, opts: FeedRelayOptions): RelayedFeedHub {
  const subject = `${FEED_RELAY_SUBJECT_PREFIX}${opts.instance}`;
  const ignore = () => undefined;
  const send = (data: Uint8Array) => void opts.transport.publish(subject, data).catch(ignore);
  const sendJson = (m: RelayMessage) => send(enc.encode(JSON.stringify(m)));

  const stop = opts.transport.subscribe(FEED_RELAY_FILTER, (data) => {
    const m = decodeRelayMessage(data);
    if (typeof m === 'string') return opts.onMalformed?.(m);
    if (m.from === opts.instance) return; // our own, already served
    switch (m.type) {
      case 'scores':
        return hub.broadcast(m.events);
      case 'cue':
        return hub.broadcastCue(m.conversationId, m.agentId, m.cue);
      case 'alert':
        return hub.broadcastAlert(m.alert);
      case 'action':
        return hub.broadcastAction(m.action);
    }
  });

  return {
    add: (...a) => hub.add(...a),
    broadcast(rows) {
      hub.broadcast(rows);
      if (rows.length > 0) for (const data of encodeScores(opts.instance, rows, opts.chunkBytes)) send(data);
    },
    broadcastCue(conversationId, agentId, cue) {
      hub.broadcastCue(conversationId, agentId, cue);
      sendJson({ from: opts.instance, type: 'cue', conversationId, ...(agentId !== undefined && agentId !== '' ? { agentId } : {}), cue });
    },
    broadcastAlert(alert) {
      hub.broadcastAlert(alert);
      sendJson({ from: opts.instance, type: 'alert', alert });
    },
    broadcastAction(action) {
      hub.broadcastAction(action);
      sendJson({ from: opts.instance, type: 'action', action });
    },
    forgetCustomer: (target) => hub.forgetCustomer(target),
    get clients() {
      return hub.clients;
    },
    stats: () => hub.stats(),
    closeAll: (code, reason) => hub.closeAll(code, reason),
    stopRelay: stop,
  };
}
