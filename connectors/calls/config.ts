import type { Config } from '../../engine/config/index.ts';

export type CallSpeaker = 'customer' | 'agent';

/** Rescan of the watched folder: catches events fs.watch missed and retries files the bus refused. */
export const DEFAULT_RESCAN_MS = 30_000;
/** A file must keep its size this long before it is read, so half-written files are not taken. */
export const DEFAULT_SETTLE_MS = 250;

export interface CallsConfig {
  /** Watched folder (env `CXPULSE_CALLS_DIR`); unset: no folder watching. */
  dir?: string;
  /**
   * Default speaker map for transcripts with labels (`spk_0`, `ch_1`, ...), env
   * `CXPULSE_CALLS_SPEAKERS="spk_0=agent,spk_1=customer"`. A call's own `speakers` wins. Without
   * either, the first speaker is taken as the agent (agents open calls) and the next as the customer.
   */
  speakers?: Record<string, CallSpeaker>;
  rescanMs?: number;
  settleMs?: number;
}

/** Parses `spk_0=agent,spk_1=customer` (also `:` instead of `=`); throws on anything else, naming the part. */
export function parseSpeakerMap(s: string): Record<string, CallSpeaker> {
  const map: Record<string, CallSpeaker> = {};
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z0-9_.-]+)\s*[=:]\s*(customer|agent)$/.exec(part);
    if (!m) throw new Error(`speaker map entry '${part}' is not <label>=customer|agent`);
    map[m[1]!] = m[2] as CallSpeaker;
  }
  return map;
}

/** What the calls connector is built from: its config and the engine's text limit (a turn over it is refused). */
export interface CallsSettings {
  config: CallsConfig;
  maxTextBytes: number;
}

/** The calls settings from the engine's config; throws naming CXPULSE_CALLS_SPEAKERS when it cannot be read. */
export function callsSettings(cfg: Config): CallsSettings {
  const config: CallsConfig = {};
  if (cfg.CXPULSE_CALLS_DIR) config.dir = cfg.CXPULSE_CALLS_DIR;
  if (cfg.CXPULSE_CALLS_SPEAKERS) {
    try {
      config.speakers = parseSpeakerMap(cfg.CXPULSE_CALLS_SPEAKERS);
    } catch (e) {
      throw new Error(`invalid CXPULSE_CALLS_SPEAKERS: ${(e as Error).message}`);
    }
  }
  return { config, maxTextBytes: cfg.CXPULSE_MAX_TEXT_BYTES };
}
