import type { ScoredEvent } from '../../engine/event/index.ts';

/**
 * Small fixtures for the browser tests. The angry sentences score -0.99 or below with the shipped
 * model (`node bin/cxpulse.js score`), the calm ones positive, so cues and alerts do not hang on
 * a borderline score.
 */
export const OPENER = 'Hello, I have a question about my order.';
export const ANGRY = [
  'This is terrible, I am very angry with your awful service.',
  'Your service is horrible and I hate it, this is unacceptable.',
  'I am furious, this is the worst experience ever, absolutely disgusting.',
  'Awful, just awful. I hate this company and its useless support.',
  'This is the worst service I have ever had, I am so angry.',
  'Terrible product, horrible support, I am disgusted and furious.',
];
export const CALM = [
  'Thank you so much, everything works great now!',
  'Great service, thanks a lot for the quick help.',
  'Wonderful, I love it, thank you!',
  'Thanks, that was really helpful and friendly.',
  'Excellent support, I am very happy, thank you.',
  'Perfect, it works now. Great job, thanks!',
];

/** Markup that would create elements or run script if any text reached innerHTML. */
export const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold</b>';

/** A raw customer event for POST /v1/events. */
export function customerEvent(id: string, channel: string, conversationId: string, text: string, customerId = `cust-${conversationId}`) {
  return { id, channel, conversationId, customerId, author: 'customer', text, lang: 'en', ts: new Date().toISOString() };
}

/** A scored customer message carrying every head of engine/event/heads.ts, the polite-but-negative signal and churn risk. */
export function richEvent(id: string, conversationId: string): ScoredEvent {
  const now = Date.now();
  return {
    id,
    channel: 'chat',
    conversationId,
    customerId: 'cust-rich',
    author: 'customer',
    agentId: 'agent-9',
    tsMs: now,
    text: 'I would appreciate an answer, but I was charged twice and it is still not fixed.',
    lang: 'en',
    langConfidence: 0.95,
    sentiment: { label: 'negative', score: -0.35, confidence: 0.7 },
    topic: { label: 'billing', confidence: 0.82 },
    urgency: { label: 'critical', confidence: 0.77 },
    formality: { label: 'formal', confidence: 0.9 },
    emotion: {
      labels: ['anger', 'frustration'],
      probs: { anger: 0.71, frustration: 0.66, disappointment: 0.3, confusion: 0.05, joy: 0.01, enthusiasm: 0.01, gratitude: 0.02, neutral: 0.1 },
      intensity: 'strong',
      intensityScore: 0.81,
    },
    signals: { politeNegative: true, evidence: '"I would appreciate" + "still not fixed"' },
    churn: { probability: 0.87, band: 'high', factors: [{ feature: 'contract', text: 'month-to-month contract', contribution: 0.41 }], modelVersion: 'churn-test' },
    conversation: { turns: 1, recent: [-0.35], trend: 0 },
    modelVersion: 'test',
    latencyMs: 1,
    receivedAtMs: now,
  };
}
