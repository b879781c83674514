import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { Config } from '../../engine/config/index.ts';
import type { Logger } from '../../engine/observability/index.ts';
import type { ConnectorPublisher } from '../shared/index.ts';

/** Options of the IMAP connector. Each field is documented in connectors/README.md, "E-mail (IMAP)". */
export interface EmailConnectorOptions {
  host: string;
  port: number;
  /** TLS from the first byte (IMAPS, usually 993). When false, STARTTLS is used if the server offers it. */
  secure: boolean;
  user: string;
  pass: string;
  /** Folders to watch, e.g. `['INBOX', 'Support']`; each gets its own connection (IDLE watches one folder). */
  folders: string[];
  publisher: ConnectorPublisher;
  /** Where the position (UIDVALIDITY + last UID) of each folder is kept. */
  stateDir: string;
  log: Logger;
  /** Set \Seen on mail once handled. Default false: the connector reads with EXAMINE and marks nothing. */
  markSeen?: boolean;
  /** Addresses (`support@acme.example`) or domains (`@acme.example`, `acme.example`) whose mail is from agents. */
  agentAddresses?: string[];
  /** Customer id for an address; default {@link emailCustomerId}. */
  customerIdFor?(address: string): string;
  /** Agent id for an agent's address; default the lower-cased address (agents are routed by it in the feed). */
  agentIdFor?(address: string): string;
  /** Fallback poll when IDLE is missing or a notification was lost. */
  pollIntervalMs?: number;
  /** Mail larger than this is not downloaded whole: only its header and text part are fetched. */
  maxMessageBytes?: number;
  /** First start on a folder: `all` reads the mail already there, `new` only what arrives from now on. */
  initialSync?: 'all' | 'new';
  /** Extra TLS options (a private CA, a servername). */
  tls?: ConnectionOptions;
}

export const DEFAULT_POLL_INTERVAL_MS = 60_000;
export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_FOLDERS = ['INBOX'];
export const DEFAULT_IMAPS_PORT = 993;
export const DEFAULT_IMAP_PORT = 143;

/** The settings an e-mail connector is built from: its options without the publisher and log it gets from the runtime. */
export type EmailSettings = Omit<EmailConnectorOptions, 'publisher' | 'log'>;

function bool(value: string | undefined, name: string, fallback: boolean): boolean {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error(`${name} must be true or false, got '${value}'`);
}

const list = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');

/**
 * The e-mail settings from the engine's config (`CXPULSE_IMAP_*`), or undefined when
 * CXPULSE_IMAP_HOST is unset (the connector is off). With the host set, throws naming every
 * missing or bad variable.
 */
export function emailSettings(cfg: Config): EmailSettings | undefined {
  const host = cfg.CXPULSE_IMAP_HOST?.trim();
  if (!host) return undefined;
  const missing = cfg.CXPULSE_IMAP_USER?.trim() ? [] : ['CXPULSE_IMAP_USER'];
  if (!cfg.CXPULSE_IMAP_PASS && !cfg.CXPULSE_IMAP_PASS_FILE) missing.push('CXPULSE_IMAP_PASS (or CXPULSE_IMAP_PASS_FILE)');
  if (missing.length > 0) throw new Error(`the e-mail connector needs ${missing.join(', ')}`);
  // A password file keeps the secret out of the environment (Docker/Kubernetes secrets).
  const pass = cfg.CXPULSE_IMAP_PASS ?? readFileSync(cfg.CXPULSE_IMAP_PASS_FILE as string, 'utf8').replace(/\r?\n$/, '');
  const secure = bool(cfg.CXPULSE_IMAP_SECURE, 'CXPULSE_IMAP_SECURE', true);
  const folders = list(cfg.CXPULSE_IMAP_FOLDERS);
  return {
    host,
    port: cfg.CXPULSE_IMAP_PORT ?? (secure ? DEFAULT_IMAPS_PORT : DEFAULT_IMAP_PORT),
    secure,
    user: (cfg.CXPULSE_IMAP_USER as string).trim(),
    pass,
    folders: folders.length > 0 ? folders : DEFAULT_FOLDERS,
    stateDir: cfg.CXPULSE_IMAP_STATE_DIR?.trim() || join(cfg.CXPULSE_DATA_DIR, 'email'),
    markSeen: bool(cfg.CXPULSE_IMAP_MARK_SEEN, 'CXPULSE_IMAP_MARK_SEEN', false),
    agentAddresses: list(cfg.CXPULSE_IMAP_AGENT_ADDRESSES),
    pollIntervalMs: (cfg.CXPULSE_IMAP_POLL_SECONDS ?? DEFAULT_POLL_INTERVAL_MS / 1000) * 1000,
    maxMessageBytes: cfg.CXPULSE_IMAP_MAX_MESSAGE_BYTES ?? DEFAULT_MAX_MESSAGE_BYTES,
    initialSync: cfg.CXPULSE_IMAP_INITIAL_SYNC ?? 'all',
  };
}

/** `support@acme.example` matches that address; `@acme.example` or `acme.example` the whole domain. */
export function agentMatcher(entries: readonly string[]): (address: string) => boolean {
  const addresses = new Set<string>();
  const domains = new Set<string>();
  for (const e of entries.map((s) => s.trim().toLowerCase()).filter((s) => s !== '')) {
    if (e.startsWith('@')) domains.add(e.slice(1));
    else if (e.includes('@')) addresses.add(e);
    else domains.add(e);
  }
  return (address) => {
    const a = address.trim().toLowerCase();
    return addresses.has(a) || domains.has(a.slice(a.lastIndexOf('@') + 1));
  };
}
