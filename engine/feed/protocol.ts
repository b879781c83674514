import type { ScoredEvent } from '../event/types.ts';

/**
 * The `/v1/feed` WebSocket protocol (README, "The live feed"). Version 1: `hello`, `snapshot`,
 * `score`; `cue` and `alert` are reserved here so clients can switch on `type` exhaustively now
 * and the hub can route them later without a protocol break.
 */
export const FEED_PROTOCOL_VERSION = 1;

export const FEED_ROLES = ['agent', 'supervisor', 'ingest', 'admin'] as const;
export type FeedRole = (typeof FEED_ROLES)[number];

/**
 * Who is reading. `open` is the unauthenticated feed of a local demo (no CXPULSE_JWT_SECRET):
 * it sees everything, like a supervisor.
 */
export type FeedViewer = { role: 'supervisor' | 'admin' | 'open'; sub?: string } | { role: 'agent'; sub: string };

/** WebSocket close codes the feed uses (4000-4999 is the application range of RFC 6455). */
export const FEED_CLOSE = {
  /** Normally the client is refused with HTTP 401 before the upgrade; this is the fallback should a socket reach the handler unauthenticated. */
  UNAUTHORIZED: 4401,
  /** Reserved: today a forbidden role is refused with HTTP 403 before the upgrade. */
  FORBIDDEN: 4403,
  /** The client did not read fast enough: its queue stayed full past the grace period, or its socket buffer passed the hard cap. */
  TOO_SLOW: 4008,
  GOING_AWAY: 1001,
} as const;
export const TOO_SLOW_REASON = 'client too slow';

export interface HelloMessage {
  type: 'hello';
  protocol: number;
  role: FeedViewer['role'];
  sub?: string;
  /** False when the engine runs without CXPULSE_JWT_SECRET. */
  authenticated: boolean;
  tfBackend: string;
}

export interface SnapshotMessage {
  type: 'snapshot';
  /** Of the last scored events the engine keeps (CXPULSE_FEED_SNAPSHOT_SIZE), those this client may see, oldest first. */
  events: ScoredEvent[];
}

export interface ScoreMessage {
  type: 'score';
  event: ScoredEvent;
}

/** Reserved: advice for the agent of one conversation (issue 5). */
export interface CueMessage {
  type: 'cue';
  conversationId: string;
  cue: Record<string, unknown>;
}

/** Reserved: for supervisors and admins (issue 5). */
export interface AlertMessage {
  type: 'alert';
  alert: Record<string, unknown>;
}

export type FeedMessage = HelloMessage | SnapshotMessage | ScoreMessage | CueMessage | AlertMessage;

/** Whether a viewer may see an event of a conversation whose assigned agent is `owner`. */
export function canSee(viewer: FeedViewer, owner: string | undefined): boolean {
  if (viewer.role === 'agent') return owner !== undefined && owner === viewer.sub;
  return true;
}
