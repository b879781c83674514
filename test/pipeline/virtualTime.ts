import { Observable, type ObservableNotification } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';

export interface Message {
  frame: number;
  notification: ObservableNotification<unknown>;
}

/** Parses a marble diagram in run-mode syntax: 1 frame = 1 ms, spaces ignored, `10ms` waits. */
export function marbles(diagram: string, values?: Record<string, unknown>, error?: unknown): Message[] {
  const factor = TestScheduler.frameTimeFactor;
  TestScheduler.frameTimeFactor = 1;
  try {
    return TestScheduler.parseMarbles(diagram, values, error, false, true);
  } finally {
    TestScheduler.frameTimeFactor = factor;
  }
}

const settle = () => new Promise<void>((r) => setImmediate(r));

/**
 * Virtual time for operators that await promises (a store write, a model call, a DLQ write).
 * TestScheduler.run() flushes all of virtual time synchronously, so no promise could settle inside
 * it; here time is just as virtual, but it advances one due action at a time and the pending
 * promise callbacks run in between. Operators under test take `scheduler` for their timers.
 */
export class VirtualTime {
  readonly scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  /** Side effects in the order they happened, each with its virtual time: `31 ack a`. */
  readonly log: string[] = [];

  note(what: string): void {
    this.log.push(`${this.scheduler.now()} ${what}`);
  }

  /** An observable that plays `diagram` from the moment it is subscribed. */
  cold<T>(diagram: string, values?: Record<string, T>, error?: unknown): Observable<T> {
    const messages = marbles(diagram, values, error);
    return new Observable<T>((subscriber) => {
      const actions = messages.map(({ frame, notification: n }) =>
        this.scheduler.schedule(() => (n.kind === 'N' ? subscriber.next(n.value as T) : n.kind === 'E' ? subscriber.error(n.error) : subscriber.complete()), frame),
      );
      return () => actions.forEach((a) => a.unsubscribe());
    });
  }

  /** Subscribes to `source` and plays virtual time until nothing is due; returns what it emitted, with frames. */
  async play(source: Observable<unknown>, maxFrame = 60_000): Promise<Message[]> {
    const s = this.scheduler;
    const got: Message[] = [];
    const at = (notification: ObservableNotification<unknown>) => got.push({ frame: s.frame, notification });
    const sub = source.subscribe({
      next: (value) => at({ kind: 'N', value }),
      error: (error: unknown) => at({ kind: 'E', error }),
      complete: () => at({ kind: 'C' }),
    });
    for (;;) {
      await settle();
      const next = s.actions[0];
      if (!next || next.delay > maxFrame) break;
      s.maxFrames = next.delay;
      s.flush();
    }
    sub.unsubscribe();
    return got;
  }

  /** Plays `source` and checks its output against `diagram`. */
  async expect(source: Observable<unknown>, diagram: string, values?: Record<string, unknown>, error?: unknown): Promise<void> {
    expect(await this.play(source)).toEqual(marbles(diagram, values, error));
  }
}
