/**
 * Turns the engine's events into the reducer's observations: a scored message (its sentiment
 * label, the formality head when present, escalation from the source metadata) or a CRM business
 * event. Anything malformed in `meta` is ignored, never thrown: a bad field must not cost the
 * event its score.
 */
import type { BusinessEvent, CxEvent, FormalityLabel, SentimentLabel } from '../event/types.ts';
import type { BusinessObservation, MessageObservation } from './state.ts';

/** Epoch ms from `meta.customerSince` (ISO-8601 or epoch ms), when valid. */
export function customerSinceOf(meta: Record<string, unknown> | undefined): number | undefined {
  const v = meta?.['customerSince'];
  const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) && t > Date.UTC(1970, 0, 2) ? t : undefined;
}

/**
 * A supervisor took over (`meta.escalated: true`, as chat tools flag it) or a call was transferred
 * (`meta.transfers` > 0, from the call connector).
 */
export function isEscalated(meta: Record<string, unknown> | undefined): boolean {
  const transfers = meta?.['transfers'];
  return meta?.['escalated'] === true || (typeof transfers === 'number' && transfers > 0);
}

export interface ScoredMessage {
  event: Pick<CxEvent, 'id' | 'conversationId' | 'author' | 'tsMs' | 'meta'>;
  sentiment: { label: SentimentLabel };
  formality?: { label: FormalityLabel } | undefined;
}

export function messageObservation(m: ScoredMessage): MessageObservation {
  const since = customerSinceOf(m.event.meta);
  return {
    kind: 'message',
    id: m.event.id,
    conversationId: m.event.conversationId,
    author: m.event.author,
    tsMs: m.event.tsMs,
    negative: m.sentiment.label === 'negative',
    ...(m.formality ? { formal: m.formality.label === 'formal' } : {}),
    escalated: isEscalated(m.event.meta),
    ...(since !== undefined ? { customerSinceMs: since } : {}),
  };
}

export function businessObservation(e: Pick<BusinessEvent, 'id' | 'type' | 'tsMs' | 'meta'>): BusinessObservation {
  const since = customerSinceOf(e.meta);
  const toPlan = e.meta?.['toPlan'];
  return {
    kind: 'business',
    id: e.id,
    type: e.type,
    tsMs: e.tsMs,
    ...(typeof toPlan === 'string' && toPlan !== '' ? { toPlan } : {}),
    ...(e.meta?.['direction'] === 'downgrade' ? { downgrade: true } : {}),
    ...(since !== undefined ? { customerSinceMs: since } : {}),
  };
}
