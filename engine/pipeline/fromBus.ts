import { Observable } from 'rxjs';
import type { Envelope, EventBus } from '../bus/types.ts';

export interface InFlight {
  readonly count: number;
}

/**
 * The pipeline's source: pulls from the bus only while fewer than `maxInFlight` messages are
 * unsettled (neither acked nor nak'ed), so a slow sink slows the consumer instead of filling memory.
 * Completes when the bus stops delivering (graceful shutdown).
 */
export function fromBus(bus: Pick<EventBus, 'messages' | 'stop'>, maxInFlight: number, onChange?: (n: number) => void): Observable<Envelope> & InFlight {
  let count = 0;
  let waiter: (() => void) | undefined;
  const settle = () => {
    count--;
    onChange?.(count);
    const w = waiter;
    waiter = undefined;
    w?.();
  };
  const source = new Observable<Envelope>((subscriber) => {
    let closed = false;
    void (async () => {
      try {
        for await (const env of bus.messages()) {
          if (closed) {
            env.nak();
            break;
          }
          let settled = false;
          const once = (fn: () => void) => () => {
            if (settled) return;
            settled = true;
            fn();
            settle();
          };
          count++;
          onChange?.(count);
          subscriber.next({ ...env, ack: once(env.ack), nak: (d?: number) => once(() => env.nak(d))() });
          while (count >= maxInFlight && !closed) await new Promise<void>((r) => (waiter = r));
        }
        subscriber.complete();
      } catch (e) {
        subscriber.error(e);
      }
    })();
    return () => {
      closed = true;
      void bus.stop();
    };
  });
  return Object.defineProperty(source, 'count', { get: () => count }) as Observable<Envelope> & InFlight;
}
