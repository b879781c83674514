import { map, type OperatorFunction } from 'rxjs';
import { PII_KINDS, redactPii, type PiiKind, type Redaction } from '../privacy/index.ts';
import type { Accepted, Redacted } from './types.ts';

export type RedactionCounter = (kind: PiiKind, n: number) => void;

export interface RedactStageOptions {
  /** Postal addresses and person names too (best effort; CXPULSE_REDACT_NAMES_ADDRESSES). Default true. */
  names?: boolean;
  count?: RedactionCounter;
}

/** Replaces personal data in text and subject with placeholders naming its kind, before anything else sees them. */
export function redact(opts: RedactStageOptions = {}): OperatorFunction<Accepted, Redacted> {
  const options = { names: opts.names ?? true };
  const tally = (c: Redaction['counts']) => {
    if (!opts.count) return;
    for (const k of PII_KINDS) if (c[k] > 0) opts.count(k, c[k]);
  };
  return map((item) => {
    const body = redactPii(item.event.text, options);
    tally(body.counts);
    const out: Redacted = { ...item, text: body.text };
    if (item.event.subject !== undefined) {
      const subject = redactPii(item.event.subject, options);
      tally(subject.counts);
      out.subject = subject.text;
    }
    return out;
  });
}
