import { map, type OperatorFunction } from 'rxjs';
import { PII_KINDS, redactMeta, redactPii, type PiiKind, type Pseudonymizer, type Redaction } from '../privacy/index.ts';
import type { CxEvent } from '../event/types.ts';
import type { Accepted, Redacted } from './types.ts';

export type RedactionCounter = (kind: PiiKind, n: number) => void;

export interface RedactStageOptions {
  /** Postal addresses and person names too (best effort; CXPULSE_REDACT_NAMES_ADDRESSES). Default true. */
  names?: boolean;
  /** The keyed hash of customer ids (CXPULSE_PSEUDONYM_KEY); absent: ids as sent. */
  pseudonymize?: Pseudonymizer;
  /** `meta` keys kept (CXPULSE_META_KEYS); absent: all, values redacted. */
  metaAllow?: ReadonlySet<string>;
  count?: RedactionCounter;
}

/** The event as the engine keeps it: customer id pseudonymised, meta redacted (text and subject are redacted beside it). */
export function privateEvent<E extends Pick<CxEvent, 'customerId' | 'meta'>>(event: E, opts: Pick<RedactStageOptions, 'names' | 'pseudonymize' | 'metaAllow'>): E {
  const out = { ...event };
  if (opts.pseudonymize) out.customerId = opts.pseudonymize(event.customerId);
  if (event.meta != null) out.meta = redactMeta(event.meta, opts);
  return out;
}

/**
 * Replaces personal data in text and subject with placeholders naming its kind, pseudonymises the
 * customer id and redacts meta, before anything else sees them.
 */
export function redact(opts: RedactStageOptions = {}): OperatorFunction<Accepted, Redacted> {
  const options = { names: opts.names ?? true };
  const keep = { ...opts, ...options };
  const tally = (c: Redaction['counts']) => {
    if (!opts.count) return;
    for (const k of PII_KINDS) if (c[k] > 0) opts.count(k, c[k]);
  };
  return map((item) => {
    const body = redactPii(item.event.text, options);
    tally(body.counts);
    const out: Redacted = { ...item, event: privateEvent(item.event, keep), text: body.text };
    if (item.event.subject !== undefined) {
      const subject = redactPii(item.event.subject, options);
      tally(subject.counts);
      out.subject = subject.text;
    }
    return out;
  });
}
