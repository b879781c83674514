import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { runSimulation, type RawEvent } from '../simulator/index.ts';
import { SignJWT } from 'jose';
import { DEFAULT_LOCAL_NATS_URL, IN_PROCESS_NATS, describeNatsServers, loadConfig, parseNatsServers, readSetting, scaleOf } from '../engine/config/index.ts';
import { customerOf, eventSubject } from '../engine/bus/index.ts';

export interface SimulateOptions {
  rate: number;
  count?: number;
  duration?: number;
  seed?: number;
  languages?: string[];
  channels?: string[];
  target?: string;
}

type Publish = (ev: RawEvent) => Promise<void>;

/**
 * Publishes as the engine's own publishers do: on `cx.events.<channel>.<k>`, k the customer's
 * partition under CXPULSE_PARTITIONS (the environment's, as `cxpulse start` reads it), so that with
 * several instances each customer's events reach the one instance that owns them.
 */
async function natsPublisher(servers: readonly string[]): Promise<{ publish: Publish; close(): Promise<void> }> {
  const { partitions } = scaleOf(loadConfig());
  const nc = await connect({ servers: [...servers], timeout: 2000 });
  const js = jetstream(nc);
  return {
    publish: async (ev) => void (await js.publish(eventSubject(String(ev.channel), customerOf(ev), partitions), JSON.stringify(ev), { msgID: ev.id })),
    close: () => nc.drain(),
  };
}

/** With CXPULSE_JWT_SECRET in the environment, an `ingest` token for the engine's HTTP ingest (a day long). */
async function ingestToken(): Promise<string | undefined> {
  const secret = readSetting('CXPULSE_JWT_SECRET');
  if (secret === undefined) return undefined;
  return new SignJWT({ role: 'ingest', sub: 'cxpulse-simulate' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('24h').sign(new TextEncoder().encode(secret));
}

function httpPublisher(base: string): { publish: Publish; close(): Promise<void> } {
  const url = new URL('/v1/events', base);
  let headers: Promise<Record<string, string>> | undefined;
  const headersOnce = () => (headers ??= ingestToken().then((t) => ({ 'content-type': 'application/json', ...(t === undefined ? {} : { authorization: `Bearer ${t}` }) })));
  return {
    publish: async (ev) => {
      const res = await fetch(url, { method: 'POST', headers: await headersOnce(), body: JSON.stringify(ev) });
      if (res.status !== 202) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    },
    close: async () => undefined,
  };
}

/**
 * Picks where to send: the explicit target (an engine's HTTP ingest, or NATS servers), else
 * NATS_URL's servers when set, else local NATS if it answers, else the local engine's HTTP ingest.
 */
async function publisherFor(target: string | undefined) {
  if (target?.startsWith('http')) return { where: target, ...httpPublisher(target) };
  const configured = target === undefined ? readSetting('NATS_URL') : undefined;
  const servers = target !== undefined ? parseNatsServers(target, '--target') : configured !== undefined && configured !== IN_PROCESS_NATS ? parseNatsServers(configured) : undefined;
  if (servers) return { where: describeNatsServers(servers), ...(await natsPublisher(servers)) };
  try {
    return { where: DEFAULT_LOCAL_NATS_URL, ...(await natsPublisher([DEFAULT_LOCAL_NATS_URL])) };
  } catch {
    // The engine's port as `cxpulse start` reads it (PORT, from the config schema).
    const http = `http://127.0.0.1:${loadConfig().PORT}`;
    return { where: http, ...httpPublisher(http) };
  }
}

export async function runSimulate(o: SimulateOptions): Promise<void> {
  const p = await publisherFor(o.target);
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  process.stderr.write(`simulating ${o.rate} events/s to ${p.where}${o.count ? `, ${o.count} events` : ''}${o.duration ? `, ${o.duration} s` : ''} (Ctrl-C stops)\n`);
  let lastReport = 0;
  let firstError: string | undefined;
  const result = await runSimulation({
    rate: o.rate,
    count: o.count,
    durationSec: o.duration,
    seed: o.seed,
    languages: o.languages,
    channels: o.channels,
    signal: ac.signal,
    publish: (ev) =>
      p.publish(ev).catch((e: Error) => {
        firstError ??= e.message;
        throw e;
      }),
    onProgress: (sent, elapsedMs) => {
      if (elapsedMs - lastReport < 1000) return;
      lastReport = elapsedMs;
      process.stderr.write(`  ${sent} sent in ${(elapsedMs / 1000).toFixed(1)} s\n`);
    },
  });
  await p.close();
  process.stderr.write(`done: ${result.sent - result.failed} published, ${result.failed} failed, ${(result.elapsedMs / 1000).toFixed(1)} s (seed ${result.seed}: --seed ${result.seed} replays it)\n`);
  if (firstError) process.stderr.write(`first failure: ${firstError}\n`);
  if (result.failed > 0) process.exitCode = 1;
}
