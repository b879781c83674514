import type { WebSocket } from 'ws';
import type { ScoredEvent } from '../event/types.ts';

/** Above this many bytes waiting in a client's socket buffer, new messages to it are dropped. */
export const DEFAULT_MAX_CLIENT_BUFFER_BYTES = 1 << 20;

export interface FeedHub {
  add(socket: WebSocket): void;
  broadcast(rows: readonly ScoredEvent[]): void;
  readonly clients: number;
  closeAll(code: number, reason: string): void;
}

/**
 * Fans scored events out to WebSocket clients, one JSON message `{type:"score", event}` each.
 * A slow client never slows the engine: its messages are dropped (and counted) while its socket
 * buffer is over the limit.
 */
export function createFeedHub(hooks: { onClients?(n: number): void; onDropped?(n: number): void } = {}, maxBuffer = DEFAULT_MAX_CLIENT_BUFFER_BYTES): FeedHub {
  const sockets = new Set<WebSocket>();
  return {
    add(socket) {
      sockets.add(socket);
      hooks.onClients?.(sockets.size);
      socket.on('close', () => {
        sockets.delete(socket);
        hooks.onClients?.(sockets.size);
      });
    },
    broadcast(rows) {
      if (sockets.size === 0 || rows.length === 0) return;
      const messages = rows.map((event) => JSON.stringify({ type: 'score', event }));
      for (const s of sockets) {
        if (s.readyState !== s.OPEN) continue;
        let dropped = 0;
        for (const m of messages) {
          if (s.bufferedAmount > maxBuffer) dropped++;
          else s.send(m);
        }
        if (dropped > 0) hooks.onDropped?.(dropped);
      }
    },
    get clients() {
      return sockets.size;
    },
    closeAll(code, reason) {
      for (const s of sockets) s.close(code, reason);
    },
  };
}
