import type { Envelope } from '../../engine/bus/types.ts';
import type { CxEvent } from '../../engine/event/types.ts';
import type { Featurized, Tracked } from '../../engine/pipeline/types.ts';
import type { VirtualTime } from './virtualTime.ts';

/** An envelope whose ack, nak and working are noted in the virtual-time log (`ack a`, `nak a`, `nak a: reason`, `working a`). */
export function envelope(vt: VirtualTime, id: string, data: string = JSON.stringify({ id })): Envelope {
  return {
    subject: 'cx.events.chat',
    data: new TextEncoder().encode(data),
    receivedAtMs: 0,
    deliveryCount: 1,
    ack: () => vt.note(`ack ${id}`),
    nak: (_delay, reason) => vt.note(reason === undefined ? `nak ${id}` : `nak ${id}: ${reason}`),
    working: () => vt.note(`working ${id}`),
  };
}

export function chatEvent(id: string, text = `text of ${id}`): CxEvent {
  return { id, channel: 'chat', conversationId: 'c1', customerId: 'u1', author: 'customer', text, tsMs: 1_000 };
}

/** An event ready to score; its text is its id unless given. */
export function featurized(vt: VirtualTime, id: string, text = id): Featurized {
  return { env: envelope(vt, id), event: chatEvent(id, text), text, language: { lang: 'en', confidence: 1 }, features: new Int32Array([1]), featuresVersion: 'm1' };
}

/** A scored event with its conversation state, ready for the store. */
export function tracked(vt: VirtualTime, id: string): Tracked {
  return {
    ...featurized(vt, id),
    sentiment: { label: 'negative', score: -0.5, confidence: 0.9 },
    modelVersion: 'm1',
    scoredAtMs: 0,
    conversation: { turns: 1, recent: [-0.5], trend: 0 },
  };
}
