import type { ScoredEvent } from '../event/types.ts';

/**
 * The `/v1/feed` WebSocket protocol (README, "The live feed"). Version 1: `hello`, `snapshot`,
 * `score`, `cue`, `alert`, `action`. Fields are only ever added (the snapshot's `cues` and `alerts` came
 * later), so a version 1 client keeps working. The cue and alert bodies are the `Cue` and `Alert`
 * types of engine/event/advice.ts; the hub routes them without reading more than the ids.
 */
export const FEED_PROTOCOL_VERSION = 1;

/** The roles a token may carry (engine/event/access.ts); kept under this name for the feed's readers. */
export { ROLES as FEED_ROLES, type Role as FeedRole } from '../access/index.ts';

/**
 * Who is reading. `open` is the unauthenticated feed of a local demo (no CXPULSE_JWT_SECRET):
 * it sees everything, like a supervisor.
 */
export type FeedViewer = { role: 'supervisor' | 'admin' | 'open'; sub?: string } | { role: 'agent'; sub: string };

/** WebSocket close codes the feed uses (4000-4999 is the application range of RFC 6455). */
export const FEED_CLOSE = {
  /** The client's token expired (reason `token expired`); a client without a valid token is refused with HTTP 401 before the upgrade. */
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

/** One remembered cue in a snapshot: the same fields as a `cue` message, without `type`. */
export interface SnapshotCue {
  conversationId: string;
  cue: Record<string, unknown>;
}

export interface SnapshotMessage {
  type: 'snapshot';
  /** Of the last scored events the engine keeps (CXPULSE_FEED_SNAPSHOT_SIZE), those this client may see, oldest first. */
  events: ScoredEvent[];
  /** Recent cues this client may see (the last few per conversation, of the most recently advised conversations), oldest first. */
  cues: SnapshotCue[];
  /** Alerts open now, latest state of each (supervisor, admin and the open feed; always empty for agents). */
  alerts: Record<string, unknown>[];
}

export interface ScoreMessage {
  type: 'score';
  event: ScoredEvent;
}

/** Advice for the agent of one conversation (a `Cue`, engine/event/advice.ts); also to supervisors. */
export interface CueMessage {
  type: 'cue';
  conversationId: string;
  cue: Record<string, unknown>;
}

/** An alert (`Alert`, engine/event/advice.ts) in state open, update or resolved: supervisors, admins and the open feed. */
export interface AlertMessage {
  type: 'alert';
  alert: Record<string, unknown>;
}

/** A next best action (`ActionRecommendation`, engine/event/actions.ts), each new state of it: supervisors, admins and the open feed. */
export interface ActionMessage {
  type: 'action';
  action: Record<string, unknown>;
}

export type FeedMessage = HelloMessage | SnapshotMessage | ScoreMessage | CueMessage | AlertMessage | ActionMessage;

/** Whether a viewer may see an event of a conversation whose assigned agent is `owner`. */
export function canSee(viewer: FeedViewer, owner: string | undefined): boolean {
  if (viewer.role === 'agent') return owner !== undefined && owner === viewer.sub;
  return true;
}
