/**
 * What one feed subscriber saw (GET /v1/feed, protocol in engine/feed/protocol.ts). Runtime-neutral (see plan.ts).
 *
 * Only this run's events count. The feed is a live view: a redelivered event may come again with
 * the same id, so an id counts once (the first arrival gives the latency). A subscriber expects
 * the events it may see: a wallboard all of them, agent k those of its conversations
 * (seq % agents === k).
 */
import { agentIndexOf, seqOf } from './events.ts';

/** Which of a run's events a subscriber expects. */
export type Expectation = { kind: 'wallboard' } | { kind: 'agent'; index: number; agents: number };

export const expects = (x: Expectation, seq: number): boolean => x.kind === 'wallboard' || agentIndexOf(seq, x.agents) === x.index;

export class FeedTally {
  /** Seqs seen, each once. */
  private readonly seen = new Set<number>();
  /** Events of this run received, each id once. */
  received = 0;
  /** Messages about an id already received (a live view may resend). */
  duplicates = 0;
  /** Events of this run this subscriber should not have been sent (another agent's). */
  foreign = 0;
  /** Messages that were not JSON objects with a `type`. */
  malformed = 0;
  private minSeq = Number.POSITIVE_INFINITY;
  private maxSeq = Number.NEGATIVE_INFINITY;

  constructor(
    readonly runId: string,
    readonly expectation: Expectation,
  ) {}

  /**
   * Takes one message as received at `nowMs` (the clock that stamped the events' `ts`); returns
   * the publish -> feed latency in ms of a first arrival of an expected event of this run, else undefined.
   */
  take(raw: string, nowMs: number): number | undefined {
    let m: { type?: unknown; event?: { id?: unknown; tsMs?: unknown }; events?: unknown };
    try {
      m = JSON.parse(raw) as typeof m;
    } catch {
      this.malformed++;
      return undefined;
    }
    if (m === null || typeof m !== 'object' || typeof m.type !== 'string') {
      this.malformed++;
      return undefined;
    }
    if (m.type === 'snapshot' && Array.isArray(m.events)) {
      // Events scored before this subscriber connected: seen, but with no latency of their own.
      for (const e of m.events as { id?: unknown }[]) this.note(seqOf(this.runId, e?.id));
      return undefined;
    }
    if (m.type !== 'score' || !m.event) return undefined;
    const seq = this.note(seqOf(this.runId, m.event.id));
    if (seq === undefined || typeof m.event.tsMs !== 'number') return undefined;
    return nowMs - m.event.tsMs;
  }

  /** Counts a seq; returns it when it is a first arrival of an expected event. */
  private note(seq: number | undefined): number | undefined {
    if (seq === undefined) return undefined;
    if (!expects(this.expectation, seq)) {
      this.foreign++;
      return undefined;
    }
    if (this.seen.has(seq)) {
      this.duplicates++;
      return undefined;
    }
    this.seen.add(seq);
    this.received++;
    if (seq < this.minSeq) this.minSeq = seq;
    if (seq > this.maxSeq) this.maxSeq = seq;
    return seq;
  }

  has(seq: number): boolean {
    return this.seen.has(seq);
  }

  /**
   * Expected events missing between the first and the last seq seen: what a subscriber that does
   * not know what was sent (a k6 VU: VUs share no memory) can count. Events refused by the
   * engine leave such gaps too, and events after the last one seen are not counted.
   */
  droppedWithinSeen(): number {
    if (this.received === 0) return 0;
    let expected = 0;
    for (let s = this.minSeq; s <= this.maxSeq; s++) if (expects(this.expectation, s)) expected++;
    return expected - this.received;
  }

  /** Expected events among `accepted` (the seqs the engine answered 202 for) never received: exact. */
  droppedOf(accepted: Iterable<number>): number {
    let dropped = 0;
    for (const s of accepted) if (expects(this.expectation, s) && !this.seen.has(s)) dropped++;
    return dropped;
  }
}
