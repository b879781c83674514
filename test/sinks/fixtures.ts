import { BUSINESS_EVENT_TYPES } from '../../engine/event/types.ts';
import type { BusinessEvent, Channel, ScoredEvent } from '../../engine/event/types.ts';

/** A scored event with plausible values; `over` replaces any field. */
export function scoredEvent(n: number, over: Partial<ScoredEvent> = {}): ScoredEvent {
  const channels: Channel[] = ['chat', 'email', 'call'];
  return {
    id: `ev-${n}`,
    channel: channels[n % 3] ?? 'chat',
    conversationId: `conv-${Math.floor(n / 4)}`,
    customerId: `cust-${n % 7}`,
    author: n % 2 === 0 ? 'customer' : 'agent',
    tsMs: Date.UTC(2025, 4, 17, 12, 30, 15, 250) + n * 1000,
    text: `message number ${n}`,
    lang: 'sv',
    langConfidence: 0.875,
    sentiment: { label: 'negative', score: -0.5, confidence: 0.75 },
    conversation: { turns: n % 5, recent: [-0.5], trend: -0.125 },
    modelVersion: 'sentiment-test-1',
    latencyMs: 12.5,
    receivedAtMs: Date.UTC(2025, 4, 17, 12, 30, 16, 500) + n * 1000,
    ...over,
  };
}

export function scoredEvents(from: number, count: number): ScoredEvent[] {
  return Array.from({ length: count }, (_, i) => scoredEvent(from + i));
}

/** A business (CRM) event; `over` replaces any field. */
export function businessEvent(n: number, over: Partial<BusinessEvent> = {}): BusinessEvent {
  return {
    id: `crm-${n}`,
    customerId: `cust-${n % 7}`,
    type: BUSINESS_EVENT_TYPES[n % BUSINESS_EVENT_TYPES.length] ?? 'order_placed',
    tsMs: Date.UTC(2025, 4, 17, 9, 0, 0, 125) + n * 60_000,
    meta: { amount: 100 + n, currency: 'SEK' },
    receivedAtMs: Date.UTC(2025, 4, 17, 9, 0, 1, 0) + n * 60_000,
    ...over,
  };
}

export function businessEvents(from: number, count: number): BusinessEvent[] {
  return Array.from({ length: count }, (_, i) => businessEvent(from + i));
}

/** A logger that remembers what it was told. */
export function memoryLog(): {
  lines: { level: 'info' | 'warn'; msg: string; o: object }[];
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
} {
  const lines: { level: 'info' | 'warn'; msg: string; o: object }[] = [];
  return {
    lines,
    info: (o, msg) => void lines.push({ level: 'info', msg: msg ?? '', o }),
    warn: (o, msg) => void lines.push({ level: 'warn', msg: msg ?? '', o }),
  };
}
