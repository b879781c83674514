import type { ShareCount } from './alerts.ts';

/**
 * Core NATS subject on which instances send their negative-share counts to the owner of
 * partition 0, which decides the alert for all (engine/cues/alerting.ts, ShareMode). Not stored:
 * a count lost while NATS is away only makes the window's volume smaller (the alert then needs
 * more evidence); the instances cannot consume events meanwhile either.
 */
export const SHARE_COUNTS_SUBJECT = 'cx.internal.alerts.negative_share';

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeShareCounts(from: number, counts: readonly ShareCount[]): Uint8Array {
  return enc.encode(JSON.stringify({ from, counts }));
}

const isCount = (c: unknown): c is ShareCount => {
  const o = c as Partial<ShareCount> | null;
  return (
    typeof o === 'object' && o !== null && typeof o.channel === 'string' &&
    [o.minute, o.n, o.neg].every((v) => Number.isSafeInteger(v) && (v as number) >= 0) && (o.neg as number) <= (o.n as number)
  );
};

/** The counts a message carries; undefined for anything else (a stray or malformed message is ignored, not trusted). */
export function decodeShareCounts(data: Uint8Array): { from: number; counts: ShareCount[] } | undefined {
  try {
    const m = JSON.parse(dec.decode(data)) as { from?: unknown; counts?: unknown };
    if (typeof m.from !== 'number' || !Array.isArray(m.counts) || !m.counts.every(isCount)) return undefined;
    return { from: m.from, counts: m.counts };
  } catch {
    return undefined;
  }
}
