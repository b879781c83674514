/**
 * NATS_URL as the server list every NATS client of cxpulse connects with (engine, customer-state
 * bucket, erasure, connectors, simulator, bench): one server or a comma list of the members of a
 * NATS cluster. Parsed once here so each connection gets the same list and a typo fails at start.
 */
import { ConfigError } from './errors.ts';

export const DEFAULT_LOCAL_NATS_URL = 'nats://127.0.0.1:4222';
/** NATS_URL=memory: the in-process bus (one process, not durable); never part of a list. */
export const IN_PROCESS_NATS = 'memory';

const SCHEMES = ['nats:', 'tls:'];
/** host:port without a scheme, as nats.js takes it: a name, an IPv4 address or a bracketed IPv6 address. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})$/;

/** An entry as it may be shown in an error or a log: user and password removed. */
function shown(entry: string): string {
  return entry.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1');
}

function checkEntry(setting: string, entry: string, position: number, count: number): void {
  const where = count > 1 ? ` (server ${position + 1} of ${count})` : '';
  const bad = (why: string) => new ConfigError(`${setting}: ${JSON.stringify(shown(entry))}${where} ${why}; expected nats://host:port, tls://host:port or host:port, several separated by commas`);
  if (entry === '') throw bad('is empty');
  if (entry === IN_PROCESS_NATS) throw new ConfigError(`${setting}: '${IN_PROCESS_NATS}' (the in-process bus) stands alone, not in a list of servers`);
  if (!entry.includes('://')) {
    const m = HOST_PORT.exec(entry);
    if (!m) throw bad('is not a URL or host:port');
    const port = Number(m[3]);
    if (port < 1 || port > 65535) throw bad(`has port ${port}, outside 1..65535`);
    return;
  }
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw bad('is not a valid URL');
  }
  if (!SCHEMES.includes(url.protocol)) throw bad(`has scheme '${url.protocol.slice(0, -1)}'`);
  if (url.hostname === '') throw bad('names no host');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') throw bad('has a path or query, which NATS does not use');
}

/**
 * A NATS_URL value (not `memory`) as its servers: split on commas, each trimmed and checked.
 * A ConfigError names the setting and the bad entry (without its credentials).
 */
export function parseNatsServers(value: string, setting = 'NATS_URL'): string[] {
  const entries = value.split(',').map((s) => s.trim());
  if (entries.length === 1 && entries[0] === IN_PROCESS_NATS) throw new ConfigError(`${setting}: '${IN_PROCESS_NATS}' is the in-process bus, not a NATS server`);
  entries.forEach((e, i) => checkEntry(setting, e, i, entries.length));
  return entries;
}

/** Checks NATS_URL when set (memory, or a server list); for loadConfig. */
export function checkNatsUrl(value: string | undefined): void {
  if (value === undefined || value === IN_PROCESS_NATS) return;
  parseNatsServers(value);
}

/** The servers of the configuration: NATS_URL's list, or the local default when unset. Not for `memory`. */
export function natsServersOf(cfg: { NATS_URL?: string | undefined }): string[] {
  return cfg.NATS_URL === undefined ? [DEFAULT_LOCAL_NATS_URL] : parseNatsServers(cfg.NATS_URL);
}

/** A server list for messages: `nats://a:4222, nats://b:4222`, credentials removed. */
export function describeNatsServers(servers: readonly string[]): string {
  return servers.map(shown).join(', ');
}
