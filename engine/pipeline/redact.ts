import { map, type OperatorFunction } from 'rxjs';
import { redactPii } from '../privacy/index.ts';
import type { Accepted, Redacted } from './types.ts';

export type RedactionCounter = (kind: 'email' | 'card' | 'phone', n: number) => void;

/** Replaces e-mail addresses, card and phone numbers in text and subject before anything else sees them. */
export function redact(count?: RedactionCounter): OperatorFunction<Accepted, Redacted> {
  const tally = (c: { email: number; card: number; phone: number }) => {
    if (!count) return;
    for (const k of ['email', 'card', 'phone'] as const) if (c[k] > 0) count(k, c[k]);
  };
  return map((item) => {
    const body = redactPii(item.event.text);
    tally(body.counts);
    const out: Redacted = { ...item, text: body.text };
    if (item.event.subject !== undefined) {
      const subject = redactPii(item.event.subject);
      tally(subject.counts);
      out.subject = subject.text;
    }
    return out;
  });
}
