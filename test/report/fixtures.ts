/**
 * Five weeks of customer traffic ending 2026-11-20 (UTC), 20 customer messages per channel per day:
 * chat (German) jumps from 10% to 40% negative in the last week; email (English) and call
 * (Swedish) stay at 10% throughout. Plus agent turns, which the reports must ignore.
 */
import type { Channel, ScoredEvent } from '../../engine/event/types.ts';

export const REPORT_DATE = '2026-11-20';
const END_MS = Date.UTC(2026, 10, 21);
const DAY_MS = 86_400_000;
export const PER_DAY = 20;
export const LANG: Record<Channel, string> = { chat: 'de', email: 'en', call: 'sv' };

export function reportEvents(): ScoredEvent[] {
  const out: ScoredEvent[] = [];
  const channels: Channel[] = ['chat', 'email', 'call'];
  for (let d = 0; d < 35; d++) {
    const dayStart = END_MS - (35 - d) * DAY_MS;
    const lastWeek = d >= 28;
    for (const channel of channels) {
      for (let i = 0; i < PER_DAY; i++) {
        const spike = lastWeek && channel === 'chat';
        const negative = spike ? i % 10 < 4 : i % 10 === 0;
        const conv = `${channel}-${d}-${i % 5}`;
        const tsMs = dayStart + (i % 24) * 3_600_000 + i * 1000;
        const score = negative ? -0.7 - (i % 3) * 0.1 : 0.2 + (d % 4) * 0.05;
        out.push(event(`${channel}-${d}-${i}`, channel, conv, 'customer', tsMs, negative ? 'negative' : 'positive', score));
        if (i % 5 === 0) out.push(event(`${channel}-${d}-${i}-agent`, channel, conv, 'agent', tsMs + 500, 'negative', -0.9));
      }
    }
  }
  return out;
}

function event(id: string, channel: Channel, conv: string, author: 'customer' | 'agent', tsMs: number, label: 'negative' | 'positive', score: number): ScoredEvent {
  return {
    id,
    channel,
    conversationId: conv,
    customerId: `cust-${conv}`,
    author,
    ...(author === 'agent' ? { agentId: 'agent-1' } : {}),
    tsMs,
    text: `${label} message ${id}`,
    lang: LANG[channel],
    langConfidence: 0.9,
    sentiment: { label, score, confidence: 0.8 },
    conversation: { turns: 1, recent: [score], trend: 0 },
    modelVersion: 'report-test',
    latencyMs: 3,
    receivedAtMs: tsMs + 20,
  };
}
