import type { WebSocket } from 'ws';
import type { FeedViewer } from './protocol.ts';

export interface ClientLimits {
  /** Messages waiting for one client; when full the oldest is dropped. */
  queueSize: number;
  /** A client whose queue stays full this long is cut off. */
  slowGraceMs: number;
  /** A client whose socket buffer holds more than this many bytes is cut off at once. */
  maxBufferBytes: number;
  /** Messages move from the queue to the socket only while its buffer is below this. */
  sendWindowBytes: number;
}

/**
 * One feed client: a bounded ring of serialized messages in front of its socket. The engine only
 * ever appends (O(1), never blocks); messages move to the socket while the socket's own buffer is
 * under the send window, and each completed write pulls the next ones. So a client that stops
 * reading costs at most `queueSize` messages plus the window, never engine time.
 */
export class FeedClient {
  /** Messages this client lost to drop-oldest since it connected. */
  dropped = 0;
  private readonly ring: (string | undefined)[];
  private head = 0;
  private size = 0;
  /** When the queue became full and stayed full; undefined while it has room. */
  private fullSince: number | undefined;
  private readonly afterWrite = (err?: Error) => {
    if (!err) this.pump();
  };

  constructor(
    readonly socket: WebSocket,
    readonly viewer: FeedViewer,
    private readonly limits: ClientLimits,
    private readonly onDropped: (n: number) => void,
  ) {
    this.ring = new Array<string | undefined>(Math.max(1, limits.queueSize));
  }

  get queued(): number {
    return this.size;
  }

  enqueue(message: string, now: number): void {
    const cap = this.ring.length;
    if (this.size === cap) {
      // Drop-oldest: a live screen wants the newest state more than a complete history.
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % cap;
      this.size--;
      this.dropped++;
      this.onDropped(1);
      this.fullSince ??= now;
    }
    this.ring[(this.head + this.size) % cap] = message;
    this.size++;
  }

  /** Moves queued messages to the socket while its buffer has room. */
  pump(): void {
    const s = this.socket;
    while (this.size > 0 && s.readyState === s.OPEN && s.bufferedAmount < this.limits.sendWindowBytes) {
      const m = this.ring[this.head] as string;
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.ring.length;
      this.size--;
      s.send(m, this.afterWrite);
    }
    if (this.size < this.ring.length) this.fullSince = undefined;
  }

  /** Why this client must be cut off now, or undefined while it keeps up well enough. */
  tooSlow(now: number): string | undefined {
    if (this.socket.bufferedAmount > this.limits.maxBufferBytes) return `socket buffer over ${this.limits.maxBufferBytes} bytes`;
    if (this.fullSince !== undefined && now - this.fullSince > this.limits.slowGraceMs) return `queue full for over ${this.limits.slowGraceMs} ms`;
    return undefined;
  }

  /** Frees the queue; the socket is closed by the caller. */
  discard(): void {
    this.ring.fill(undefined);
    this.size = 0;
  }
}
