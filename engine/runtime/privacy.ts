import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.ts';
import type { DeadLetter } from '../bus/index.ts';
import type { Logger } from '../observability/index.ts';
import { createPseudonymizer, MIN_PSEUDONYM_KEY_LENGTH, redactDeadLetter, type Pseudonymizer, type StructuredRedactOptions } from '../privacy/index.ts';

export const PSEUDONYM_KEY_FILE = 'pseudonym.key';

/** How this process treats personal data outside the text: ids, meta, dead letters. */
export interface PrivacySettings {
  pseudonymize: Pseudonymizer;
  /** The HMAC key; undefined when pseudonymisation is off. */
  key: string | undefined;
  /** The key of the erasure log's hash: the pseudonym key, also when pseudonymisation is off. */
  logKey(): string;
  /** For redactJson / redactMeta / redactPayload. */
  redact: StructuredRedactOptions;
  sanitizeDeadLetter(entry: DeadLetter): DeadLetter;
}

const cache = new Map<string, PrivacySettings>();

/**
 * CXPULSE_PSEUDONYM_KEY, or else a key made once and kept in $CXPULSE_DATA_DIR/pseudonym.key
 * (mode 0600), with a warning: processes on other machines or with another data dir would make
 * other pseudonyms, so a deployment of more than one process sets the variable.
 */
export function pseudonymKey(cfg: Config, log: Logger, evenWhenOff = false): string | undefined {
  if (cfg.CXPULSE_PSEUDONYMIZE === 'off' && !evenWhenOff) return undefined;
  if (cfg.CXPULSE_PSEUDONYM_KEY !== undefined) return cfg.CXPULSE_PSEUDONYM_KEY;
  const file = join(cfg.CXPULSE_DATA_DIR, PSEUDONYM_KEY_FILE);
  try {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= MIN_PSEUDONYM_KEY_LENGTH) return key;
    throw new Error(`${file} holds a key shorter than ${MIN_PSEUDONYM_KEY_LENGTH} characters`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = randomBytes(32).toString('base64url');
  mkdirSync(cfg.CXPULSE_DATA_DIR, { recursive: true });
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process sharing the data dir made it first: use that one.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return pseudonymKey(cfg, log, evenWhenOff);
    throw e;
  }
  log.warn({ file }, `CXPULSE_PSEUDONYM_KEY unset: made a pseudonym key in ${file}; set CXPULSE_PSEUDONYM_KEY (the same on every instance and connector) and keep it safe, or customer ids will not match across processes`);
  return key;
}

/** The privacy settings of this configuration (made once per data dir and key setting). */
export function privacySettings(cfg: Config, log: Logger): PrivacySettings {
  const id = [cfg.CXPULSE_DATA_DIR, cfg.CXPULSE_PSEUDONYMIZE, cfg.CXPULSE_PSEUDONYM_KEY ?? '', cfg.CXPULSE_META_KEYS ?? '', cfg.CXPULSE_REDACT_NAMES_ADDRESSES].join('\u0000');
  const known = cache.get(id);
  if (known) return known;
  const key = pseudonymKey(cfg, log);
  const pseudonymize = createPseudonymizer(key);
  const allow = cfg.CXPULSE_META_KEYS?.split(',').map((k) => k.trim()).filter((k) => k !== '');
  const redact: StructuredRedactOptions = { names: cfg.CXPULSE_REDACT_NAMES_ADDRESSES === 'on', pseudonymize, ...(allow ? { metaAllow: new Set(allow) } : {}) };
  const settings: PrivacySettings = {
    pseudonymize,
    key,
    logKey: () => key ?? pseudonymKey(cfg, log, true)!,
    redact,
    sanitizeDeadLetter: (entry) => redactDeadLetter(entry, redact),
  };
  cache.set(id, settings);
  return settings;
}
